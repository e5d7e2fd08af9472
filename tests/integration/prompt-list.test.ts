import { beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { sendBackForRankings, setReferenceRanking } from "@/lib/annotation/admin-annotation";
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { insertNextRevision } from "@/lib/annotation/store-revision";
import { pool } from "@/lib/db/pool";
import { withTransaction } from "@/lib/db/transaction";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { naturalCompare, naturalSortSql } from "@/lib/projects/natural-sort";
import { listPrompts, PROMPT_STATUSES, promptListQuerySchema, type PromptStatus } from "@/lib/projects/prompt-list";
import { createUser } from "@/lib/users/manage-users";
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

/** An import record: a conversation with one candidate per model. */
const conversation = (id: string, messages: { role: string; content: string }[]) => ({
  id,
  messages,
  completions: MODELS.map((model) => ({ model, text: `Answer of ${model}.` })),
});

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

  it("searches every message of a conversation, case-insensitively, never across two messages", async () => {
    const project = await makeProject();
    expect(
      await importText(
        project.id,
        jsonl([
          conversation("c1", [
            { role: "system", content: "You are a careful CARDIOLOGIST." },
            { role: "user", content: "Chest pain at rest" },
          ]),
          conversation("c2", [
            { role: "user", content: "Fever and rash" },
            { role: "assistant", content: "Any travel?" },
            { role: "user", content: "No travel; chest pain too" },
          ]),
          conversation("c3", [
            { role: "system", content: "Be brief" },
            { role: "user", content: "at rest" },
          ]),
        ]),
      ),
    ).toMatchObject({ ok: true });
    const search = async (text: string) => {
      const list = await listPrompts(project.id, q({ q: text }));
      expect(list.total).toBe(list.rows.length);
      return idsOf(list);
    };
    expect(await search("cardiologist")).toEqual(["c1"]);
    expect(await search("CHEST PAIN")).toEqual(["c1", "c2"]);
    expect(await search("any travel")).toEqual(["c2"]);
    expect(await search("c2")).toEqual(["c2"]);
    // The end of one message and the start of the next are not one text.
    expect(await search("brief\nat")).toEqual([]);
    expect(await search("rest")).toEqual(["c1", "c3"]);
    // Two characters (fewer than a trigram) still search.
    expect(await search("c3")).toEqual(["c3"]);
  });

  it("counts a search exactly from the one scan that finds its page, past the last page too", async () => {
    const { project } = await seeded();
    const list = await listPrompts(project.id, q({ q: "QUESTION", page: "9" }), 5);
    expect([idsOf(list), list.total, list.totalEstimated, list.page, list.pages]).toEqual([["q12"], 11, false, 3, 3]);
    const withSource = await listPrompts(project.id, q({ q: "question", source: "PubMedQA", page: "2" }), 2);
    expect([idsOf(withSource), withSource.total, withSource.totalEstimated]).toEqual([["q5", "q9"], 5, false]);
    const none = await listPrompts(project.id, q({ q: "no such words", page: "4" }));
    expect([idsOf(none), none.total, none.page, none.pages]).toEqual([[], 0, 1, 1]);
  });

  it("estimates a common search's total in a large project from a sample of its texts, and counts a rare one exactly", async () => {
    const { project } = await seeded();
    // As if the project were large (any size above exactUpTo); a sample of every text (100 %) estimates exactly.
    const large = { exactUpTo: 0, sampleRows: 1_000_000, exactUpToSampleHits: 3, walkShare: 1 };
    const common = await listPrompts(project.id, q({ q: "question" }), 5, large);
    expect([idsOf(common), common.total, common.totalEstimated, common.pages]).toEqual([["q1", "q2", "q3", "q4", "q5"], 11, true, 3]);
    const second = await listPrompts(project.id, q({ q: "question", page: "2" }), 5, large);
    expect([idsOf(second), second.totalEstimated]).toEqual([["q6", "q8", "q9", "q10", "q11"], true]);
    // A page expected beyond walkShare of the project in id order (10 matches at 11 in 12: 11 prompts > 6): counted.
    const deep = await listPrompts(project.id, q({ q: "question", page: "2" }), 5, { ...large, walkShare: 0.5 });
    expect([idsOf(deep), deep.total, deep.totalEstimated]).toEqual([["q6", "q8", "q9", "q10", "q11"], 11, false]);
    // At most exactUpToSampleHits matches in the sample: counted.
    const rare = await listPrompts(project.id, q({ q: "hyperkalaemia" }), 5, large);
    expect([idsOf(rare), rare.total, rare.totalEstimated]).toEqual([["q7"], 1, false]);
    // A search with another filter is always counted.
    const filtered = await listPrompts(project.id, q({ q: "question", type: "exam" }), 5, large);
    expect([idsOf(filtered), filtered.total, filtered.totalEstimated]).toEqual([["q1", "q2", "q3", "q4", "q5"], 6, false]);
  });

  it("matches exactly what ILIKE over the id and each message matches, for any search text", async () => {
    const project = await makeProject();
    expect(
      await importText(
        project.id,
        jsonl([
          conversation("É-1", [{ role: "user", content: "Échographie CARDIAQUE à 100% (pas_de_douleur) \\ fin" }]),
          conversation("e-2", [
            { role: "system", content: "ÉTAT de choc" },
            { role: "user", content: "Straße und STRASSE" },
          ]),
          conversation("x-3", [
            { role: "system", content: "brief" },
            { role: "user", content: "at rest\nnext line" },
          ]),
        ]),
      ),
    ).toMatchObject({ ok: true });
    // Today's rule, on the rows themselves: the id or one message's content ILIKE %text% (wildcards taken literally).
    const reference = async (text: string) =>
      (
        await pool().query<{ external_id: string }>(
          `SELECT p.external_id FROM prompts p
            WHERE p.project_id = $1 AND (p.external_id ILIKE $2 OR EXISTS (SELECT 1 FROM jsonb_array_elements(p.messages) m WHERE m->>'content' ILIKE $2))
            ORDER BY ${naturalSortSql("p.external_id")}, p.created_at, p.id`,
          [project.id, `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
        )
      ).rows.map((r) => r.external_id);
    const searches: [string, string[]][] = [
      ["échographie", ["É-1"]],
      ["ÉCHO", ["É-1"]],
      ["é-", ["É-1"]],
      ["état", ["e-2"]],
      ["e-", ["e-2"]],
      ["STRASSE", ["e-2"]],
      ["straße", ["e-2"]],
      ["100%", ["É-1"]],
      ["%", ["É-1"]],
      ["pas_de", ["É-1"]],
      ["s-de", []],
      ["as_de", ["É-1"]],
      ["\\", ["É-1"]],
      ["rest\nnext", ["x-3"]],
      ["brief\nat", []],
      ["brief\u001eat", []],
      ["\u001e", []],
      ["x-3brief", []],
    ];
    for (const [text, expected] of searches) {
      const list = await listPrompts(project.id, q({ q: text }));
      expect([idsOf(list), list.total], JSON.stringify(text)).toEqual([expected, expected.length]);
      expect(idsOf(list), JSON.stringify(text)).toEqual(await reference(text));
    }
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

  it("keeps every status filter equal to the rankings themselves through submissions, sent-back prompts, gold, judge runs and deletions", async () => {
    const { project, admin, idOf, completionIds } = await seeded();
    // Each status as the rankings say, counted per prompt (what the kept columns replace), in the list's order.
    const STATUS_FROM_ROWS: Record<PromptStatus, string> = {
      "needs-rankings": `NOT EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id AND r.kind = 'GOLD')
                         AND (SELECT count(*) FROM rankings r WHERE r.prompt_id = p.id AND r.kind = 'HUMAN') < j.overlap_k + p.extra_rankings`,
      disputed: `medpref_prompt_disputed(p.id) AND NOT EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id AND r.kind = 'ADJUDICATED')`,
      gold: `EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id AND r.kind = 'GOLD')`,
      judged: `EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id AND r.kind = 'JUDGE')`,
    };
    const fromRows = async (status: PromptStatus) =>
      (
        await pool().query<{ external_id: string }>(
          `SELECT p.external_id FROM prompts p JOIN projects j ON j.id = p.project_id WHERE p.project_id = $1 AND ${STATUS_FROM_ROWS[status]}
            ORDER BY ${naturalSortSql("p.external_id")}, p.created_at, p.id`,
          [project.id],
        )
      ).rows.map((r) => r.external_id);
    const listed = async (status: PromptStatus) => {
      const list = await listPrompts(project.id, q({ status }));
      expect(list.total).toBe(list.rows.length);
      return idsOf(list);
    };
    const expectAllAsRows = async () => {
      for (const status of PROMPT_STATUSES) expect(await listed(status), status).toEqual(await fromRows(status));
    };
    await expectAllAsRows();

    // Three clinicians submit at once until the queue (k = 2) is empty: rounds until one claims nothing
    // (a claim skips a prompt whose submission is in flight, so one clinician's "nothing left" is not the end).
    const team = await Promise.all(
      [1, 2, 3].map(async (i) => (await createUser({ email: `c${i}-${randomUUID()}@hospital.example`, role: "clinician" }, null)).user),
    );
    for (let claimed = -1; claimed !== 0;) {
      claimed = 0;
      await Promise.all(
        team.map(async (user) => {
          for (;;) {
            const next = await claimNextAssignment(user, project.slug);
            if (!next) return;
            claimed++;
            const tiers = next.candidates.map((c) => [c.id]);
            const stored = await submitRanking({
              userId: user.id,
              assignmentId: next.assignment.id,
              submission: { tiers, details: {}, rationale: null, timeOnTaskMs: 1000 },
              idempotencyKey: randomUUID(),
            });
            expect(stored.status).toBe(201);
          }
        }),
      );
    }
    expect(await listed("needs-rankings")).toEqual([]);
    await expectAllAsRows();

    // q6 is sent back for one more ranking; q8 becomes gold; q2's dispute is adjudicated.
    await sendBackForRankings({ promptId: await idOf("q6"), extra: 1, actorId: admin.id });
    await setReferenceRanking({
      promptId: await idOf("q8"),
      kind: "GOLD",
      submission: { tiers: await completionIds("q8"), details: {}, rationale: null, timeOnTaskMs: 0 },
      actorId: admin.id,
    });
    expect(await listed("needs-rankings")).toEqual(["q6"]);
    expect(await listed("gold")).toEqual(["q4", "q8"]);
    await expectAllAsRows();

    // A second judge import ranks q5 again and q9; deleting the first judge run leaves q5 judged by the second.
    expect(
      await importRankings({
        projectId: project.id,
        input: [Buffer.from(jsonl(["q5", "q9"].map((id) => ({ prompt_id: id, ranking: MODELS }))))],
        fileName: "j2.jsonl",
        kind: "judge",
        annotator: "gpt-4o-mini",
        actorId: null,
      }),
    ).toMatchObject({ ok: true });
    expect(await listed("judged")).toEqual(["q5", "q9"]);
    await pool().query(
      `DELETE FROM judge_runs WHERE id = (SELECT r.judge_run_id FROM rankings r WHERE r.prompt_id = $1 AND r.kind = 'JUDGE' ORDER BY r.created_at LIMIT 1)`,
      [await idOf("q5")],
    );
    expect(await listed("judged")).toEqual(["q5", "q9"]);
    await pool().query(`DELETE FROM rankings WHERE prompt_id = $1 AND kind = 'JUDGE'`, [await idOf("q9")]);
    expect(await listed("judged")).toEqual(["q5"]);

    // Deleted rankings: q8's gold goes (it has k human rankings), all of q1's human rankings but one go.
    await pool().query(`DELETE FROM rankings WHERE prompt_id = $1 AND kind = 'GOLD'`, [await idOf("q8")]);
    await pool().query(
      `DELETE FROM rankings WHERE prompt_id = $1 AND kind = 'HUMAN' AND id <> (SELECT min(id::text)::uuid FROM rankings WHERE prompt_id = $1 AND kind = 'HUMAN')`,
      [await idOf("q1")],
    );
    expect(await listed("gold")).toEqual(["q4"]);
    expect(await listed("needs-rankings")).toEqual(["q1", "q6"]);
    await expectAllAsRows();
    // The list's own figures per row agree with the columns.
    const q1 = (await listPrompts(project.id, q({ q: "question 1?" }))).rows;
    expect(q1.map((r) => [r.externalId, r.humanRankings, r.wanted, r.gold, r.judged])).toEqual([["q1", 1, 2, false, false]]);
  });

  it("orders every filter and status naturally by id (q2 before q10), as the key computed from the ids says, on every page", async () => {
    const { project, admin, completionIds, idOf } = await seeded();
    // More rows per status: q10 and q12 gold, q9 and q11 judged (q5 already), so q2 < q10 is tested within each.
    for (const id of ["q10", "q12"])
      await setReferenceRanking({
        promptId: await idOf(id),
        kind: "GOLD",
        submission: { tiers: await completionIds(id), details: {}, rationale: null, timeOnTaskMs: 0 },
        actorId: admin.id,
      });
    expect(
      await importRankings({
        projectId: project.id,
        input: [Buffer.from(jsonl(["q11", "q9"].map((id) => ({ prompt_id: id, ranking: MODELS }))))],
        fileName: "j2.jsonl",
        kind: "judge",
        annotator: "gpt-4o-mini",
        actorId: null,
      }),
    ).toMatchObject({ ok: true });
    /** Every page of a filter, 2 rows a page, concatenated. */
    const allPages = async (filter: Record<string, string>) => {
      const first = await listPrompts(project.id, q(filter), 2);
      const rest = [];
      for (let page = 2; page <= first.pages; page++)
        rest.push(...idsOf(await listPrompts(project.id, q({ ...filter, page: String(page) }), 2)));
      return { ids: [...idsOf(first), ...rest], total: first.total };
    };
    const cases: [Record<string, string>, string[]][] = [
      [{}, ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12"]],
      [{ source: "MedQA" }, ["q2", "q4", "q6", "q8", "q10", "q12"]],
      [{ source: "PubMedQA" }, ["q1", "q3", "q5", "q7", "q9", "q11"]],
      [{ type: "open-ended" }, ["q7", "q8", "q9", "q10", "q11", "q12"]],
      [{ type: "exam" }, ["q1", "q2", "q3", "q4", "q5", "q6"]],
      [{ status: "gold" }, ["q4", "q10", "q12"]],
      [{ status: "judged" }, ["q5", "q9", "q11"]],
      [{ status: "needs-rankings" }, ["q3", "q5", "q6", "q7", "q8", "q9", "q11"]],
      [{ status: "judged", source: "PubMedQA", type: "open-ended" }, ["q9", "q11"]],
      [{ status: "gold", type: "open-ended" }, ["q10", "q12"]],
      [{ status: "judged", q: "question" }, ["q5", "q9", "q11"]],
    ];
    for (const [filter, expected] of cases)
      expect(await allPages(filter), JSON.stringify(filter)).toEqual({ ids: expected, total: expected.length });
    // The stored keys are the key computed from each id (20261130100355_prompt_natural_order), on prompts and on the copies.
    const keys = await pool().query<{ external_id: string; stored: string; copied: string; listed: string; computed: string }>(
      `SELECT p.external_id, p.sort_key AS stored, c.sort_key AS copied, o.sort_key AS listed, ${naturalSortSql("p.external_id")} AS computed
         FROM prompts p JOIN prompt_ranking_counts c ON c.prompt_id = p.id JOIN prompt_list_keys o ON o.prompt_id = p.id WHERE p.project_id = $1`,
      [project.id],
    );
    expect(keys.rows).toHaveLength(12);
    for (const row of keys.rows)
      expect([row.stored, row.copied, row.listed], row.external_id).toEqual([row.computed, row.computed, row.computed]);
  });

  it("orders prompts with the same id by import time, a prompt without an id first, and follows an id that changes", async () => {
    const project = await makeProject();
    expect(
      await importText(
        project.id,
        jsonl([
          conversation("b10", [{ role: "user", content: "first b10" }]),
          conversation("b9", [{ role: "user", content: "b9" }]),
          { ...conversation("", [{ role: "user", content: "no id" }]), id: undefined },
        ]),
      ),
    ).toMatchObject({ ok: true });
    // A later import (one import's prompts share their time: among them, equal keys fall back to the internal id).
    expect(await importText(project.id, jsonl([conversation("B10", [{ role: "user", content: "second b10" }])]))).toMatchObject({
      ok: true,
    });
    const previews = async (filter: Record<string, string> = {}) => (await listPrompts(project.id, q(filter))).rows.map((r) => r.preview);
    // Letters compare case-insensitively: b10 and B10 tie, and the earlier import comes first.
    expect(await previews()).toEqual(["no id", "b9", "first b10", "second b10"]);
    // An id edited in the database (no screen edits ids today): the stored key and its copy follow.
    await pool().query(`UPDATE prompts SET external_id = 'b11' WHERE project_id = $1 AND external_id = 'b9'`, [project.id]);
    expect(
      await importRankings({
        projectId: project.id,
        input: [Buffer.from(jsonl(["b11", "b10"].map((id) => ({ prompt_id: id, ranking: MODELS }))))],
        fileName: "j.jsonl",
        kind: "judge",
        annotator: "gpt-4o",
        actorId: null,
      }),
    ).toMatchObject({ ok: true });
    expect(await previews()).toEqual(["no id", "first b10", "second b10", "b9"]);
    expect(await previews({ status: "judged" })).toEqual(["first b10", "b9"]);
    // A source or type edited in the database: the list's filters follow too.
    await pool().query(`UPDATE prompts SET source = 'MedQA', prompt_type = 'exam' WHERE project_id = $1 AND external_id = 'b11'`, [
      project.id,
    ]);
    expect(await previews({ source: "MedQA" })).toEqual(["b9"]);
    expect(await previews({ type: "exam", status: "judged" })).toEqual(["b9"]);
    expect((await listPrompts(project.id, q({}))).sources).toEqual(["MedQA"]);
  });

  it("writes a judge ranking's flag on the narrow counts row, never on the prompt", async () => {
    const { project, idOf } = await seeded();
    const version = async () =>
      (await pool().query<{ v: string }>(`SELECT xmin::text || ctid::text AS v FROM prompts WHERE id = $1`, [await idOf("q9")])).rows[0]!.v;
    const before = await version();
    expect(
      await importRankings({
        projectId: project.id,
        input: [Buffer.from(jsonl([{ prompt_id: "q9", ranking: MODELS }]))],
        fileName: "j2.jsonl",
        kind: "judge",
        annotator: "gpt-4o-mini",
        actorId: null,
      }),
    ).toMatchObject({ ok: true });
    expect(idsOf(await listPrompts(project.id, q({ status: "judged" })))).toEqual(["q5", "q9"]);
    expect(await version()).toBe(before);
  });
});
