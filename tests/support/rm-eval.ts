import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import type { Outcome, Vote } from "@/lib/verification/pair-outcome";

export interface PlantedPair {
  /** The prompt's imported id. */
  prompt: string;
  /** The source's (judge's) verdict, as model names. */
  chosen: string;
  rejected: string;
  categories: string[];
  outcome: Outcome;
  votes?: Vote[];
}

/**
 * A verification set of a judge run with the given pairs, outcomes and votes, written with plain SQL
 * (a stand-in until the lead's seedVerificationSet lands). Answers the set's id and its pairs' ids in order.
 */
export async function plantVerificationSet(projectId: string, pairs: PlantedPair[], name = "bench") {
  const run = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO judge_runs (project_id, kind, status, name, model, permutations, units_total)
        VALUES (${projectId}, 'JUDGE', 'COMPLETED', 'judge', 'judge-model', 2, 0) RETURNING id`,
  );
  const version = await queryOne<{ next: number }>(
    pool(),
    sql`SELECT coalesce(max(version), 0) + 1 AS next FROM verification_sets WHERE project_id = ${projectId} AND name = ${name}`,
  );
  const set = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO verification_sets (project_id, name, version, judge_run_id, config, raters, agree, disputed, pair_count)
        VALUES (${projectId}, ${name}, ${version!.next}, ${run!.id}, '{}'::jsonb, 3, 2, 'exclude', ${pairs.length}) RETURNING id`,
  );
  const ids: string[] = [];
  for (const [position, p] of pairs.entries()) {
    const row = await queryOne<{ id: string }>(
      pool(),
      sql`INSERT INTO verification_pairs (set_id, position, prompt_id, chosen_completion_id, rejected_completion_id, categories, judge, vote_count, outcome)
          SELECT ${set!.id}::uuid, ${position}, pr.id, c.id, r.id, ${p.categories}::text[], ${JSON.stringify({ runId: run!.id })}::jsonb,
                 ${p.votes?.length ?? 0}, ${p.outcome}::verification_outcome
            FROM prompts pr JOIN completions c ON c.prompt_id = pr.id AND c.model = ${p.chosen}
            JOIN completions r ON r.prompt_id = pr.id AND r.model = ${p.rejected}
           WHERE pr.project_id = ${projectId} AND pr.external_id = ${p.prompt}
          RETURNING id`,
    );
    if (!row) throw new Error(`no prompt ${p.prompt} with models ${p.chosen} and ${p.rejected}`);
    ids.push(row.id);
    for (const [i, vote] of (p.votes ?? []).entries()) {
      const rater = await raterId(`rater-${i}`);
      await execute(pool(), sql`INSERT INTO verification_votes (pair_id, user_id, vote) VALUES (${row.id}, ${rater}, ${vote}::pair_vote)`);
    }
  }
  return { setId: set!.id, pairIds: ids };
}

async function raterId(name: string): Promise<string> {
  const email = `${name}@raters.test`;
  const found = await queryRows<{ id: string }>(pool(), sql`SELECT id FROM users WHERE email = ${email}`);
  if (found[0]) return found[0].id;
  const row = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO users (email, name, role, pseudonym) VALUES (${email}, ${name}, 'CLINICIAN', ${`C-${name}`}) RETURNING id`,
  );
  return row!.id;
}
