import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/prisma";
import { aggregatePermutations } from "@/lib/judge/aggregate";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { cancelJudgeRun, pauseJudgeRun, resumeJudgeRun, startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { permutationResultsOf, positionReport } from "@/lib/judge/runs/run-report";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { startFakeOpenAI } from "../support/fake-openai-server";
import {
  judgeRunHarness,
  judgeSetup,
  projectWithQualities,
  rankedModels,
  resultsOf,
  waitFor,
  waitForRunJobsSettled,
  waitForStatus,
} from "../support/judge-runs";
import { runPositionReport, runProgress, runPrompts } from "@/lib/judge/runs/run-views";
import { pool } from "@/lib/db/pool";

const h = judgeRunHarness(8);

describe("a judge run", () => {
  it("ranks 50 prompts in 2 permutations, maps positions back to the right completions, and reports position consistency", async () => {
    const project = await projectWithQualities(50);
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "fake judge",
        endpointId: h.endpointId,
        model: "judge",
        templateId: h.templateId,
        permutations: 2,
        seed: 7,
      },
      null,
    );
    expect(run).toMatchObject({ prompts: 50, calls: 100 });
    await startJudgeRun(h.worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"])).toBe("COMPLETED");
    const rows = await resultsOf(run.id);
    const prompts = [...new Set(rows.map((r) => r.prompt_id))];
    expect(prompts).toHaveLength(50);
    const results = await permutationResultsOf(run.id);
    for (const promptId of prompts) {
      // Qualities 3, 9, 1, 6 for m0..m3: the right ranking is m1, m3, m0, m2 in every permutation.
      for (const perm of [0, 1]) expect(rankedModels(rows, promptId, perm)).toEqual(["m1", "m3", "m0", "m2"]);
      const perms = results.get(promptId)!;
      expect(perms[0]!.order).not.toEqual(perms[1]!.order);
      expect(
        aggregatePermutations(perms)
          .tiers.flat()
          .map((id) => rows.find((e) => e.completion_id === id)!.model),
      ).toEqual(["m1", "m3", "m0", "m2"]);
    }
    // The fake judge is position-blind: permutations agree fully and every shown position gets the mean rank 2.5.
    const report = positionReport(results);
    expect(report).toMatchObject({ promptsCompared: 50, meanKendallTauB: 1, top1AgreementRate: 1, candidates: 4 });
    for (const r of report.meanRankByShownPosition) expect(r).toBeGreaterThan(1.5);
    expect(report.meanRankByShownPosition.reduce((a, b) => a + b, 0) / 4).toBeCloseTo(2.5);
    const calls = await db().judgeCall.findMany({ where: { runId: run.id } });
    expect(calls).toHaveLength(100);
    expect(calls.every((c) => c.status === "SUCCEEDED" && c.costUsd !== null && !JSON.stringify(c.request).includes("sk-run-test"))).toBe(
      true,
    );
    // Each request names only "Response i", never a model.
    for (const c of h.fake.calls.slice(-100)) expect(JSON.stringify(c.body.messages)).not.toMatch(/\bm[0-3]\b/);
    const finished = (await runProgress(run.id))!;
    expect(finished).toMatchObject({ total: 100, done: 100, failed: 0, pending: 0, callsMade: 100 });
    expect(finished.costUsd).toBeGreaterThan(0);

    // The run page: its first prompts in id order with their units and the best model; the position report.
    const listed = await runPrompts(run.id, 20);
    expect(listed.map((p) => p.promptId)).toEqual([...prompts].sort().slice(0, 20));
    for (const p of listed) expect(p).toMatchObject({ done: 2, failed: 0, total: 2, best: ["m1"] });
    expect(await runPositionReport(run.id)).toEqual({ ...report, promptsWithResults: 50 });
    // Kept on the run: served as stored (here altered to tell it apart) until the run finishes again.
    await pool().query(`UPDATE judge_runs SET position_report = jsonb_set(position_report, '{promptsCompared}', '-1') WHERE id = $1`, [
      run.id,
    ]);
    expect((await runPositionReport(run.id)).promptsCompared).toBe(-1);
    await pool().query(`UPDATE judge_runs SET finished_at = now() + interval '1 second' WHERE id = $1`, [run.id]);
    expect(await runPositionReport(run.id)).toEqual({ ...report, promptsWithResults: 50 });
  });

  it("pauses when its call budget is spent, and a resume finishes only what is missing", async () => {
    const project = await projectWithQualities(10);
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "budgeted",
        endpointId: h.endpointId,
        model: "judge",
        templateId: h.templateId,
        permutations: 1,
        budgetCalls: 4,
        maxConcurrency: 1,
      },
      null,
    );
    await startJudgeRun(h.worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["PAUSED"])).toBe("PAUSED");
    await waitForRunJobsSettled(run.id);
    expect(await db().judgeCall.count({ where: { runId: run.id } })).toBe(4);
    expect((await db().judgeRun.findUniqueOrThrow({ where: { id: run.id } })).pausedReason).toMatch(/calls budget/);
    await db().judgeRun.update({ where: { id: run.id }, data: { budgetCalls: null } });
    expect(await resumeJudgeRun(h.worker.boss, run.id, null)).toBe(6);
    expect(await waitForStatus(run.id, ["COMPLETED"])).toBe("COMPLETED");
    expect(await db().ranking.count({ where: { judgeRunId: run.id } })).toBe(10);
    expect(await db().judgeCall.count({ where: { runId: run.id } })).toBe(10);
  });

  it("stops calling when paused or cancelled by an admin", async () => {
    const slow = await startFakeOpenAI({ delayMs: 150 });
    const { endpointId: slowEndpoint } = await judgeSetup(slow.url, { name: "slow" });
    try {
      const project = await projectWithQualities(30);
      const run = await createJudgeRun(
        {
          projectSlug: project.slug,
          name: "stoppable",
          endpointId: slowEndpoint,
          model: "judge",
          templateId: h.templateId,
          permutations: 1,
          maxConcurrency: 2,
        },
        null,
      );
      await startJudgeRun(h.worker.boss, run.id, null);
      await waitFor(async () => (await db().ranking.count({ where: { judgeRunId: run.id } })) >= 3);
      await pauseJudgeRun(run.id, null);
      // Once no job of the run is left in the queue, nothing can call any more: every request sent is a stored call.
      await waitForRunJobsSettled(run.id);
      const afterPause = slow.calls.length;
      expect(await db().judgeCall.count({ where: { runId: run.id } })).toBe(afterPause);
      expect(afterPause).toBeLessThan(30);
      await resumeJudgeRun(h.worker.boss, run.id, null);
      await waitFor(async () => (await db().ranking.count({ where: { judgeRunId: run.id } })) >= afterPause + 2);
      await cancelJudgeRun(run.id, null);
      await waitForRunJobsSettled(run.id);
      const afterCancel = slow.calls.length;
      expect(await db().judgeCall.count({ where: { runId: run.id } })).toBe(afterCancel);
      expect((await db().judgeRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("CANCELLED");
      await expect(resumeJudgeRun(h.worker.boss, run.id, null)).rejects.toThrow(/can be resumed/);
    } finally {
      await slow.close();
    }
  });

  it("judges two-candidate prompts with the pairwise A/B template, both orders", async () => {
    const project = await makeProject();
    await importText(
      project.id,
      jsonl([
        {
          prompt: "Pair 1",
          completions: [
            { model: "a", text: "weak [[q=2]]" },
            { model: "b", text: "strong [[q=8]]" },
          ],
        },
        {
          prompt: "Pair 2",
          completions: [
            { model: "a", text: "strong [[q=9]]" },
            { model: "b", text: "weak [[q=1]]" },
          ],
        },
        {
          prompt: "Not a pair",
          completions: [
            { model: "a", text: "x [[q=1]]" },
            { model: "b", text: "y [[q=2]]" },
            { model: "c", text: "z [[q=3]]" },
          ],
        },
      ]),
    );
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "pairwise",
        endpointId: h.endpointId,
        model: "judge",
        templateId: h.pairwiseTemplateId,
        permutations: 2,
      },
      null,
    );
    expect(run).toMatchObject({ prompts: 2, calls: 4 });
    await startJudgeRun(h.worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED"])).toBe("COMPLETED");
    const rows = await resultsOf(run.id);
    const prompts = await db().prompt.findMany({ where: { projectId: project.id }, select: { id: true, messages: true } });
    const idOf = (text: string) => prompts.find((p) => JSON.stringify(p.messages).includes(text))!.id;
    for (const perm of [0, 1]) {
      expect(rankedModels(rows, idOf("Pair 1"), perm)).toEqual(["b", "a"]);
      expect(rankedModels(rows, idOf("Pair 2"), perm)).toEqual(["a", "b"]);
    }
    const orders = (await permutationResultsOf(run.id)).get(idOf("Pair 1"))!.map((p) => p.order.join());
    expect(new Set(orders).size).toBe(2);
  });

  it("refuses runs it cannot do, saying why", async () => {
    const project = await projectWithQualities(2);
    await expect(
      createJudgeRun(
        { projectSlug: project.slug, name: "pairwise", endpointId: h.endpointId, model: "judge", templateId: h.pairwiseTemplateId },
        null,
      ),
    ).rejects.toThrow(/exactly two candidates/);
    await expect(
      createJudgeRun(
        { projectSlug: project.slug, name: "batch", endpointId: h.endpointId, model: "judge", templateId: h.templateId, mode: "BATCH" },
        null,
      ),
    ).rejects.toThrow(/does not support the Batch API/);
    await expect(
      createJudgeRun(
        {
          projectSlug: project.slug,
          name: "none",
          endpointId: h.endpointId,
          model: "judge",
          templateId: h.templateId,
          filter: { sources: ["nowhere"] },
        },
        null,
      ),
    ).rejects.toThrow(/No prompt/);
    await expect(
      createJudgeRun(
        { projectSlug: project.slug, name: "p", endpointId: h.endpointId, model: "judge", templateId: h.templateId, permutations: 0 },
        null,
      ),
    ).rejects.toThrow();
  });

  it("never sends a call for an endpoint saved with a key variable MedPref itself reads: its units fail, saying why", async () => {
    process.env.NEXTAUTH_SECRET ??= "the-session-secret-of-this-server-0123456789";
    const legacy = await judgeSetup(h.fake.url, { name: "legacy" });
    // A row saved before the rule existed (the form and the CLI refuse it now).
    await db().llmEndpoint.update({ where: { id: legacy.endpointId }, data: { apiKeyEnv: "NEXTAUTH_SECRET" } });
    const project = await projectWithQualities(2);
    const callsBefore = h.fake.calls.length;
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "exfiltrate",
        endpointId: legacy.endpointId,
        model: "judge",
        templateId: h.templateId,
        permutations: 1,
      },
      null,
    );
    await startJudgeRun(h.worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"])).toBeDefined();
    expect(h.fake.calls.length).toBe(callsBefore);
    expect(h.fake.calls.some((c) => c.authorization?.includes(process.env.NEXTAUTH_SECRET!))).toBe(false);
    expect(await runProgress(run.id)).toMatchObject({ total: 2, done: 0, failed: 2 });
    const errors = await db().judgeCall.findMany({ where: { runId: run.id }, select: { error: true } });
    expect(errors.map((e) => e.error)).toEqual(
      Array(2).fill(
        "Refused by the endpoint policy: NEXTAUTH_SECRET is a variable MedPref itself reads, so it can never be an endpoint's key. Put the key in a variable matching MEDPREF_KEY_*, *_API_KEY.",
      ),
    );
  });
});
