import type { HttpSession } from "../http-session";
import { quantile, round1, timeEach } from "./latency";

export interface PageFigures {
  /** Server-rendered page, requested over HTTP by a signed-in admin, one after another. */
  p50Ms: number;
  p95Ms: number;
  /** The same reads the page makes, issued directly in this process (the floor). */
  baselineP95Ms: number;
  ratio: number;
  /** Per kind of request (`variantOf`), when given: which filters and pages are slow, not only the whole list's p95. */
  variants?: Record<string, VariantFigures>;
}

export interface VariantFigures {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  baselineP95Ms: number;
}

/**
 * Times a page: `requests` GETs of the paths `pathOf(i)` gives (different pages and filters), after
 * two warm-up requests, next to `baseline(i)`: the page's own reads called directly, as often.
 * With `variantOf(i)` (a name for request i's kind), the same figures per kind as well.
 */
export async function timePage(
  session: HttpSession,
  requests: number,
  pathOf: (i: number) => string,
  baseline: (i: number) => Promise<unknown>,
  variantOf?: (i: number) => string,
): Promise<PageFigures> {
  for (const i of [0, 1]) await fetchPage(session, pathOf(i));
  const ms = await timeEach(requests, (i) => fetchPage(session, pathOf(i)));
  const base = await timeEach(requests, async (i) => void (await baseline(i)));
  const p95Ms = quantile(ms, 0.95);
  const baselineP95Ms = quantile(base, 0.95);
  const figures: PageFigures = {
    p50Ms: round1(quantile(ms, 0.5)),
    p95Ms: round1(p95Ms),
    baselineP95Ms: round1(baselineP95Ms),
    ratio: round1(p95Ms / baselineP95Ms),
  };
  if (variantOf) {
    const requestsOf = new Map<string, number[]>();
    for (let i = 0; i < requests; i++) requestsOf.set(variantOf(i), [...(requestsOf.get(variantOf(i)) ?? []), i]);
    figures.variants = Object.fromEntries(
      [...requestsOf].map(([variant, is]) => [
        variant,
        {
          requests: is.length,
          p50Ms: round1(
            quantile(
              is.map((i) => ms[i]!),
              0.5,
            ),
          ),
          p95Ms: round1(
            quantile(
              is.map((i) => ms[i]!),
              0.95,
            ),
          ),
          baselineP95Ms: round1(
            quantile(
              is.map((i) => base[i]!),
              0.95,
            ),
          ),
        },
      ]),
    );
  }
  return figures;
}

async function fetchPage(session: HttpSession, path: string): Promise<void> {
  const res = await session.request(path);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
}
