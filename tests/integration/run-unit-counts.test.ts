import "../support/short-judge-timeout";
import { describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { cancelJudgeRun, resumeJudgeRun, startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { foldRunUnitCounts, listRuns, runProgress } from "@/lib/judge/runs/run-views";
import { jsonl } from "../support/fixtures";
import { judgeRunHarness, projectWithQualities, waitForRunJobsSettled, waitForStatus } from "../support/judge-runs";

const h = judgeRunHarness(1);

/** A run's units by state as the units themselves say (what the kept counts must equal). */
async function unitStates(runId: string) {
  const { rows } = await pool().query<{ state: string; n: number }>(
    `SELECT state::text, count(*)::int AS n FROM judge_units WHERE run_id = $1 GROUP BY state`,
    [runId],
  );
  const by = Object.fromEntries(rows.map((r) => [r.state, r.n]));
  return { done: by.DONE ?? 0, failed: by.FAILED ?? 0 };
}

async function keptStates(runId: string) {
  const progress = (await runProgress(runId))!;
  const listed = (await listRuns()).find((r) => r.id === runId)!;
  expect({ done: listed.unitsDone, failed: listed.unitsFailed }).toEqual({ done: progress.done, failed: progress.failed });
  return { done: progress.done, failed: progress.failed };
}

describe("a run's kept unit counts", () => {
  it("equal its units' states as units finish, fail, are retried, imported, cancelled and deleted", async () => {
    const project = await projectWithQualities(3);
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "counted",
        endpointId: h.endpointId,
        model: "judge",
        templateId: h.templateId,
        permutations: 1,
        maxConcurrency: 1,
      },
      null,
    );
    expect(await keptStates(run.id)).toEqual({ done: 0, failed: 0 });
    expect(await runProgress(run.id)).toMatchObject({ total: 3, pending: 3 });

    // One unit at a time: the first gets three invalid answers (past the repair limit) and fails; the others finish.
    h.fake.script({ kind: "malformed" }, { kind: "missing" }, { kind: "repeat" });
    await startJudgeRun(h.worker.boss, run.id, null);
    await waitForStatus(run.id, ["COMPLETED", "FAILED"], 45_000);
    await waitForRunJobsSettled(run.id);
    expect(await keptStates(run.id)).toEqual(await unitStates(run.id));
    expect(await keptStates(run.id)).toEqual({ done: 2, failed: 1 });

    // A resume sends the failed unit back to pending, and it finishes.
    await resumeJudgeRun(h.worker.boss, run.id, null);
    await waitForStatus(run.id, ["COMPLETED"]);
    await waitForRunJobsSettled(run.id);
    expect(await keptStates(run.id)).toEqual({ done: 3, failed: 0 });
    expect(await runProgress(run.id)).toMatchObject({ total: 3, pending: 0 });

    // A cancelled run keeps its units pending.
    const cancelled = await createJudgeRun(
      { projectSlug: project.slug, name: "cancelled", endpointId: h.endpointId, model: "judge", templateId: h.templateId, permutations: 2 },
      null,
    );
    await cancelJudgeRun(cancelled.id, null);
    expect(await keptStates(cancelled.id)).toEqual({ done: 0, failed: 0 });
    expect(await runProgress(cancelled.id)).toMatchObject({ status: "CANCELLED", total: 6, pending: 6 });

    // Imported judge rankings come with a run whose units are done.
    const ids = (
      await pool().query<{ external_id: string | null; id: string }>(`SELECT id, external_id FROM prompts WHERE project_id = $1`, [
        project.id,
      ])
    ).rows;
    expect(
      await importRankings({
        projectId: project.id,
        input: [Buffer.from(jsonl(ids.map((p) => ({ prompt_id: p.external_id ?? p.id, ranking: ["m1", "m3", "m0", "m2"] }))))],
        fileName: "judge.jsonl",
        kind: "judge",
        annotator: "imported-judge",
        actorId: null,
      }),
    ).toMatchObject({ ok: true });
    const imported = (
      await pool().query<{ id: string }>(`SELECT id FROM judge_runs WHERE project_id = $1 AND config ? 'imported'`, [project.id])
    ).rows[0]!;
    expect(await keptStates(imported.id)).toEqual(await unitStates(imported.id));
    expect(await keptStates(imported.id)).toEqual({ done: 3, failed: 0 });

    // A deleted prompt takes its units out.
    await pool().query(`DELETE FROM prompts WHERE id = $1`, [ids[0]!.id]);
    expect(await keptStates(run.id)).toEqual({ done: 2, failed: 0 });
    expect(await keptStates(imported.id)).toEqual({ done: 2, failed: 0 });

    // Maintenance folds the deltas (one row per run, state and minute); nothing read changes.
    const rows = async (runId: string) =>
      (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM judge_run_unit_counts WHERE run_id = $1`, [runId])).rows[0]!.n;
    const before = await rows(run.id);
    expect(await foldRunUnitCounts()).toBeGreaterThan(0);
    expect(await rows(run.id)).toBeLessThan(before);
    expect(await keptStates(run.id)).toEqual({ done: 2, failed: 0 });
    expect(await runProgress(cancelled.id)).toMatchObject({ total: 6, pending: 6 });

    // A deleted run takes its rows; a late delta of a gone run goes with the next fold.
    await pool().query(`DELETE FROM judge_runs WHERE id = $1`, [run.id]);
    expect(await rows(run.id)).toBe(0);
    await pool().query(`INSERT INTO judge_run_unit_counts (run_id, state, n) VALUES ($1, 'DONE', 1)`, [run.id]);
    await foldRunUnitCounts();
    expect(await rows(run.id)).toBe(0);
  });
});
