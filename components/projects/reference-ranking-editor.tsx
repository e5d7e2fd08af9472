"use client";

import { useReducer, useState, useTransition } from "react";
import { setReferenceRankingAction } from "@/app/(app)/projects/[slug]/actions";
import { RankingPanel } from "@/components/annotation/ranking-panel";
import { initialRankingState, rankingReducer, tiersOf } from "@/components/annotation/ranking-state";
import { buttonClass, FormMessage } from "@/components/ui/form-message";
import type { ActionResult } from "@/lib/actions/action-result";

const LABELS = {
  GOLD: { save: "Save as gold ranking", revise: "Revise gold ranking" },
  ADJUDICATED: { save: "Save adjudicated ranking", revise: "Revise adjudicated ranking" },
};

/** An admin's reference ranking of a prompt (gold or adjudicated), with the same controls clinicians use. */
export function ReferenceRankingEditor({
  slug,
  promptId,
  kind,
  candidates,
  current,
}: {
  slug: string;
  promptId: string;
  kind: "GOLD" | "ADJUDICATED";
  candidates: { id: string; label: number; model: string }[];
  current: string[][] | null;
}) {
  const [state, dispatch] = useReducer(rankingReducer, undefined, () =>
    initialRankingState(
      candidates.map((c) => c.id),
      current ? { tiers: current } : null,
    ),
  );
  const [rationale, setRationale] = useState("");
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const labelOf = (id: string) => candidates.find((c) => c.id === id)?.label ?? 0;
  // Admins rank with the model names in view (this editor is only on admin pages).
  const modelOf = (id: string) => candidates.find((c) => c.id === id)?.model ?? "";
  return (
    <div className="space-y-3">
      <RankingPanel state={state} dispatch={dispatch} labelOf={labelOf} detailOf={modelOf} allowTies error={null} />
      {kind === "ADJUDICATED" && (
        <label className="block text-sm">
          Why (optional)
          <textarea
            value={rationale}
            onChange={(e) => setRationale(e.target.value)}
            maxLength={4000}
            rows={2}
            className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1"
          />
        </label>
      )}
      <FormMessage state={result} />
      <button
        type="button"
        disabled={pending}
        className={buttonClass}
        onClick={() =>
          start(async () =>
            setResult(
              await setReferenceRankingAction(slug, promptId, kind, {
                tiers: tiersOf(state),
                details: {},
                rationale: rationale.trim() || null,
                timeOnTaskMs: 0,
              }),
            ),
          )
        }
      >
        {pending ? "Saving…" : current ? LABELS[kind].revise : LABELS[kind].save}
      </button>
    </div>
  );
}
