import { beforeAll, describe, expect, it } from "vitest";
import { setReferenceRanking } from "@/lib/annotation/admin-annotation";
import { insertNextRevision } from "@/lib/annotation/store-revision";
import { pool } from "@/lib/db/pool";
import { withTransaction } from "@/lib/db/transaction";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { naturalCompare } from "@/lib/projects/natural-sort";
import { listPrompts, promptListQuerySchema } from "@/lib/projects/prompt-list";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

const MODELS = ["alpha", "beta", "gamma"];
const q = (text: Record<string, unknown>) => promptListQuerySchema.parse(text);

async function seeded() {
  const project = await makeProject({ overlapK: 2 });
  // Imported in file order q12, q11, …, q1: the list must not follow import order or plain text order.
  const ids = Array.from({ length: 12 }, (_, i) => 12 - i);
  expect(
    await importText(
      project.id,
      jsonl(
        ids.map((i) => ({
          id: `q${i}`,
          prompt: i === 7 ? "Which drug treats hyperkalaemia first?" : `Prompt list question ${i}?`,
          source: i % 2 ? "PubMedQA" : "MedQA",
          type: i <= 6 ? "exam" : "open-ended",
          completions: MODELS.map((model, j) => ({ model, text: `Answer ${j} to ${i}.` })),
        })),
      ),
    ),
  ).toMatchObject({ ok: true });
  const human = [
    { prompt_id: "q1", annotator: "Rater A", ranking: ["alpha", "beta", "gamma"] },
    { prompt_id: "q1", annotator: "Rater B", ranking: ["alpha", "gamma", "beta"] },
    { prompt_id: "q2", annotator: "Rater A", ranking: ["alpha", "beta", "gamma"] },
    { prompt_id: "q2", annotator: "Rater B", ranking: ["beta", "alpha", "gamma"] },
    { prompt_id: "q3", annotator: "Rater A", ranking: ["gamma", "beta", "alpha"] },
  ];
  expect(
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl(human))],
      fileName: "h.jsonl",
      kind: "human",
      annotator: null,
      actorId: null,
    }),
  ).toMatchObject({ ok: true });
  expect(
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl([{ prompt_id: "q5", ranking: MODELS }]))],
      fileName: "j.jsonl",
      kind: "judge",
      annotator: "gpt-4o",
      actorId: null,
    }),
  ).toMatchObject({ ok: true });
  const admin = (
    await pool().query<{ id: string }>(
      `INSERT INTO users (email, name, role, pseudonym) VALUES ($1, 'List Admin', 'ADMIN', $2) RETURNING id`,
      [`list-admin-${project.slug}@medpref.test`, `la-${project.slug}`],
    )
  ).rows[0]!;
  const idOf = async (externalId: string) =>
    (await pool().query<{ id: string }>(`SELECT id FROM prompts WHERE project_id = $1 AND external_id = $2`, [project.id, externalId]))
      .rows[0]!.id;
  const completionIds = async (externalId: string) =>
    (
      await pool().query<{ id: string }>(
        `SELECT c.id FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = $1 AND p.external_id = $2 ORDER BY c.position`,
        [project.id, externalId],
      )
    ).rows.map((r) => [r.id]);
  await setReferenceRanking({
    promptId: await idOf("q4"),
    kind: "GOLD",
    submission: { tiers: await completionIds("q4"), details: {}, rationale: null, timeOnTaskMs: 0 },
    actorId: admin.id,
  });
  return { project, admin, idOf, completionIds };
}

const idsOf = (list: { rows: { externalId: string | null }[] }) => list.rows.map((r) => r.externalId);

