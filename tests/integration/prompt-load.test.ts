import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { waitFor } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

// prompts.human_load (assignments ACTIVE or SUBMITTED per prompt) is kept by statement-level triggers
// (20261201003600_prompt_load_per_statement): each statement applies one aggregated change.

beforeAll(async () => {
  await useFreshDatabase();
});

/** A project's prompts (in id order) and n clinicians. */
async function setUp(prompts: number, clinicians: number): Promise<{ prompts: string[]; users: string[] }> {
  const project = await makeProject();
  await importText(project.id, jsonl(Array.from({ length: prompts }, (_, i) => record(i, 2))));
  const { rows } = await pool().query<{ id: string }>("SELECT id FROM prompts WHERE project_id = $1 ORDER BY id", [project.id]);
  const users: string[] = [];
  for (let i = 0; i < clinicians; i++)
    users.push((await createUser({ email: `load-${randomUUID()}@hospital.example`, role: "clinician" }, null)).user.id);
  return { prompts: rows.map((r) => r.id), users };
}

async function loads(prompts: string[]): Promise<number[]> {
  const { rows } = await pool().query<{ id: string; human_load: number }>("SELECT id, human_load FROM prompts WHERE id = ANY($1::uuid[])", [
    prompts,
  ]);
  const byId = new Map(rows.map((r) => [r.id, r.human_load]));
  return prompts.map((id) => byId.get(id)!);
}

describe("prompts.human_load kept per statement", () => {
  it("counts a bulk insert, bulk status and prompt changes, an upsert revival, two updates in one statement and a delete", async () => {
    const { prompts, users } = await setUp(3, 4);
    const [p0, p1, p2] = prompts as [string, string, string];
    const [u0, u1, u2, u3] = users as [string, string, string, string];
    // One statement: p0 gets 2 counted + 1 expired, p1 1 submitted, p2 1 released.
    await pool().query(
      `INSERT INTO assignments (prompt_id, user_id, status, lease_expires_at) VALUES
         ($1, $4, 'ACTIVE', now() + interval '1 hour'), ($1, $5, 'SUBMITTED', NULL), ($1, $6, 'EXPIRED', NULL),
         ($2, $4, 'SUBMITTED', NULL), ($3, $4, 'RELEASED', NULL)`,
      [p0, p1, p2, u0, u1, u2],
    );
    expect(await loads(prompts)).toEqual([2, 1, 0]);
    // Status in and out of the count in one statement: p0 ACTIVE→EXPIRED (−1), p2 RELEASED→ACTIVE (+1), p0 SUBMITTED→SUBMITTED (0).
    await pool().query(
      `UPDATE assignments SET status = CASE status WHEN 'ACTIVE' THEN 'EXPIRED'::assignment_status WHEN 'RELEASED' THEN 'ACTIVE'::assignment_status ELSE status END,
              lease_expires_at = now() + interval '1 hour'
        WHERE prompt_id IN ($1, $2) AND user_id IN ($3, $4)`,
      [p0, p2, u0, u1],
    );
    expect(await loads(prompts)).toEqual([1, 1, 1]);
    // A counted assignment moved to another prompt.
    await pool().query(`UPDATE assignments SET prompt_id = $1 WHERE prompt_id = $2 AND user_id = $3`, [p1, p0, u1]);
    expect(await loads(prompts)).toEqual([0, 2, 1]);
    // An upsert: one new row (p1, +1) and one expired row revived (p0 u2, +1), as a claim does.
    await pool().query(
      `INSERT INTO assignments (prompt_id, user_id, status, lease_expires_at) VALUES ($1, $3, 'ACTIVE', now() + interval '1 hour'), ($2, $4, 'ACTIVE', now() + interval '1 hour')
       ON CONFLICT (prompt_id, user_id) DO UPDATE SET status = 'ACTIVE', lease_expires_at = EXCLUDED.lease_expires_at
        WHERE assignments.status IN ('EXPIRED', 'RELEASED')`,
      [p1, p0, u3, u2],
    );
    expect(await loads(prompts)).toEqual([1, 3, 1]);
    // Two updates of assignments in one statement (as a claim's expiry and renewal): p2's counted row leaves, p0's u2 is renewed.
    await pool().query(
      `WITH expired AS (UPDATE assignments SET status = 'EXPIRED' WHERE prompt_id = $1 RETURNING id),
            renewed AS (UPDATE assignments SET lease_expires_at = now() + interval '2 hours' WHERE prompt_id = $2 AND user_id = $3 RETURNING id)
       SELECT (SELECT count(*) FROM expired), (SELECT count(*) FROM renewed)`,
      [p2, p0, u2],
    );
    expect(await loads(prompts)).toEqual([1, 3, 0]);
    // A delete of counted and uncounted rows.
    await pool().query(`DELETE FROM assignments WHERE prompt_id IN ($1, $2)`, [p0, p2]);
    expect(await loads(prompts)).toEqual([0, 3, 0]);
    const { rows: drift } = await pool().query(
      `SELECT p.id FROM prompts p WHERE p.id = ANY($1::uuid[])
          AND p.human_load <> (SELECT count(*) FROM assignments a WHERE a.prompt_id = p.id AND a.status IN ('ACTIVE', 'SUBMITTED'))`,
      [prompts],
    );
    expect(drift).toEqual([]);
  });

  it("locks a statement's prompts in id order, so statements over the same prompts in any order wait instead of deadlocking", async () => {
    const { prompts, users } = await setUp(2, 1);
    const [first, second] = prompts as [string, string];
    const holder = await pool().connect();
    const writer = await pool().connect();
    try {
      // Another transaction holds the first prompt (in id order) as an update of its load does (not its key: inserts' foreign-key checks pass).
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM prompts WHERE id = $1 FOR NO KEY UPDATE", [first]);
      // A statement whose rows come second prompt first: with one lock per row it would hold the second prompt while waiting.
      await writer.query("BEGIN");
      const pid = (await writer.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      const inserting = writer.query(
        `INSERT INTO assignments (prompt_id, user_id, status, lease_expires_at)
         SELECT prompt_id, $3, 'ACTIVE', now() + interval '1 hour' FROM unnest(ARRAY[$2, $1]::uuid[]) WITH ORDINALITY AS t(prompt_id, i) ORDER BY i`,
        [first, second, users[0]],
      );
      await waitFor(async () => {
        const { rows } = await pool().query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [pid]);
        return rows.length === 1;
      });
      // While it waits for the first prompt, the second is free.
      const probe = await pool().connect();
      try {
        await probe.query("BEGIN");
        const { rows } = await probe.query("SELECT id FROM prompts WHERE id = $1 FOR NO KEY UPDATE NOWAIT", [second]);
        expect(rows).toHaveLength(1);
        await probe.query("ROLLBACK");
      } finally {
        probe.release();
      }
      await holder.query("COMMIT");
      await inserting;
      await writer.query("COMMIT");
      expect(await loads(prompts)).toEqual([1, 1]);
    } finally {
      holder.release();
      writer.release();
    }
  });
});
