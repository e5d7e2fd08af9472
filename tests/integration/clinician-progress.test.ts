import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { assignBatch } from "@/lib/annotation/admin-annotation";
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { clinicianProgress, foldClinicianCounts } from "@/lib/annotation/clinician-progress";
import { skipAssignment } from "@/lib/annotation/manage-assignment";
import { reviseRanking } from "@/lib/annotation/revise-ranking";
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { pool } from "@/lib/db/pool";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

/**
 * The progress table as the rows say, counted from every assignment (the query the kept counts
 * replace); the median is that of the first revisions' times rounded to whole seconds.
 */
async function countedProgress(slug: string) {
  const { rows } = await pool().query<{
    id: string;
    name: string;
    email: string;
    submitted: number;
    today: number;
    active: number;
    skipped: number;
    median: number | null;
  }>(
    `SELECT u.id, u.name, u.email,
            count(*) FILTER (WHERE a.status = 'SUBMITTED')::int AS submitted,
            count(*) FILTER (WHERE a.status = 'SUBMITTED' AND a.finished_at >= date_trunc('day', now()))::int AS today,
            count(*) FILTER (WHERE a.status = 'ACTIVE' AND a.lease_expires_at > now())::int AS active,
            count(*) FILTER (WHERE a.status = 'SKIPPED')::int AS skipped,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY round(rr.time_on_task_ms / 1000.0)) AS median
       FROM assignments a JOIN prompts p ON p.id = a.prompt_id JOIN projects j ON j.id = p.project_id JOIN users u ON u.id = a.user_id
       LEFT JOIN rankings r ON r.assignment_id = a.id LEFT JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = 1
      WHERE j.slug = $1 GROUP BY u.id ORDER BY submitted DESC, u.name`,
    [slug],
  );
  return rows.map(({ median, ...r }) => ({ ...r, medianSeconds: median === null ? null : Math.round(median) }));
}

async function clinician(name: string) {
  const { user } = await createUser({ email: `c-${randomUUID()}@hospital.example`, name, role: "clinician" }, null);
  return { id: user.id, specialties: user.specialties, email: user.email };
}

async function submitNext(user: { id: string; specialties: string[] }, slug: string, timeOnTaskMs: number) {
  const next = await claimNextAssignment(user, slug);
  if (!next) throw new Error("nothing to claim");
  const tiers = next.candidates.map((c) => [c.id]);
  const stored = await submitRanking({
    userId: user.id,
    assignmentId: next.assignment.id,
    submission: { tiers, details: {}, rationale: null, timeOnTaskMs },
    idempotencyKey: randomUUID(),
  });
  expect(stored.status).toBe(201);
  return {
    assignmentId: next.assignment.id,
    rankingId: (stored.body as { rankingId: string }).rankingId,
    tiers,
  };
}

