import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { waitUntilWaitingOnLock } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

/**
 * A ranking entry's candidate and revision are checked by a statement trigger, not by foreign keys
 * (migrations 20261130184000_entry_candidate_check, 20261130220632_batch_write_path): a bad entry is
 * still refused, whoever writes it, and neither a candidate nor a revision can disappear under its entries.
 */
let raterId: string;

beforeAll(async () => {
  await useFreshDatabase();
  raterId = (await createUser({ email: "rater@hospital.example", role: "clinician" }, null)).user.id;
});

/** A project of `n` prompts with 3 candidates each: their ids and candidates' ids in position order. */
async function prompts(n: number) {
  const project = await makeProject();
  await importText(project.id, jsonl(Array.from({ length: n }, (_, i) => record(i + 1, 3))));
  const rows = await db().prompt.findMany({
    where: { projectId: project.id },
    orderBy: { externalId: "asc" },
    include: { completions: { orderBy: { position: "asc" } } },
  });
  return rows.map((p) => ({ id: p.id, completionIds: p.completions.map((c) => c.id) }));
}

/** A gold ranking of the prompt with one revision and no entries yet. */
async function emptyRevision(promptId: string, shownOrder: string[]): Promise<string> {
  const ranking = await db().ranking.create({
    data: { promptId, kind: "GOLD", raterId, revisions: { create: { revision: 1, authorId: raterId, shownOrder } } },
    include: { revisions: true },
  });
  return ranking.revisions[0]!.id;
}

const insertEntries = (revisionId: string, completionIds: string[]) =>
  pool().query(
    `INSERT INTO ranking_entries (revision_id, completion_id, rank) SELECT $1::uuid, c, ord::int FROM unnest($2::uuid[]) WITH ORDINALITY AS x(c, ord)`,
    [revisionId, completionIds],
  );

