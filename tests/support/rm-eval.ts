import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import type { Outcome, Vote } from "@/lib/verification/pair-outcome";
import { seedVerificationSet, type SeededVerificationSet } from "./verification";

/**
 * A verification set from seedVerificationSet (judge: gpt-4 chosen over qwen on every prompt, category
 * "easy"; "length" on every prompt from q2 on, where gpt-4's answer is the shorter), with each prompt's
 * outcome and votes decided here (as the votes of the clinicians' task would leave them).
 */
export async function verificationSetWithOutcomes(
  prompts: number,
  decided: Record<string, { outcome: Outcome; votes?: Vote[] }>,
): Promise<SeededVerificationSet & { pairOf: (externalId: string) => string }> {
  const seeded = await seedVerificationSet({
    prompts,
    // q0, q1: gpt-4 (chosen) writes the longest answer; from q2 on the shortest.
    text: (i, _model, j) => `Answer ${j} to question ${i}.${" More detail.".repeat(i <= 1 ? 3 - j : j)}`,
  });
  const pairOf = (externalId: string) => seeded.pairs.find((p) => p.externalId === externalId)!.id;
  for (const [externalId, { outcome, votes = [] }] of Object.entries(decided)) {
    const pairId = pairOf(externalId);
    for (const [i, vote] of votes.entries())
      await execute(
        pool(),
        sql`INSERT INTO verification_votes (pair_id, user_id, vote) VALUES (${pairId}, ${await raterId(`rater-${i}`)}, ${vote}::pair_vote)`,
      );
    await execute(
      pool(),
      sql`UPDATE verification_pairs SET outcome = ${outcome}::verification_outcome, vote_count = ${votes.length} WHERE id = ${pairId}`,
    );
  }
  return { ...seeded, pairOf };
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
