import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { aggregatePermutations, positionConsistency, type PermutationResult } from "@/lib/judge/aggregate";
import { createEndpoint } from "@/lib/judge/endpoints";
import { ensureBuiltInTemplates, latestTemplates } from "@/lib/judge/judge-templates";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { registerJudgeWorker, resumeJudgeRun, startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { startQueue, stopQueue } from "@/lib/jobs/queue";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { useFreshDatabase } from "../support/test-database";

let fake: FakeOpenAI;
let boss: PgBoss;
let endpointId: string;
let templateId: string;

beforeAll(async () => {
  await useFreshDatabase();
  fake = await startFakeOpenAI();
  process.env.MEDPREF_TEST_RUN_KEY = "sk-run-test";
  endpointId = (await createEndpoint({ name: "fake", baseUrl: fake.url, apiKeyEnv: "MEDPREF_TEST_RUN_KEY", modelPrices: { judge: { inputPerMTok: 1, outputPerMTok: 2 } } }, null)).id;
  await ensureBuiltInTemplates();
  templateId = (await latestTemplates()).find((t) => t.key === "open-ended")!.id;
  boss = await startQueue();
  await registerJudgeWorker(boss, 8);
});
afterAll(async () => {
  await stopQueue();
  await fake.close();
});

/** Prompts whose 4 candidates carry hidden qualities; the fake judge ranks by them. */
async function projectWithQualities(prompts: number) {
  const project = await makeProject();
  await importText(project.id, jsonl(Array.from({ length: prompts }, (_, i) => ({ prompt: `Judge me ${i}`, completions: [3, 9, 1, 6].map((q, j) => ({ model: `m${j}`, text: `Answer ${j} of ${i} [[q=${q}]]` })) }))));
  return project;
}

async function waitForStatus(runId: string, statuses: string[]) {
  for (let i = 0; i < 600; i++) {
    const run = await db().judgeRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
    if (statuses.includes(run.status)) return run.status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the run did not finish");
}

async function resultsOf(runId: string) {
  const { rows } = await pool().query<{ prompt_id: string; permutation_index: number; shown_order: string[]; completion_id: string; rank: number; score: number | null; model: string }>(
    `SELECT r.prompt_id, r.permutation_index, rr.shown_order, e.completion_id, e.rank, e.score, c.model
       FROM rankings r JOIN ranking_revisions rr ON rr.ranking_id = r.id JOIN ranking_entries e ON e.revision_id = rr.id JOIN completions c ON c.id = e.completion_id
      WHERE r.judge_run_id = $1`,
    [runId],
  );
  return rows;
}

describe("a judge run", () => {
  it("ranks 50 prompts in 2 permutations, maps positions back to the right completions, and reports consistency", async () => {
    const project = await projectWithQualities(50);
    const run = await createJudgeRun({ projectSlug: project.slug, name: "fake judge", endpointId, model: "judge", templateId, permutations: 2, seed: 7 }, null);
    expect(run).toMatchObject({ prompts: 50, calls: 100 });
    await startJudgeRun(boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"])).toBe("COMPLETED");
    const rows = await resultsOf(run.id);
    const perPrompt = new Map<string, typeof rows>();
    for (const r of rows) perPrompt.set(r.prompt_id, [...(perPrompt.get(r.prompt_id) ?? []), r]);
    expect(perPrompt.size).toBe(50);
    for (const entries of perPrompt.values()) {
      expect(new Set(entries.map((e) => e.permutation_index))).toEqual(new Set([0, 1]));
      // Qualities 3, 9, 1, 6 for m0..m3: the right ranking is m1, m3, m0, m2 in every permutation.
      for (const perm of [0, 1]) {
        expect(entries.filter((e) => e.permutation_index === perm).sort((a, b) => a.rank - b.rank).map((e) => e.model)).toEqual(["m1", "m3", "m0", "m2"]);
      }
      const results: PermutationResult[] = [0, 1].map((perm) => {
        const own = entries.filter((e) => e.permutation_index === perm);
        const order = own[0]!.shown_order;
        return { order, ranks: new Map(own.map((e) => [order.indexOf(e.completion_id) + 1, e.rank])), scores: new Map(own.map((e) => [order.indexOf(e.completion_id) + 1, e.score])) };
      });
      expect(results[0]!.order).not.toEqual(results[1]!.order);
      expect(positionConsistency(results)).toEqual({ kendallTauB: 1, top1Agreement: true });
      expect(aggregatePermutations(results).tiers.flat().map((id) => entries.find((e) => e.completion_id === id)!.model)).toEqual(["m1", "m3", "m0", "m2"]);
    }
    const calls = await db().judgeCall.findMany({ where: { runId: run.id } });
    expect(calls).toHaveLength(100);
    expect(calls.every((c) => c.status === "SUCCEEDED" && c.costUsd !== null && !JSON.stringify(c.request).includes("sk-run-test"))).toBe(true);
  });

  it("pauses when its call budget is spent, and a resume finishes only what is missing", async () => {
    const project = await projectWithQualities(10);
    const run = await createJudgeRun({ projectSlug: project.slug, name: "budgeted", endpointId, model: "judge", templateId, permutations: 1, budgetCalls: 4, maxConcurrency: 1 }, null);
    await startJudgeRun(boss, run.id, null);
    expect(await waitForStatus(run.id, ["PAUSED"])).toBe("PAUSED");
    await new Promise((r) => setTimeout(r, 1500));
    const spent = await db().judgeCall.count({ where: { runId: run.id } });
    expect(spent).toBe(4);
    expect((await db().judgeRun.findUniqueOrThrow({ where: { id: run.id } })).pausedReason).toMatch(/calls budget/);
    await db().judgeRun.update({ where: { id: run.id }, data: { budgetCalls: null } });
    const enqueued = await resumeJudgeRun(boss, run.id, null);
    expect(enqueued).toBe(6);
    expect(await waitForStatus(run.id, ["COMPLETED"])).toBe("COMPLETED");
    expect(await db().ranking.count({ where: { judgeRunId: run.id } })).toBe(10);
    expect(await db().judgeCall.count({ where: { runId: run.id } })).toBe(10);
  });
});
