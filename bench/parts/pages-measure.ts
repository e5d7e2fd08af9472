import type { HttpSession } from "../http-session";
import { quantile, round1, timeEach } from "./latency";

export interface PageFigures {
  /** Server-rendered page, requested over HTTP by a signed-in admin, one after another. */
  p50Ms: number;
  p95Ms: number;
  /** The same reads the page makes, issued directly in this process (the floor). */
  baselineP95Ms: number;
  ratio: number;
}

/**
 * Times a page: `requests` GETs of the paths `pathOf(i)` gives (different pages and filters), after
 * two warm-up requests, next to `baseline(i)`: the page's own reads called directly, as often.
 */
export async function timePage(
  session: HttpSession,
  requests: number,
  pathOf: (i: number) => string,
  baseline: (i: number) => Promise<unknown>,
): Promise<PageFigures> {
  for (const i of [0, 1]) await fetchPage(session, pathOf(i));
  const ms = await timeEach(requests, (i) => fetchPage(session, pathOf(i)));
  const base = await timeEach(requests, async (i) => void (await baseline(i)));
  const p95Ms = quantile(ms, 0.95);
  const baselineP95Ms = quantile(base, 0.95);
  return {
    p50Ms: round1(quantile(ms, 0.5)),
    p95Ms: round1(p95Ms),
    baselineP95Ms: round1(baselineP95Ms),
    ratio: round1(p95Ms / baselineP95Ms),
  };
}

async function fetchPage(session: HttpSession, path: string): Promise<void> {
  const res = await session.request(path);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
}
