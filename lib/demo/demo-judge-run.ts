import "server-only";
import { writeAudit } from "@/lib/audit/audit-entry";
import { insertJudgeRanking } from "@/lib/annotation/store-revision";
import { RunKind, RunStatus, UnitState } from "@/generated/prisma/enums";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { judgePermutations } from "@/lib/judge/permutations";

export const DEMO_JUDGE_MODEL = "demo-judge (synthetic)";
export const DEMO_JUDGE_PERMUTATIONS = 2;
/** UltraMedical rubric scores by intended quality (excellent … unsafe). */
const SCORES = [5, 5, 4, 3, 2, 2, 1, 1];

export interface DemoJudgeRanking {
  permutationIndex: number;
  /** The order the judge "saw" the candidates in: a real run's seeded permutation, not the file's order. */
  shownOrder: string[];
  /** Best first, one candidate per tier. */
  order: string[];
  scores: Record<string, number>;
}

/**
 * What the demo's synthetic judge answers for one prompt, as a real judge run stores it: one
 * ranking per permutation, each shown in that permutation's order (the same planner as real runs).
 * The judge ranks by the candidates' intended quality (`byQuality`, best first), swaps the two
 * middle ones on every other prompt, and on every third prompt changes its mind about the 5th
 * and 6th in its second permutation; its ranks never depend on where a candidate was shown.
 */
export function demoJudgeRankings(promptId: string, byQuality: readonly string[], promptIndex: number): DemoJudgeRanking[] {
  const orders = judgePermutations(byQuality, DEMO_JUDGE_PERMUTATIONS, `demo-judge:${promptId}`);
  return orders.map((shownOrder, permutationIndex) => {
    const order = [...byQuality];
    if (promptIndex % 2) [order[2], order[3]] = [order[3]!, order[2]!];
    if (permutationIndex === 1 && promptIndex % 3 === 0 && order.length > 5) [order[4], order[5]] = [order[5]!, order[4]!];
    return {
      permutationIndex,
      shownOrder,
      order,
      scores: Object.fromEntries(order.map((id, rank) => [id, SCORES[Math.min(rank, SCORES.length - 1)]!])),
    };
  });
}

/**
 * Stores the demo judge as a completed judge run with P = 2 permutations, exactly like a real
 * run's results (shown order per permutation, one ranking each), so the dashboard's position
 * figures see shuffled orders and not the file's order (which would plot as a perfect position bias).
 */
export async function seedDemoJudgeRun(projectId: string, prompts: { id: string; byQuality: string[] }[]): Promise<string> {
  return withTransaction(async (tx) => {
    const run = await queryOne<{ id: string }>(
      tx,
      sql`INSERT INTO judge_runs (project_id, kind, status, name, model, permutations, units_total, config, started_at, finished_at)
       VALUES (${projectId}, ${RunKind.JUDGE}, ${RunStatus.COMPLETED}, 'Demo judge (synthetic)', ${DEMO_JUDGE_MODEL}, ${DEMO_JUDGE_PERMUTATIONS},
               ${prompts.length * DEMO_JUDGE_PERMUTATIONS}, ${JSON.stringify({ demo: true })}::jsonb, now(), now()) RETURNING id`,
    );
    const runId = run!.id;
    for (const [i, prompt] of prompts.entries()) {
      for (const r of demoJudgeRankings(prompt.id, prompt.byQuality, i)) {
        await execute(
          tx,
          sql`INSERT INTO judge_units (run_id, prompt_id, unit_index, state) VALUES (${runId}, ${prompt.id}, ${r.permutationIndex}, ${UnitState.DONE})`,
        );
        await insertJudgeRanking(tx, {
          promptId: prompt.id,
          judgeRunId: runId,
          permutationIndex: r.permutationIndex,
          authorId: null,
          shownOrder: r.shownOrder,
          idempotencyKey: null,
          submission: {
            tiers: r.order.map((id) => [id]),
            details: Object.fromEntries(Object.entries(r.scores).map(([id, score]) => [id, { score, flags: [] }])),
            rationale: null,
            timeOnTaskMs: 0,
          },
        });
      }
    }
    await writeAudit(tx, {
      actorId: null,
      action: "judge-run.create",
      entityType: "judge_run",
      entityId: runId,
      after: { demo: true, prompts: prompts.length, permutations: DEMO_JUDGE_PERMUTATIONS },
    });
    return runId;
  });
}