describe("the project page's prompt list", () => {
  it("sorts ids naturally (q2 before q10) and pages in the database", async () => {
    const { project } = await seeded();
    const all = await listPrompts(project.id, q({}));
    expect(idsOf(all)).toEqual(["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12"]);
    expect(idsOf(all)).toEqual([...idsOf(all)].sort((a, b) => naturalCompare(a!, b!)));
    expect(all).toMatchObject({ total: 12, page: 1, pages: 1, sources: ["MedQA", "PubMedQA"], types: ["exam", "open-ended"] });
    const third = await listPrompts(project.id, q({ page: "3" }), 5);
    expect(idsOf(third)).toEqual(["q11", "q12"]);
    expect(third).toMatchObject({ total: 12, page: 3, pages: 3 });
    // A page past the end shows the last one.
    expect(idsOf(await listPrompts(project.id, q({ page: "9" }), 5))).toEqual(["q11", "q12"]);
    const first = all.rows[0]!;
    expect(first).toMatchObject({
      externalId: "q1",
      preview: "Prompt list question 1?",
      source: "PubMedQA",
      promptType: "exam",
      candidates: 3,
      humanRankings: 2,
      wanted: 2,
      gold: false,
      judged: false,
      disputed: false,
    });
  });

  it("searches the text and the id, and filters by source and type", async () => {
    const { project } = await seeded();
    expect(idsOf(await listPrompts(project.id, q({ q: "hyperkalaemia" })))).toEqual(["q7"]);
    expect(idsOf(await listPrompts(project.id, q({ q: "Q1" })))).toEqual(["q1", "q10", "q11", "q12"]);
    // LIKE wildcards in the search are taken literally.
    expect(idsOf(await listPrompts(project.id, q({ q: "%" })))).toEqual([]);
    expect(idsOf(await listPrompts(project.id, q({ source: "MedQA" })))).toEqual(["q2", "q4", "q6", "q8", "q10", "q12"]);
    expect(idsOf(await listPrompts(project.id, q({ source: "MedQA", type: "exam" })))).toEqual(["q2", "q4", "q6"]);
  });

  it("filters by status: needs rankings, disputed, gold, judged", async () => {
    const { project, admin, idOf, completionIds } = await seeded();
    // k = 2: q1 and q2 have two rankings, q4 is gold (served at the gold rate, not by k).
    expect(idsOf(await listPrompts(project.id, q({ status: "needs-rankings" })))).toEqual([
      "q3",
      "q5",
      "q6",
      "q7",
      "q8",
      "q9",
      "q10",
      "q11",
      "q12",
    ]);
    // q1's raters agree on the best (alpha), q2's do not.
    expect(idsOf(await listPrompts(project.id, q({ status: "disputed" })))).toEqual(["q2"]);
    expect(idsOf(await listPrompts(project.id, q({ status: "gold" })))).toEqual(["q4"]);
    expect(idsOf(await listPrompts(project.id, q({ status: "judged" })))).toEqual(["q5"]);
    expect(idsOf(await listPrompts(project.id, q({ status: "needs-rankings", q: "question 1" })))).toEqual(["q10", "q11", "q12"]);
    // An adjudicated ranking settles the dispute.
    await setReferenceRanking({
      promptId: await idOf("q2"),
      kind: "ADJUDICATED",
      submission: { tiers: await completionIds("q2"), details: {}, rationale: null, timeOnTaskMs: 0 },
      actorId: admin.id,
    });
    expect(idsOf(await listPrompts(project.id, q({ status: "disputed" })))).toEqual([]);
  });

  it("keeps the dispute up to date as clinicians revise and rankings go", async () => {
    const { project, idOf, completionIds } = await seeded();
    const disputed = async () => idsOf(await listPrompts(project.id, q({ status: "disputed" })));
    const humanRanking = async (externalId: string, rater: string) =>
      (
        await pool().query<{ id: string }>(
          `SELECT r.id FROM rankings r JOIN users u ON u.id = r.rater_id WHERE r.prompt_id = $1 AND u.name = $2 AND r.kind = 'HUMAN'`,
          [await idOf(externalId), rater],
        )
      ).rows[0]!.id;
    // A revision storing the ranking a clinician would submit (alpha, beta, gamma = the ids in position order).
    const revise = async (externalId: string, rater: string, order: number[]) => {
      const ids = await completionIds(externalId);
      const rankingId = await humanRanking(externalId, rater);
      await withTransaction((tx) =>
        insertNextRevision(tx, {
          rankingId,
          authorId: null,
          shownOrder: null,
          idempotencyKey: null,
          submission: { tiers: order.map((i) => ids[i]!), details: {}, rationale: null, timeOnTaskMs: 0 },
        }),
      );
    };
    expect(await disputed()).toEqual(["q2"]);
    // Rater B comes round to alpha on q2: no dispute left.
    await revise("q2", "Rater B", [0, 1, 2]);
    expect(await disputed()).toEqual([]);
    // Rater A changes their best on q1 to gamma: q1 is disputed now.
    await revise("q1", "Rater A", [2, 0, 1]);
    expect(await disputed()).toEqual(["q1"]);
    // One of q1's two rankings goes: one rater cannot disagree with themselves.
    await pool().query(`DELETE FROM rankings WHERE id = $1`, [await humanRanking("q1", "Rater B")]);
    expect(await disputed()).toEqual([]);
  });

  it("refuses an unknown status or page with the field named", () => {
    const bad = promptListQuerySchema.safeParse({ status: "finished", page: "zero" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "status: one of needs-rankings, disputed, gold, judged",
      "page: a page number",
    ]);
    expect(promptListQuerySchema.parse({ q: "  ", status: "", source: "" })).toEqual({ page: 1 });
  });
});
