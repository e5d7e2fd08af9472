import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardAgreement, requestAgreementRefresh, runAgreementRefresh } from "@/lib/agreement/project-agreement";
import { pool } from "@/lib/db/pool";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { QUEUE_SCHEMA, startQueue, stopQueue } from "@/lib/jobs/queue";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await stopQueue();
});

const MODELS = ["gpt-4", "llama-3", "mixtral"];

/** 12 prompts × 3 models, ranked by two clinicians (Dr. Ames in model order, Dr. Bello reversed on odd prompts). */
async function rankedProject() {
  const project = await makeProject();
  await importText(
    project.id,
    jsonl(
      Array.from({ length: 12 }, (_, i) => ({
        id: `q${i}`,
        prompt: `Refresh question ${i}?`,
        completions: MODELS.map((model, j) => ({ model, text: `Answer ${j} to ${i}.` })),
      })),
    ),
  );
  await addRankings(
    project.id,
    Array.from({ length: 12 }, (_, i) => [
      { prompt_id: `q${i}`, annotator: "Dr. Ames", ranking: MODELS },
      { prompt_id: `q${i}`, annotator: "Dr. Bello", ranking: i % 2 ? [...MODELS].reverse() : MODELS },
    ]).flat(),
  );
  return project;
}

async function addRankings(projectId: string, rows: { prompt_id: string; annotator: string; ranking: string[] }[]) {
  expect(
    await importRankings({
      projectId,
      input: [Buffer.from(jsonl(rows))],
      fileName: "r.jsonl",
      kind: "human",
      annotator: null,
      actorId: null,
    }),
  ).toMatchObject({ ok: true });
}

/** The `agreement-report` jobs enqueued for a project (whatever their state). */
async function reportJobs(projectId: string): Promise<number> {
  const { rows } = await pool().query<{ n: string }>(
    `SELECT count(*) AS n FROM ${QUEUE_SCHEMA}.job WHERE name = 'agreement-report' AND data ->> 'projectId' = $1`,
    [projectId],
  );
  return Number(rows[0]!.n);
}

/** Makes the stored report's last check old enough for the dashboard to ask again (instead of waiting 15 s). */
const checkLongAgo = (projectId: string) =>
  pool().query(`UPDATE agreement_reports SET checked_at = now() - interval '1 minute' WHERE project_id = $1`, [projectId]);

describe("the agreement dashboard (stale-while-revalidate)", () => {
  it("shows a first report as being computed, then serves the stored one while a refresh runs only when the data changed", async () => {
    const project = await rankedProject();
    // No report yet: nothing is computed in the request; one refresh is asked for.
    const first = await dashboardAgreement(startQueue, project.slug);
    expect(first.stored).toBeNull();
    expect(first.refresh?.phase).toBe("queued");
    expect(await reportJobs(project.id)).toBe(1);
    // A second view while it is pending asks for nothing more.
    const waiting = await dashboardAgreement(startQueue, project.slug);
    expect(waiting.stored).toBeNull();
    expect(waiting.refresh?.phase).toBe("queued");
    expect(await reportJobs(project.id)).toBe(1);

    expect(await runAgreementRefresh(project.id, "{}")).toBe("computed");
    const ready = await dashboardAgreement(startQueue, project.slug);
    expect(ready.refresh).toBeNull();
    expect(ready.stored!.report.counts.humanRankings).toBe(24);
    // Odd prompts: reversed (0 of 3 pairs agree); even ones: identical (3 of 3).
    expect(ready.stored!.report.humanHuman.pairwiseAgreement).toBe(0.5);

    // New rankings: the next view still answers from the stored report, and asks for a refresh.
    await addRankings(project.id, [{ prompt_id: "q0", annotator: "Dr. Chu", ranking: MODELS }]);
    await checkLongAgo(project.id);
    const stale = await dashboardAgreement(startQueue, project.slug);
    expect(stale.stored!.report.counts.humanRankings).toBe(24);
    expect(stale.stored!.computedAt).toEqual(ready.stored!.computedAt);
    expect(stale.refresh?.phase).toBe("queued");
    expect(await reportJobs(project.id)).toBe(2);
    expect(await runAgreementRefresh(project.id, "{}")).toBe("computed");
    const fresh = await dashboardAgreement(startQueue, project.slug);
    expect(fresh.refresh).toBeNull();
    expect(fresh.stored!.report.counts.humanRankings).toBe(25);

    // Nothing changed since: the check finds the same data version and computes nothing.
    await checkLongAgo(project.id);
    const checking = await dashboardAgreement(startQueue, project.slug);
    expect(checking.refresh?.phase).toBe("queued");
    expect(await runAgreementRefresh(project.id, "{}")).toBe("unchanged");
    const after = await dashboardAgreement(startQueue, project.slug);
    expect(after.refresh).toBeNull();
    expect(after.stored!.computedAt).toEqual(fresh.stored!.computedAt);
    expect(after.stored!.checkedAt.getTime()).toBeGreaterThan(fresh.stored!.checkedAt.getTime());
  });

  it("never runs two refreshes of a report at once: many requests and many workers give one computation", async () => {
    const project = await rankedProject();
    const boss = await startQueue();
    const requested = await Promise.all(Array.from({ length: 20 }, () => requestAgreementRefresh(boss, project.id, {})));
    expect(requested.filter(Boolean)).toHaveLength(1);
    expect(await reportJobs(project.id)).toBe(1);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => runAgreementRefresh(project.id, "{}")));
    expect(outcomes.filter((o) => o === "computed")).toHaveLength(1);
    expect(outcomes.every((o) => o === "computed" || o === "busy" || o === "not-requested")).toBe(true);
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM agreement_reports WHERE project_id = $1`, [project.id]);
    expect(rows[0].n).toBe(1);
    const { rows: pending } = await pool().query(`SELECT count(*)::int AS n FROM agreement_refreshes WHERE project_id = $1`, [project.id]);
    expect(pending[0].n).toBe(0);
  });
});
