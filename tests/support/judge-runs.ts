import type { PoolClient } from "pg";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll } from "vitest";
import { runUnitJob } from "@/lib/jobs/jobs";
import { QUEUE_SCHEMA, startQueue, stopQueue } from "@/lib/jobs/queue";
import { registerJudgeWorker } from "@/lib/judge/runs/judge-queue";
import { closeRunSlots } from "@/lib/judge/runs/run-slots";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { createEndpoint } from "@/lib/judge/endpoints";
import { ensureBuiltInTemplates, latestTemplates } from "@/lib/judge/judge-templates";
import { startFakeOpenAI, type FakeOpenAI } from "./fake-openai-server";
import { importText, jsonl, makeProject } from "./fixtures";
import { useFreshDatabase } from "./test-database";

/** An endpoint on the fake server (key in an env var) and the built-in templates. */
export async function judgeSetup(
  url: string,
  options: { name?: string; supportsBatch?: boolean; supportsStructuredOutput?: boolean } = {},
) {
  process.env.MEDPREF_KEY_TEST_RUN = "sk-run-test";
  const endpoint = await createEndpoint(
    {
      name: options.name ?? "fake",
      baseUrl: url,
      apiKeyEnv: "MEDPREF_KEY_TEST_RUN",
      supportsBatch: options.supportsBatch ?? false,
      supportsStructuredOutput: options.supportsStructuredOutput ?? false,
      modelPrices: { judge: { inputPerMTok: 1, outputPerMTok: 2 } },
    },
    null,
  );
  await ensureBuiltInTemplates();
  const templates = await latestTemplates();
  return {
    endpointId: endpoint.id,
    templateId: templates.find((t) => t.key === "open-ended")!.id,
    pairwiseTemplateId: templates.find((t) => t.key === "pairwise")!.id,
  };
}

/** Prompts whose candidates carry hidden qualities (default 3, 9, 1, 6 for m0..m3); the fake judge ranks by them. */
export async function projectWithQualities(prompts: number, qualities = [3, 9, 1, 6]) {
  const project = await makeProject();
  await importText(
    project.id,
    jsonl(
      Array.from({ length: prompts }, (_, i) => ({
        prompt: `Judge me ${i}`,
        completions: qualities.map((q, j) => ({ model: `m${j}`, text: `Answer ${j} of ${i} [[q=${q}]]` })),
      })),
    ),
  );
  return project;
}

export async function waitForStatus(runId: string, statuses: string[], timeoutMs = 60_000) {
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    const run = await db().judgeRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
    if (statuses.includes(run.status)) return run.status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the run did not reach ${statuses.join(" or ")}`);
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000) {
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the condition never held");
}

/** Waits until the client's statement is blocked on a lock another transaction holds. */
export async function waitUntilWaitingOnLock(client: PoolClient) {
  // pg's client knows its backend's pid (processID), which its type declarations leave out.
  const pid = (client as unknown as { processID: number }).processID;
  await waitFor(async () => {
    const { rows } = await pool().query<{ waiting: boolean }>(
      "SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1",
      [pid],
    );
    return rows[0]?.waiting === true;
  });
}

/**
 * Waits until no job of the run is waiting, retrying or running in the queue: from then on nothing
 * of this run can send a call, so what was sent and stored is final (instead of sleeping and
 * hoping nothing more happens).
 */
export async function waitForRunJobsSettled(runId: string, timeoutMs = 30_000) {
  await waitFor(async () => {
    const { rows } = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND data->>'runId' = $2 AND state IN ('created', 'retry', 'active')`,
      [runUnitJob.name, runId],
    );
    return rows[0]!.n === 0;
  }, timeoutMs);
}

/** Every stored ranking entry of a run, with the completion's model name. */
export async function resultsOf(runId: string) {
  const { rows } = await pool().query<{
    prompt_id: string;
    permutation_index: number;
    shown_order: string[];
    completion_id: string;
    rank: number;
    score: number | null;
    model: string;
  }>(
    `SELECT r.prompt_id, r.permutation_index, rr.shown_order, e.completion_id, e.rank, e.score, c.model
       FROM rankings r JOIN ranking_revisions rr ON rr.ranking_id = r.id JOIN ranking_entries e ON e.revision_id = rr.id JOIN completions c ON c.id = e.completion_id
      WHERE r.judge_run_id = $1`,
    [runId],
  );
  return rows;
}

/** Models of one permutation's ranking, best first. */
export function rankedModels(rows: Awaited<ReturnType<typeof resultsOf>>, promptId: string, permutation: number): string[] {
  return rows
    .filter((e) => e.prompt_id === promptId && e.permutation_index === permutation)
    .sort((a, b) => a.rank - b.rank)
    .map((e) => e.model);
}

/** This test process as a worker: the queue and `concurrency` unit loops; `stop` ends them (and the lock connection). */
export async function startInProcessWorker(concurrency: number): Promise<{ boss: PgBoss; stop: () => Promise<void> }> {
  const boss = await startQueue();
  const stopUnits = await registerJudgeWorker(boss, concurrency);
  return {
    boss,
    stop: async () => {
      await stopUnits();
      await stopQueue();
      await closeRunSlots();
    },
  };
}

/** What a judge-run test file works with: the fake OpenAI server, an endpoint on it, the built-in templates, a worker. */
export interface JudgeRunHarness {
  fake: FakeOpenAI;
  worker: Awaited<ReturnType<typeof startInProcessWorker>>;
  endpointId: string;
  templateId: string;
  pairwiseTemplateId: string;
}

/**
 * The setting of a judge-run test file, set up before its tests and torn down after: a fresh
 * database, the fake OpenAI server, an endpoint and the templates, an in-process worker running
 * `concurrency` units at once. The returned object is filled in before the first test.
 */
export function judgeRunHarness(concurrency: number): JudgeRunHarness {
  const harness = {} as JudgeRunHarness;
  beforeAll(async () => {
    await useFreshDatabase();
    harness.fake = await startFakeOpenAI();
    Object.assign(harness, await judgeSetup(harness.fake.url));
    harness.worker = await startInProcessWorker(concurrency);
  });
  afterAll(async () => {
    await harness.worker.stop();
    await harness.fake.close();
  });
  return harness;
}
