import { describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { execute, queryRows, sql } from "@/lib/db/sql";
import { createAndStartJudgeEvaluation } from "@/lib/judge/run-commands";
import { leaderboard } from "@/lib/rm-eval/queries";
import { responsesIn } from "../support/fake-openai-server";
import { judgeRunHarness, waitForStatus } from "../support/judge-runs";
import { runCli } from "../support/cli";
import { seedVerificationSet, type SeededVerificationSet } from "../support/verification";

const harness = judgeRunHarness(4);

/**
 * The fake judge prefers the response with the higher hidden quality [[q=N]], and on equal qualities the
 * one shown first. gpt-4's (the judge run's chosen) and qwen's (its rejected) qualities per prompt:
 * q0 8 > 2 and verified: right in both orders → 1;
 * q1 8 > 2 but overturned (kept: qwen over gpt-4): wrong in both → 0;
 * q2 5 = 5 and verified: the shown-first response in both orders → ½;
 * q3 9 > 1 and verified → 1; q4 pending and q5 disputed are not kept, not judged.
 * Categories: q0, q1 easy (q1 human too); q2, q3 easy and length.
 * all 2.5 / 4 = 0.625; easy 0.625; length 0.75; human 0; hard none; macro (0.625 + 0.75 + 0) / 3.
 */
const QUALITY: Record<number, [gpt4: number, qwen: number]> = { 0: [8, 2], 1: [8, 2], 2: [5, 5], 3: [9, 1], 4: [9, 1], 5: [9, 1] };
const HAND_ACCURACY = { all: 0.625, easy: 0.625, hard: null, length: 0.75, human: 0, macro: (0.625 + 0.75 + 0) / 3 };

async function setWithOutcomes(): Promise<SeededVerificationSet> {
  const seeded = await seedVerificationSet({
    prompts: 6,
    text: (i, model, j) =>
      `Answer ${j} to question ${i}.${" More detail.".repeat(i <= 1 ? 3 - j : j)} [[q=${model === "gpt-4" ? QUALITY[i]![0] : model === "qwen" ? QUALITY[i]![1] : 0}]]`,
  });
  const outcomes = ["VERIFIED", "OVERTURNED", "VERIFIED", "VERIFIED", "PENDING", "DISPUTED"];
  for (const p of seeded.pairs)
    await execute(
      pool(),
      sql`UPDATE verification_pairs SET outcome = ${outcomes[Number(p.externalId.slice(1))]!}::verification_outcome WHERE id = ${p.id}`,
    );
  expect(seeded.pairs.map((p) => [p.externalId, p.chosenModel, p.rejectedModel, p.categories]).sort()).toEqual([
    ["q0", "gpt-4", "qwen", ["easy"]],
    ["q1", "gpt-4", "qwen", ["easy"]],
    ["q2", "gpt-4", "qwen", ["easy", "length"]],
    ["q3", "gpt-4", "qwen", ["easy", "length"]],
    ["q4", "gpt-4", "qwen", ["easy", "length"]],
    ["q5", "gpt-4", "qwen", ["easy", "length"]],
  ]);
  return seeded;
}

const judgeInput = (name: string) => ({
  name,
  notes: "pairwise template",
  endpointId: harness.endpointId,
  model: "judge",
  templateId: harness.pairwiseTemplateId,
});

describe("an LLM endpoint evaluated as a generative judge on a verification set", () => {
  it("judges each kept pair in both orders through a run, and its leaderboard row has the accuracy computed by hand", async () => {
    const seeded = await setWithOutcomes();
    const callsBefore = harness.fake.calls.length;
    const created = await createAndStartJudgeEvaluation({ setId: seeded.setId }, judgeInput("fake judge"), null);
    expect(created).toMatchObject({ pairs: 4, calls: 8 });
    expect(await waitForStatus(created.runId, ["COMPLETED", "FAILED"])).toBe("COMPLETED");

    // Both orders of every kept pair were asked, and nothing else: each completion shown once as Response 1 and once as Response 2.
    const asked = harness.fake.calls.slice(callsBefore).map((c) => c.body.messages.at(-1)!.content);
    expect(asked).toHaveLength(8);
    const shownOrders = asked.map((text) => {
      const question = /Question (\d+):/.exec(text)![1];
      const first = /\[Response 1\]\nAnswer (\d)/.exec(text)![1];
      return `q${question}:${first === "0" ? "gpt-4" : "qwen"} first`;
    });
    expect(shownOrders.sort()).toEqual(["q0", "q1", "q2", "q3"].flatMap((q) => [`${q}:gpt-4 first`, `${q}:qwen first`]));
    for (const text of asked) {
      expect(responsesIn(text)).toHaveLength(2);
      for (const model of ["gpt-4", "qwen", "llama-3", "mixtral"]) expect(text).not.toContain(model);
    }

    // The verdicts stay apart from rankings: the project's judge rankings are only the imported run's.
    const rankings = await queryRows<{ n: number }>(
      pool(),
      sql`SELECT count(*)::int AS n FROM rankings WHERE judge_run_id = ${created.runId}`,
    );
    expect(rankings).toEqual([{ n: 0 }]);

    const board = await leaderboard("set", seeded.setId);
    const row = board!.rows.find((r) => r.name === "fake judge")!;
    expect(row).toMatchObject({ kind: "judge", notes: "pairwise template", pairs: 4 });
    expect(row.accuracy).toEqual(HAND_ACCURACY);
    expect(row.judgeRun).toEqual({ id: created.runId, status: "COMPLETED", answered: 8, units: 8, unjudged: 0 });
    expect(row.ci95.human).toEqual([0, 0]);
    const audit = await queryRows<{ action: string }>(pool(), sql`SELECT action FROM audit_log WHERE entity_id = ${created.evaluationId}`);
    expect(audit).toEqual([{ action: "rm-evaluation.create" }]);
  });

  it("from the command line: rm-eval --judge --wait --json prints the same accuracy; a bad flag is named and nothing is created", async () => {
    const seeded = await setWithOutcomes();
    const url = process.env.MEDPREF_DATABASE_URL!;
    const refused = await runCli(url, ["rm-eval", "--set", seeded.setId, "--judge", "nope", "--model", "judge", "--name", "x"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--judge: no endpoint named "nope" (endpoints: fake)');
    const noName = await runCli(url, ["rm-eval", "--set", seeded.setId, "--judge", "fake", "--model", "judge"]);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("--name: required: the reward model's name");
    const before = await queryRows<{ n: number }>(pool(), sql`SELECT count(*)::int AS n FROM rm_evaluations`);

    const done = await runCli(url, [
      "rm-eval",
      "--set",
      seeded.setId,
      "--judge",
      "fake",
      "--model",
      "judge",
      "--name",
      "cli judge",
      "--wait",
      "--json",
    ]);
    expect(done.stderr).toContain("calls (each pair in both orders)");
    expect(done.code).toBe(0);
    const result = JSON.parse(done.stdout.trim()) as { name: string; pairs: number; accuracy: unknown; ci95: Record<string, unknown> };
    expect(result).toMatchObject({ name: "cli judge", pairs: 4, accuracy: HAND_ACCURACY });
    expect(Object.keys(result.ci95)).toEqual(["all", "easy", "hard", "length", "human", "macro"]);
    const after = await queryRows<{ n: number }>(pool(), sql`SELECT count(*)::int AS n FROM rm_evaluations`);
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  });

  it("refuses a set with no kept pair, and stores nothing", async () => {
    const seeded = await seedVerificationSet({ prompts: 2 });
    const runs = async () => (await queryRows<{ n: number }>(pool(), sql`SELECT count(*)::int AS n FROM judge_runs`))[0]!.n;
    const before = await runs();
    await expect(createAndStartJudgeEvaluation({ setId: seeded.setId }, judgeInput("too early"), null)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Verified pairs v1 has no pairs to evaluate yet (no pair is kept).",
    });
    expect(await runs()).toBe(before);
  });
});
