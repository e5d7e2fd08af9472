import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { skipAssignment } from "@/lib/annotation/manage-assignment";
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { pool } from "@/lib/db/pool";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { addImportedCounts, assignmentsByStatus, foldProjectCounts } from "@/lib/projects/project-counts";
import { getProjectSummary } from "@/lib/projects/queries";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

/** The project's counts as the rows themselves say (what the kept counts must equal). */
async function countedRows(projectId: string) {
  const q = async (text: string) => (await pool().query<{ k: string; n: number }>(text, [projectId])).rows;
  const [prompts, completions, rankings] = await Promise.all([
    q(`SELECT 'prompts' AS k, count(*)::int AS n FROM prompts WHERE project_id = $1`),
    q(`SELECT 'completions' AS k, count(*)::int AS n FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = $1`),
    q(
      `SELECT r.kind::text AS k, count(*)::int AS n FROM rankings r JOIN prompts p ON p.id = r.prompt_id WHERE p.project_id = $1 GROUP BY r.kind`,
    ),
  ]);
  const byKind = Object.fromEntries(rankings.map((r) => [r.k, r.n]));
  return {
    prompts: prompts[0]!.n,
    completions: completions[0]!.n,
    rankings: { human: byKind.HUMAN ?? 0, judge: byKind.JUDGE ?? 0 },
  };
}

async function clinician() {
  const { user } = await createUser({ email: `c-${randomUUID()}@hospital.example`, role: "clinician" }, null);
  return { id: user.id, specialties: user.specialties };
}

describe("a project's kept counts", () => {
  it("equal its rows after imports, judge rankings, concurrent submissions, skips and a deleted prompt; other projects' rows never count", async () => {
    const project = await makeProject({ overlapK: 2 });
    const other = await makeProject({ overlapK: 1 });
    await importText(project.id, jsonl(Array.from({ length: 12 }, (_, i) => record(i, 4))));
    await importText(project.id, jsonl(Array.from({ length: 3 }, (_, i) => record(100 + i, 6))));
    await importText(other.id, jsonl(Array.from({ length: 5 }, (_, i) => record(i, 3))));
    const judged = await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl([0, 1, 2].map((i) => ({ prompt_id: `q${i}`, ranking: ["model-0", "model-1", "model-2", "model-3"] }))))],
      fileName: "judge.jsonl",
      kind: "judge",
      annotator: "gpt-4o",
      actorId: null,
    });
    expect(judged).toMatchObject({ ok: true });

    // Four clinicians at once: each submits until the queue is empty, the first skips once.
    const team = await Promise.all([clinician(), clinician(), clinician(), clinician()]);
    await Promise.all(
      team.map(async (user, u) => {
        let skipped = u > 0;
        for (;;) {
          const next = await claimNextAssignment(user, project.slug);
          if (!next) return;
          if (!skipped) {
            skipped = true;
            await skipAssignment({ userId: user.id, assignmentId: next.assignment.id, reason: "unsure" });
            continue;
          }
          const tiers = next.candidates.map((c) => [c.id]);
          const result = await submitRanking({
            userId: user.id,
            assignmentId: next.assignment.id,
            submission: { tiers, details: {}, rationale: null, timeOnTaskMs: 1000 },
            idempotencyKey: randomUUID(),
          });
          expect(result.status).toBe(201);
        }
      }),
    );
    // A claim left open counts as active.
    const late = await clinician();
    await claimNextAssignment(late, other.slug);

    const summary = await getProjectSummary(project.slug);
    expect(summary).toEqual({ slug: project.slug, name: project.name, ...(await countedRows(project.id)) });
    expect(summary).toMatchObject({ prompts: 15, completions: 12 * 4 + 3 * 6, rankings: { human: 30, judge: 3 } });
    expect(await getProjectSummary(other.slug)).toEqual({ slug: other.slug, name: other.name, ...(await countedRows(other.id)) });
    // Assignments are counted when asked (`project show`), per project.
    expect(await assignmentsByStatus(project.id)).toEqual({ SKIPPED: 1, SUBMITTED: 30 });
    expect(await assignmentsByStatus(other.id)).toEqual({ ACTIVE: 1 });

    // Deleting a prompt takes its candidates, rankings and assignments out of the counts with it.
    await pool().query(`DELETE FROM prompts WHERE project_id = $1 AND external_id = 'q0'`, [project.id]);
    const after = await getProjectSummary(project.slug);
    expect(after).toEqual({ slug: project.slug, name: project.name, ...(await countedRows(project.id)) });
    expect(after).toMatchObject({ prompts: 14, completions: 11 * 4 + 3 * 6, rankings: { human: 28, judge: 2 } });

    // Maintenance folds the deltas into one row per key; the counts stay what they were.
    const deltaRows = async () =>
      (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM project_counts WHERE project_id = $1`, [project.id])).rows[0]!.n;
    expect(await deltaRows()).toBeGreaterThan(10);
    expect(await foldProjectCounts()).toBeGreaterThan(0);
    expect(await deltaRows()).toBe(4); // prompts, completions, rankings:HUMAN, rankings:JUDGE
    expect(await getProjectSummary(project.slug)).toEqual(after);

    // Deleting the project deletes its counts (its cascaded rows add none).
    await pool().query(`DELETE FROM projects WHERE id = $1`, [project.id]);
    expect(await deltaRows()).toBe(0);
    // A delta committed for a project as it was deleted is dropped by the next fold.
    await pool().query(`INSERT INTO project_counts (project_id, key, n) VALUES ($1, 'prompts', 1)`, [project.id]);
    await foldProjectCounts();
    expect(await deltaRows()).toBe(0);
  });

  it("never make a claim wait for an import's open transaction", async () => {
    const project = await makeProject({ overlapK: 1 });
    await importText(project.id, jsonl([record(1, 3)]));
    const user = await clinician();
    // An import's transaction inserting prompts stays open while a clinician claims in the same project.
    const importing = await pool().connect();
    try {
      await importing.query("BEGIN");
      await importing.query(
        `INSERT INTO prompts (project_id, external_id, messages, content_hash) VALUES ($1, 'open', '[{"role":"user","content":"x"}]', repeat('a', 64))`,
        [project.id],
      );
      await importing.query(
        `INSERT INTO completions (prompt_id, model, text, position, content_hash) SELECT id, 'm', 't', 0, repeat('b', 64) FROM prompts WHERE external_id = 'open'`,
      );
      await addImportedCounts(importing, project.id, { prompts: 1, completions: 1 });
      // Were the claim to wait on the import's locks, it would never return while the import is open.
      const claimed = await claimNextAssignment(user, project.slug);
      expect(claimed?.assignment.id).toBeDefined();
      expect(await assignmentsByStatus(project.id)).toEqual({ ACTIVE: 1 });
    } finally {
      await importing.query("ROLLBACK");
      importing.release();
    }
    expect(await getProjectSummary(project.slug)).toMatchObject({ prompts: 1, completions: 3 });
  });
});
