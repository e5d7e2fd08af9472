import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { setAgreement } from "@/lib/verification/verification-agreement";
import { pairOutcome, type Vote } from "@/lib/verification/pair-outcome";
import { runCli } from "../support/cli";
import { seedVerificationSet, type SeededVerificationSet } from "../support/verification";
import { useFreshDatabase } from "../support/test-database";

let databaseUrl: string;
let seeded: SeededVerificationSet;
// Two raters per pair: pairs 0–2 verified, 3 overturned, 4 disputed, 5 pending (one vote).
const VOTES: Vote[][] = [
  ["CHOSEN", "CHOSEN"],
  ["CHOSEN", "CHOSEN"],
  ["CHOSEN", "CHOSEN"],
  ["REJECTED", "REJECTED"],
  ["CHOSEN", "TIE"],
  ["REJECTED"],
];

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  seeded = await seedVerificationSet({ prompts: 6 });
  const raters = [];
  for (const n of [1, 2]) {
    raters.push(
      (await queryOne<{ id: string }>(
        pool(),
        sql`INSERT INTO users (email, name, role, pseudonym) VALUES (${`rater${n}@example.org`}, ${`Rater ${n}`}, 'CLINICIAN', ${`Clinician V${n}`}) RETURNING id`,
      ))!.id,
    );
  }
  for (const [i, votes] of VOTES.entries()) {
    const pair = seeded.pairs[i]!;
    for (const [r, vote] of votes.entries())
      await execute(
        pool(),
        sql`INSERT INTO verification_votes (pair_id, user_id, vote, created_at) VALUES (${pair.id}, ${raters[r]!}, ${vote}::pair_vote, now() + ${`${r} seconds`}::interval)`,
      );
    await execute(
      pool(),
      sql`UPDATE verification_pairs SET vote_count = ${votes.length}, outcome = ${pairOutcome(votes, { raters: 2, agree: 2 })}::verification_outcome WHERE id = ${pair.id}`,
    );
  }
});

describe("verification on the command line", () => {
  it("creates a set and prints its id alone on the last line", async () => {
    const result = await runCli(databaseUrl, [
      "verification",
      "create",
      "--project",
      seeded.project.slug,
      "--source",
      `judge:${seeded.runId}`,
      "--pairs",
      "3",
      "--raters",
      "3",
      "--agree",
      "2",
      "--sampling",
      "uncertain",
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    const id = lines.at(-1)!;
    expect(lines[0]).toBe('Created verification set "Pairs from judge run ' + seeded.runId.slice(0, 8) + '" version 1 with 3 pairs.');
    expect(await queryOne(pool(), sql`SELECT raters, agree, pair_count FROM verification_sets WHERE id = ${id}`)).toEqual({
      raters: 3,
      agree: 2,
      pairCount: 3,
    });
  });

  it("names the flag of a bad value (exit 2) and the missing source (exit 1)", async () => {
    const bad = await runCli(databaseUrl, [
      "verification",
      "create",
      "--project",
      seeded.project.slug,
      "--source",
      `judge:${seeded.runId}`,
      "--pairs",
      "3",
      "--raters",
      "2",
      "--agree",
      "3",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--agree: at most the raters per pair (2)");
    const missing = await runCli(databaseUrl, [
      "verification",
      "create",
      "--project",
      seeded.project.slug,
      "--source",
      "export:00000000-0000-4000-8000-000000000000",
      "--pairs",
      "3",
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe("No export 00000000-0000-4000-8000-000000000000.");
  });

  it("lists the pairs with the judge's verdict by model name and each pair's status", async () => {
    const result = await runCli(databaseUrl, ["verification", "pairs", seeded.setId, "--json"]);
    expect(result.code).toBe(0);
    const statuses = ["verified", "verified", "verified", "overturned", "disputed", "pending"];
    expect(JSON.parse(result.stdout)).toEqual(
      seeded.pairs.map((p, i) => ({
        pair: p.id,
        prompt_id: p.externalId,
        judge_chosen: "gpt-4",
        judge_rejected: "qwen",
        categories: i === 3 ? ["easy", "length", "human"] : ["easy", "length"],
        status: statuses[i],
      })),
    );
  });

  it("shows outcome counts and agreement with intervals", async () => {
    const result = await runCli(databaseUrl, ["verification", "show", seeded.setId, "--json"]);
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as Record<string, unknown>;
    const expected = setAgreement(
      VOTES.map((votes) => ({ votes, outcome: pairOutcome(votes, { raters: 2, agree: 2 }) })),
      "0",
    );
    // By hand: 4 of 5 two-vote pairs agree; first votes C 4, R 1, second C 3, T 1, R 1 → pₑ = 0.8·0.6 + 0.2·0.2 = 0.52;
    // κ = (0.8 − 0.52) / 0.48. Human–judge: 3 verified of 4 decided.
    expect(shown).toEqual({
      set: seeded.setId,
      pairs: 6,
      verified: 3,
      overturned: 1,
      disputed: 1,
      pending: 1,
      humanHuman: { agreement: 0.8, kappa: expect.closeTo(0.28 / 0.48, 12) as unknown, ci95: expected.humanHuman.ci95 },
      humanJudge: { agreement: 0.75, ci95: expected.humanJudge.ci95 },
    });
    const text = await runCli(databaseUrl, ["verification", "show", seeded.setId]);
    expect(text.stdout).toContain("verified 3, overturned 1, disputed 1, pending 1");
  });
});
