"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useTransition, useState } from "react";
import { controlRunAction } from "@/app/(app)/runs/actions";
import type { ActionResult } from "@/lib/actions/action-result";
import type { RunProgress } from "@/lib/judge/runs/run-views";
import { FormMessage } from "@/components/ui/form-message";
import { isLiveStatus, useLiveResource } from "@/components/ui/use-live-resource";

const fmt = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const usd = new Intl.NumberFormat("en", { style: "currency", currency: "USD", maximumFractionDigits: 4 });

/** The server-rendered parts of the run page (consistency, prompts, failures) follow at most this often while it runs. */
const SECTIONS_REFRESH_MS = 5_000;

function eta(p: RunProgress): string {
  const minutes = p.etaMinutes;
  if (minutes === null) return p.status === "RUNNING" && p.pending > 0 ? "estimating…" : "—";
  if (minutes < 1) return "under a minute";
  if (minutes < 90) return `${Math.round(minutes)} min`;
  return `${fmt.format(minutes / 60)} h`;
}

/** A run's progress, refreshed every 2 s while it runs, with its pause/resume/cancel controls. */
export function RunLive({ initial, canControl }: { initial: RunProgress; canControl: boolean }) {
  const router = useRouter();
  const p = useLiveResource({ queryKey: ["run", initial.id], url: `/api/runs/${initial.id}`, initial, everyMs: 2000, what: "progress" });
  // The page's other live figures (position consistency, prompts, failed calls) are rendered on
  // the server: re-render them when the counters move (at most every few seconds while running)
  // and at once when the run stops, so they never stay behind the progress above.
  const shown = useRef({ key: `${initial.status}:${initial.done}:${initial.failed}`, at: 0 });
  useEffect(() => {
    const key = `${p.status}:${p.done}:${p.failed}`;
    if (key === shown.current.key) return;
    const stopped = !isLiveStatus(p.status);
    const wait = stopped ? 0 : Math.max(0, shown.current.at + SECTIONS_REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      shown.current = { key, at: Date.now() };
      router.refresh();
    }, wait);
    return () => clearTimeout(timer);
  }, [p.status, p.done, p.failed, router]);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const control = (command: "pause" | "resume" | "cancel" | "start") =>
    start(async () => {
      setResult(await controlRunAction(initial.id, command));
      router.refresh();
    });
  const pct = (n: number) => (p.total ? (100 * n) / p.total : 0);
  return (
    <>
      {p.status === "FAILED" && p.pausedReason && (
        <div
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
          data-testid="run-failure-cause"
        >
          <p className="font-semibold">This run failed.</p>
          <p className="break-words">{p.pausedReason}</p>
        </div>
      )}
      <section aria-labelledby="progress-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="progress-heading" className="font-semibold">
            Progress{" "}
            <span className="ml-2 rounded bg-slate-100 px-2 py-0.5 text-sm font-normal" data-testid="run-status">
              {p.status.toLowerCase()}
            </span>
          </h2>
          {canControl && (
            <div className="flex gap-2">
              {p.status === "QUEUED" && (
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => control("start")}
                  className="rounded-md border border-slate-300 px-3 py-1 text-sm"
                >
                  Start
                </button>
              )}
              {isLiveStatus(p.status) && (
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => control("pause")}
                  className="rounded-md border border-slate-300 px-3 py-1 text-sm"
                >
                  Pause
                </button>
              )}
              {(p.status === "PAUSED" || ((p.status === "COMPLETED" || p.status === "FAILED") && p.failed > 0)) && (
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => control("resume")}
                  className="rounded-md border border-slate-300 px-3 py-1 text-sm"
                >
                  {p.status === "PAUSED" ? "Resume" : "Retry failed"}
                </button>
              )}
              {(isLiveStatus(p.status) || p.status === "PAUSED") && (
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => control("cancel")}
                  className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-700"
                >
                  Cancel
                </button>
              )}
            </div>
          )}
        </div>
        {p.pausedReason && p.status !== "RUNNING" && p.status !== "FAILED" && <p className="text-sm text-amber-800">{p.pausedReason}</p>}
        <div
          role="progressbar"
          aria-label="Run progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(pct(p.done + p.failed))}
          className="flex h-4 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className="h-full bg-emerald-600" style={{ width: `${pct(p.done)}%` }} title={`${p.done} done`} />
          <div className="h-full bg-red-500" style={{ width: `${pct(p.failed)}%` }} title={`${p.failed} failed`} />
        </div>
        <dl className="grid grid-cols-2 gap-3 text-sm md:grid-cols-4 xl:grid-cols-8" data-testid="run-figures">
          <div>
            <dt className="text-slate-500">Done</dt>
            <dd className="font-semibold text-emerald-700">{p.done}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Failed</dt>
            <dd className="font-semibold text-red-700">{p.failed}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Pending</dt>
            <dd className="font-semibold">{p.pending}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Calls made</dt>
            <dd className="font-semibold">{p.callsMade}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Calls per minute</dt>
            <dd className="font-semibold">{fmt.format(p.callsPerMinute)}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Tokens</dt>
            <dd className="font-semibold">{p.tokensUsed.toLocaleString("en")}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Estimated cost</dt>
            <dd className="font-semibold">{usd.format(p.costUsd)}</dd>
          </div>
          <div>
            <dt className="text-slate-500">ETA</dt>
            <dd className="font-semibold">{eta(p)}</dd>
          </div>
        </dl>
        {p.possiblyPaid && (
          <div
            className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
            data-testid="possibly-paid"
          >
            <p>
              <span className="font-semibold">
                Possibly paid, not in the figures above: {p.possiblyPaid.calls} {p.possiblyPaid.calls === 1 ? "request" : "requests"}
              </span>{" "}
              (about {Math.round(p.possiblyPaid.tokens).toLocaleString("en")} tokens
              {p.possiblyPaid.costUsd === null ? "" : `, about ${usd.format(p.possiblyPaid.costUsd)}`}).
            </p>
            <p className="text-xs">
              A worker sent them and stopped (killed or crashed) before recording the answers; the provider may have billed them. Their
              units were asked again. The estimate: each request&apos;s size in, this run&apos;s mean answer out.
            </p>
          </div>
        )}
        <FormMessage state={result} />
      </section>
    </>
  );
}
