"use client";

import { useReducer, useState, useTransition } from "react";
import { setGoldAction } from "@/app/(app)/projects/[slug]/actions";
import { RankingPanel } from "@/components/annotation/ranking-panel";
import { initialRankingState, rankingReducer, tiersOf } from "@/components/annotation/ranking-state";
import { buttonClass, FormMessage } from "@/components/ui/form-message";
import type { ActionResult } from "@/lib/actions/action-result";

/** An admin's reference ranking of a prompt, with the same controls clinicians use. */
export function GoldRankingEditor({ slug, promptId, candidates, current }: { slug: string; promptId: string; candidates: { id: string; label: number }[]; current: string[][] | null }) {
  const [state, dispatch] = useReducer(rankingReducer, undefined, () => initialRankingState(candidates.map((c) => c.id), current ? { tiers: current } : null));
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const labelOf = (id: string) => candidates.find((c) => c.id === id)?.label ?? 0;
  return (
    <div className="space-y-3">
      <RankingPanel state={state} dispatch={dispatch} labelOf={labelOf} allowTies error={null} />
      <FormMessage state={result} />
      <button type="button" disabled={pending} className={buttonClass} onClick={() => start(async () => setResult(await setGoldAction(slug, promptId, { tiers: tiersOf(state), details: {}, rationale: null, timeOnTaskMs: 0 })))}>
        {pending ? "Saving…" : current ? "Revise gold ranking" : "Save as gold ranking"}
      </button>
    </div>
  );
}
