import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/prisma";
import { createGenerationRun, planGeneration } from "@/lib/judge/runs/create-generation-run";
import { startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { judgeSetup, waitForStatus, startInProcessWorker } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";
import { runProgress } from "@/lib/judge/runs/run-views";
import { insertRankingWithRevision } from "@/lib/annotation/store-revision";
import { withTransaction } from "@/lib/db/transaction";

let fake: FakeOpenAI;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let endpointId: string;

beforeAll(async () => {
  await useFreshDatabase();
  fake = await startFakeOpenAI();
  ({ endpointId } = await judgeSetup(fake.url));
  worker = await startInProcessWorker(4);
});
afterAll(async () => {
  await worker.stop();
  await fake.close();
});

describe("candidate generation", () => {
  it("plans, per prompt, only models it has no candidate from, as many as it lacks", () => {
    const models = ["a", "b", "c", "d"].map((model) => ({ model }));
    const plan = planGeneration(
      [
        { id: "p1", models: ["a"] },
        { id: "p2", models: [] },
        { id: "p3", models: ["a", "b", "c", "d"] },
      ],
      models,
      3,
      1,
    );
    const of = (id: string) => plan.units.filter((u) => u.promptId === id).map((u) => models[u.modelIndex]!.model);
    expect(of("p1")).toHaveLength(2);
    expect(of("p1")).not.toContain("a");
    expect(of("p2")).toHaveLength(3);
    expect(of("p3")).toEqual([]);
    expect(planGeneration([{ id: "p", models: [] }], models.slice(0, 2), 3, 1).short).toBe(1);
  });

  it("fills prompts to N with completions from the configured models, named by model, once each", async () => {
    const project = await makeProject();
    await importText(
      project.id,
      jsonl([
        {
          prompt: "Two already",
          completions: [
            { model: "human-a", text: "one" },
            { model: "human-b", text: "two" },
          ],
        },
        {
          prompt: "One of ours already",
          completions: [
            { model: "gen-a", text: "from gen-a" },
            { model: "human-c", text: "three" },
          ],
        },
        {
          prompt: "Ranked already",
          completions: [
            { model: "x", text: "x" },
            { model: "y", text: "y" },
          ],
        },
      ]),
    );
    const ranked = (await db().prompt.findMany({ where: { projectId: project.id }, include: { completions: true } })).find((p) =>
      JSON.stringify(p.messages).includes("Ranked"),
    )!;
    const admin = await db().user.create({
      data: { email: "gen-admin@example.org", name: "Admin", role: "ADMIN", pseudonym: "gen-admin" },
    });
    await withTransaction((tx) =>
      insertRankingWithRevision(tx, {
        promptId: ranked.id,
        kind: "HUMAN",
        raterId: admin.id,
        assignmentId: null,
        authorId: admin.id,
        shownOrder: ranked.completions.map((c) => c.id),
        idempotencyKey: null,
        submission: { tiers: ranked.completions.map((c) => [c.id]), details: {}, rationale: null, timeOnTaskMs: 0 },
      }),
    );
    const models = ["gen-a", "gen-b", "gen-c", "gen-d"].map((model) => ({
      endpointId,
      model,
      temperature: 0.7,
      maxTokens: 256,
      systemPrompt: "You are a careful physician.",
    }));
    fake.script({ kind: "empty" });
    const run = await createGenerationRun(
      { projectSlug: project.slug, name: "fill to 4", targetCandidates: 4, models, maxConcurrency: 2 },
      null,
    );
    expect(run).toMatchObject({ prompts: 2, completions: 4, promptsShort: 0 });
    await startJudgeRun(worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"])).toBe("COMPLETED");

    const prompts = await db().prompt.findMany({
      where: { projectId: project.id },
      include: { completions: { orderBy: { position: "asc" } } },
    });
    for (const p of prompts) {
      const text = JSON.stringify(p.messages);
      if (text.includes("Ranked")) expect(p.completions).toHaveLength(2);
      else {
        expect(p.completions).toHaveLength(4);
        expect(p.completions.map((c) => c.position)).toEqual([0, 1, 2, 3]);
        expect(new Set(p.completions.map((c) => c.model)).size).toBe(4);
        for (const c of p.completions.filter((c) => c.generatedByRunId === run.id))
          expect(c.text).toBe(`${c.model} answers: ${text.includes("Two") ? "Two already" : "One of ours already"}`);
      }
    }
    expect(
      prompts.find((p) => JSON.stringify(p.messages).includes("One of ours"))!.completions.filter((c) => c.model === "gen-a"),
    ).toHaveLength(1);
    // The empty answer was asked again; the system prompt went with every request.
    const calls = await db().judgeCall.findMany({ where: { runId: run.id } });
    expect(calls.filter((c) => c.status === "FAILED").map((c) => c.error)).toEqual(["the model returned an empty answer"]);
    expect(calls.filter((c) => c.status === "SUCCEEDED")).toHaveLength(4);
    expect(
      fake.calls.slice(-5).every((c) => c.body.messages[0]!.content === "You are a careful physician." && c.body.max_tokens === 256),
    ).toBe(true);
    expect(await runProgress(run.id)).toMatchObject({ done: 4, total: 4, callsMade: 5 });
  });

  it("refuses a list with the same model twice, and a project with nothing to fill", async () => {
    const project = await makeProject();
    await importText(
      project.id,
      jsonl([
        {
          prompt: "Full",
          completions: [
            { model: "a", text: "1" },
            { model: "b", text: "2" },
          ],
        },
      ]),
    );
    const m = { endpointId, model: "gen-a" };
    await expect(
      createGenerationRun({ projectSlug: project.slug, name: "dup", targetCandidates: 3, models: [m, m] }, null),
    ).rejects.toThrow(/once/);
    await expect(createGenerationRun({ projectSlug: project.slug, name: "full", targetCandidates: 2, models: [m] }, null)).rejects.toThrow(
      /fewer than 2 candidates/,
    );
  });
});
