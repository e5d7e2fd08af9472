import "server-only";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { meanRankByShownPosition, positionConsistency, type PermutationResult } from "@/lib/judge/aggregate";

interface EntryRow {
  promptId: string;
  permutationIndex: number;
  shownOrder: string[];
  completionId: string;
  rank: number;
  score: number | null;
}

/** The P permutation results of each prompt of a run (or of the given prompts, or of its first `maxPrompts`), keyed by prompt. */
export async function permutationResultsOf(
  runId: string,
  options: { promptIds?: string[]; maxPrompts?: number } = {},
): Promise<Map<string, PermutationResult[]>> {
  const promptIds = options.promptIds ?? null;
  const maxPrompts = options.maxPrompts ?? null;
  const rows = await queryRows<EntryRow>(
    pool(),
    sql`SELECT r.prompt_id, r.permutation_index, rr.shown_order, e.completion_id, e.rank, e.score
       FROM rankings r JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
       JOIN ranking_entries e ON e.revision_id = rr.id
      WHERE r.judge_run_id = ${runId}::uuid AND (${promptIds}::uuid[] IS NULL OR r.prompt_id = ANY(${promptIds}::uuid[]))
        AND (${maxPrompts}::int IS NULL OR r.prompt_id IN (SELECT DISTINCT x.prompt_id FROM rankings x WHERE x.judge_run_id = ${runId}::uuid
                                                          ORDER BY x.prompt_id LIMIT ${maxPrompts}::int))
      ORDER BY r.prompt_id, r.permutation_index`,
  );
  const byUnit = new Map<string, EntryRow[]>();
  for (const row of rows) {
    const key = `${row.promptId}:${row.permutationIndex}`;
    byUnit.set(key, [...(byUnit.get(key) ?? []), row]);
  }
  const out = new Map<string, PermutationResult[]>();
  for (const entries of byUnit.values()) {
    const order = entries[0]!.shownOrder;
    const result: PermutationResult = {
      order,
      ranks: new Map(entries.map((e) => [order.indexOf(e.completionId) + 1, e.rank])),
      scores: new Map(entries.map((e) => [order.indexOf(e.completionId) + 1, e.score])),
    };
    out.set(entries[0]!.promptId, [...(out.get(entries[0]!.promptId) ?? []), result]);
  }
  return out;
}

export interface PositionReport {
  /** Prompts with at least two stored permutations (the ones consistency can be measured on). */
  promptsCompared: number;
  meanKendallTauB: number | null;
  top1AgreementRate: number | null;
  /** Mean rank given to what was shown at position 1..N (over prompts with N candidates = the most common N). */
  meanRankByShownPosition: number[];
  candidates: number | null;
}

/**
 * How much the run's judge depends on the order it sees the candidates in: agreement between
 * the permutations of each prompt (mean Kendall tau-b, share of prompts whose permutations pick
 * the same best), and the mean rank by shown position (flat, at (N+1)/2, means no position bias).
 */
export function positionReport(results: Map<string, PermutationResult[]>): PositionReport {
  const taus: number[] = [];
  const tops: boolean[] = [];
  for (const perms of results.values()) {
    const c = positionConsistency(perms);
    if (c.kendallTauB !== null) taus.push(c.kendallTauB);
    if (c.top1Agreement !== null) tops.push(c.top1Agreement);
  }
  const sizes = new Map<number, number>();
  for (const perms of results.values()) for (const p of perms) sizes.set(p.order.length, (sizes.get(p.order.length) ?? 0) + 1);
  const n = [...sizes].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? null;
  const sameSize = [...results.values()].flat().filter((p) => p.order.length === n);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    promptsCompared: tops.length,
    meanKendallTauB: mean(taus),
    top1AgreementRate: tops.length ? tops.filter(Boolean).length / tops.length : null,
    meanRankByShownPosition: n === null ? [] : meanRankByShownPosition(sameSize),
    candidates: n,
  };
}