describe("clinician progress on the project page", () => {
  it("equals the rows' own counts after claims, submissions, skips, expiries, re-claims, batch assignments, revisions and deletions", async () => {
    const project = await makeProject({ overlapK: 2 });
    const other = await makeProject({ overlapK: 1 });
    await importText(project.id, jsonl(Array.from({ length: 10 }, (_, i) => record(i, 3))));
    await importText(other.id, jsonl(Array.from({ length: 3 }, (_, i) => record(i, 3))));
    const admin = await createUser({ email: `a-${randomUUID()}@hospital.example`, name: "Admin", role: "admin" }, null);
    const [ana, ben, cy, dee] = await Promise.all([clinician("Ana"), clinician("Ben"), clinician("Cy"), clinician("Dee")]);
    expect(await clinicianProgress(project.slug)).toEqual([]);

    // Ana and Ben submit at once (times 10.2 s, 20.7 s, 31 s, 44.4 s → whole seconds 10, 21, 31, 44).
    const [anas] = await Promise.all([
      (async () => [
        await submitNext(ana!, project.slug, 10_200),
        await submitNext(ana!, project.slug, 20_700),
        await submitNext(ana!, project.slug, 31_000),
      ])(),
      (async () => [await submitNext(ben!, project.slug, 44_400), await submitNext(ben!, project.slug, 5_000)])(),
    ]);
    // Cy skips one, then holds a claim open.
    const skipped = await claimNextAssignment(cy!, project.slug);
    await skipAssignment({ userId: cy!.id, assignmentId: skipped!.assignment.id, reason: "unsure" });
    const held = await claimNextAssignment(cy!, project.slug);
    // Dee's claim expires and is claimed again by Dee (the same assignment row, back to ACTIVE).
    const lapsed = await claimNextAssignment(dee!, project.slug);
    await pool().query(`UPDATE assignments SET lease_expires_at = now() - interval '1 minute' WHERE id = $1`, [lapsed!.assignment.id]);
    expect(await clinicianProgress(project.slug)).toEqual(await countedProgress(project.slug));
    await pool().query(`UPDATE assignments SET status = 'EXPIRED', finished_at = now() WHERE id = $1`, [lapsed!.assignment.id]);
    await pool().query(
      `UPDATE assignments SET status = 'ACTIVE', finished_at = NULL, lease_expires_at = now() + interval '1 hour' WHERE id = $1`,
      [lapsed!.assignment.id],
    );
    // An admin hands Ben two more (batch assignments are active leases).
    await assignBatch({ projectSlug: project.slug, clinicianIds: [ben!.id], count: 2, actorId: admin.user.id });
    // Ana revises her first ranking: the median keeps the first revision's time.
    await reviseRanking({
      userId: ana!.id,
      rankingId: anas![0]!.rankingId,
      submission: { tiers: [...anas![0]!.tiers].reverse(), details: {}, rationale: null, timeOnTaskMs: 999_000 },
      idempotencyKey: randomUUID(),
    });
    // One of Ben's submissions was yesterday's.
    await pool().query(
      `UPDATE assignments SET finished_at = date_trunc('day', now()) - interval '2 hours' WHERE user_id = $1 AND status = 'SUBMITTED' AND id IN (SELECT id FROM assignments WHERE user_id = $1 AND status = 'SUBMITTED' ORDER BY finished_at LIMIT 1)`,
      [ben!.id],
    );
    // Work in another project never counts here.
    await submitNext(ana!, other.slug, 1_000);

    const progress = await clinicianProgress(project.slug);
    expect(progress).toEqual(await countedProgress(project.slug));
    expect(progress).toEqual([
      { id: ana!.id, name: "Ana", email: ana!.email, submitted: 3, today: 3, active: 0, skipped: 0, medianSeconds: 21 },
      { id: ben!.id, name: "Ben", email: ben!.email, submitted: 2, today: 1, active: 2, skipped: 0, medianSeconds: 25 },
      { id: cy!.id, name: "Cy", email: cy!.email, submitted: 0, today: 0, active: 1, skipped: 1, medianSeconds: null },
      { id: dee!.id, name: "Dee", email: dee!.email, submitted: 0, today: 0, active: 1, skipped: 0, medianSeconds: null },
    ]);
    expect(held).not.toBeNull();
    expect(await clinicianProgress(other.slug)).toEqual(await countedProgress(other.slug));

    // Deleting a prompt takes its assignments out (Ana's 31 s one).
    await pool().query(`DELETE FROM prompts WHERE id = (SELECT prompt_id FROM assignments WHERE id = $1)`, [anas![2]!.assignmentId]);
    const afterDelete = await clinicianProgress(project.slug);
    expect(afterDelete).toEqual(await countedProgress(project.slug));
    expect(afterDelete[0]).toMatchObject({ name: "Ana", submitted: 2, medianSeconds: 16 });

    // Maintenance folds the deltas: one row per clinician and key; nothing read changes.
    const deltaRows = async () =>
      (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM clinician_counts WHERE project_id = $1`, [project.id])).rows[0]!.n;
    const before = await deltaRows();
    expect(await foldClinicianCounts()).toBeGreaterThan(0);
    const keys = (
      await pool().query<{ n: number }>(`SELECT count(DISTINCT (user_id, key))::int AS n FROM clinician_counts WHERE project_id = $1`, [
        project.id,
      ])
    ).rows[0]!.n;
    expect(await deltaRows()).toBe(keys);
    expect(keys).toBeLessThan(before);
    expect(await clinicianProgress(project.slug)).toEqual(afterDelete);

    // Deleting the project deletes its rows; a late delta of a gone project goes with the next fold.
    await pool().query(`DELETE FROM projects WHERE id = $1`, [project.id]);
    expect(await deltaRows()).toBe(0);
    await pool().query(`INSERT INTO clinician_counts (project_id, user_id, key, n) VALUES ($1, $2, 'submitted', 1)`, [project.id, ana!.id]);
    await foldClinicianCounts();
    expect(await deltaRows()).toBe(0);
  });
});