const entriesOf = async (revisionId: string) =>
  (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM ranking_entries WHERE revision_id = $1`, [revisionId])).rows[0]!.n;

describe("a ranking entry's candidate", () => {
  it("must be a candidate of its ranking's prompt: another prompt's candidate or an unknown id is refused, with the whole statement", async () => {
    const [a, b] = await prompts(2);
    const revisionId = await emptyRevision(a!.id, a!.completionIds);
    const otherPrompts = [a!.completionIds[0]!, a!.completionIds[1]!, b!.completionIds[2]!];
    await expect(insertEntries(revisionId, otherPrompts)).rejects.toMatchObject({
      code: "23503",
      message: `ranking entry of revision ${revisionId} names candidate ${b!.completionIds[2]}, which is not a candidate of its ranking's prompt`,
    });
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expect(insertEntries(revisionId, [a!.completionIds[0]!, unknown])).rejects.toMatchObject({
      code: "23503",
      message: `ranking entry of revision ${revisionId} names candidate ${unknown}, which is not a candidate of its ranking's prompt`,
    });
    expect(await entriesOf(revisionId)).toBe(0);
    await insertEntries(revisionId, a!.completionIds);
    expect(await entriesOf(revisionId)).toBe(3);
  });

  it("must belong to a revision that exists (checked by the trigger, not a foreign key): an entry of an unknown revision is refused", async () => {
    const [a] = await prompts(1);
    const unknown = "00000000-0000-4000-8000-00000000beef";
    await expect(insertEntries(unknown, a!.completionIds)).rejects.toMatchObject({
      code: "23503",
      message: `ranking entry names revision ${unknown}, which does not exist`,
    });
    expect(await entriesOf(unknown)).toBe(0);
    await expect(db().rankingEntry.create({ data: { revisionId: unknown, completionId: a!.completionIds[0]!, rank: 1 } })).rejects.toThrow(
      /Foreign key constraint violated on the constraint: `ranking_entries_revision_id_check`/,
    );
  });

  it("goes with its revision: deleting a ranking deletes its revisions' entries and no other's", async () => {
    const [a, b] = await prompts(2);
    const gone = await emptyRevision(a!.id, a!.completionIds);
    const kept = await emptyRevision(b!.id, b!.completionIds);
    await insertEntries(gone, a!.completionIds);
    await insertEntries(kept, b!.completionIds);
    await pool().query(`DELETE FROM rankings WHERE id = (SELECT ranking_id FROM ranking_revisions WHERE id = $1)`, [gone]);
    expect(await entriesOf(gone)).toBe(0);
    expect(await entriesOf(kept)).toBe(3);
  });

  it("is refused through Prisma too, as the foreign key violation it replaces", async () => {
    const [a, b] = await prompts(2);
    const revisionId = await emptyRevision(a!.id, a!.completionIds);
    await expect(db().rankingEntry.create({ data: { revisionId, completionId: b!.completionIds[0]!, rank: 1 } })).rejects.toThrow(
      /Foreign key constraint violated on the constraint: `ranking_entries_completion_id_check`/,
    );
    expect(await entriesOf(revisionId)).toBe(0);
  });

  it("is deleted only with its prompt, which takes the entries along; its id and prompt never change", async () => {
    const [a, b] = await prompts(2);
    const revisionId = await emptyRevision(a!.id, a!.completionIds);
    await insertEntries(revisionId, a!.completionIds);
    await expect(pool().query(`DELETE FROM completions WHERE id = $1`, [a!.completionIds[0]])).rejects.toThrow(
      /a candidate is deleted only with its prompt/,
    );
    await expect(pool().query(`UPDATE completions SET prompt_id = $1 WHERE id = $2`, [b!.id, a!.completionIds[0]])).rejects.toThrow(
      /a candidate's id and prompt never change/,
    );
    await pool().query(`DELETE FROM prompts WHERE id = $1`, [a!.id]);
    expect(await entriesOf(revisionId)).toBe(0);
    const left = await pool().query(`SELECT 1 FROM ranking_entries WHERE completion_id = ANY($1::uuid[])`, [a!.completionIds]);
    expect(left.rowCount).toBe(0);
  });

  it("cannot be deleted with its prompt while entries naming it are being written: the deletion waits, then takes them along", async () => {
    const [a] = await prompts(1);
    const revisionId = await emptyRevision(a!.id, a!.completionIds);
    const writer = await pool().connect();
    const deleter = await pool().connect();
    try {
      await writer.query("BEGIN");
      await writer.query(
        `INSERT INTO ranking_entries (revision_id, completion_id, rank) SELECT $1::uuid, c, ord::int FROM unnest($2::uuid[]) WITH ORDINALITY AS x(c, ord)`,
        [revisionId, a!.completionIds],
      );
      const deleting = deleter.query(`DELETE FROM prompts WHERE id = $1`, [a!.id]);
      // The prompt's lock, taken by the writer's check, holds the deletion until the entries commit.
      await waitUntilWaitingOnLock(deleter);
      await writer.query("COMMIT");
      await deleting;
      expect(await entriesOf(revisionId)).toBe(0);
    } finally {
      writer.release();
      deleter.release();
    }
  });

  it("of a prompt deleted meanwhile is refused once that deletion commits", async () => {
    const [a] = await prompts(1);
    const revisionId = await emptyRevision(a!.id, a!.completionIds);
    const writer = await pool().connect();
    const deleter = await pool().connect();
    try {
      await deleter.query("BEGIN");
      await deleter.query(`DELETE FROM prompts WHERE id = $1`, [a!.id]);
      const writing = writer.query(
        `INSERT INTO ranking_entries (revision_id, completion_id, rank) SELECT $1::uuid, c, ord::int FROM unnest($2::uuid[]) WITH ORDINALITY AS x(c, ord)`,
        [revisionId, a!.completionIds],
      );
      const refused = expect(writing).rejects.toThrow();
      await waitUntilWaitingOnLock(writer);
      await deleter.query("COMMIT");
      await refused;
      expect(await entriesOf(revisionId)).toBe(0);
    } finally {
      writer.release();
      deleter.release();
    }
  });
});
