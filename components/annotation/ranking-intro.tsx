"use client";

import { KeyLegend } from "@/components/annotation/key-legend";
import { SafeMarkdown } from "@/components/markdown/safe-markdown";
import { Dialog } from "@/components/ui/dialog";

const storageKey = (slug: string) => `medpref.intro.done.${slug}`;

/** Whether this browser has dismissed the project's introduction (first visit shows it). */
export function introSeen(slug: string): boolean {
  try {
    return window.localStorage.getItem(storageKey(slug)) === "1";
  } catch {
    return false;
  }
}

export function markIntroSeen(slug: string) {
  try {
    window.localStorage.setItem(storageKey(slug), "1");
  } catch {
    // Private mode without storage: the introduction shows again next time, nothing else breaks.
  }
}

/** The first-visit introduction to a project's ranking: guidelines, the ways to rank, keys. */
export function RankingIntro({
  projectName,
  guidelines,
  allowTies,
  count,
  onClose,
}: {
  projectName: string;
  guidelines: string;
  allowTies: boolean;
  count: number;
  onClose: () => void;
}) {
  return (
    <Dialog title={`How to rank in ${projectName}`} onClose={onClose} wide>
      <section aria-label="Guidelines" className="space-y-1">
        <h3 className="font-semibold">Guidelines</h3>
        <div className="max-h-48 overflow-y-auto rounded border border-slate-200 p-2 text-sm">
          {guidelines ? <SafeMarkdown text={guidelines} /> : <p className="text-slate-600">No guidelines written yet.</p>}
        </div>
        <p className="text-xs text-slate-600">They stay one click away: the Guidelines button beside your ranking.</p>
      </section>
      <section className="space-y-1 text-sm">
        <h3 className="font-semibold">Ranking</h3>
        <ul className="list-disc space-y-1 pl-5">
          <li>Read the responses; their order and numbers are shuffled for you, and the models are hidden.</li>
          <li>
            Rank them best first: <strong>Rank next</strong> on a response, drag a <span aria-hidden="true">⠿</span> handle into{" "}
            <em>Your ranking</em> (a line shows where it lands), or type the responses’ numbers in order.
          </li>
          {allowTies ? (
            <li>Ties are allowed: drop a response on another’s “= tie” zone, press T, or use the = button.</li>
          ) : (
            <li>This project asks for a strict order: no ties.</li>
          )}
          <li>Scores (1–5) and flags (unsafe, factually incorrect, …) on each response are optional; a rationale helps the reviewers.</li>
          <li>Not your field, or a broken prompt? Skip it with a reason.</li>
        </ul>
      </section>
      <section className="space-y-1">
        <h3 className="text-sm font-semibold">Keys</h3>
        <KeyLegend count={count} allowTies={allowTies} />
      </section>
      <div className="flex justify-end">
        <button
          type="button"
          data-autofocus
          onClick={onClose}
          className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700"
        >
          Start ranking
        </button>
      </div>
    </Dialog>
  );
}
