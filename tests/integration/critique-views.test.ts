import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { reviseRanking } from "@/lib/annotation/revise-ranking";
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { codePointLength } from "@/lib/critiques/code-points";
import { saveTaxonomy } from "@/lib/critiques/project-taxonomy";
import { promptCritiques, spanDashboard } from "@/lib/critiques/queries";
import { insertCritiqueSpans, type CompletionSpan } from "@/lib/critiques/store-spans";
import { DEFAULT_TAXONOMY, type CritiqueSeverity } from "@/lib/critiques/taxonomy";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { createUser } from "@/lib/users/manage-users";
import { recordVote, reviseVote } from "@/lib/verification/record-vote";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { pairClinicians } from "../support/pair-set";
import { useFreshDatabase } from "../support/test-database";
import { seedVerificationSet } from "../support/verification";

beforeAll(async () => {
  await useFreshDatabase();
});

/** The candidates' texts (q0–q2, model-a and model-b), with an emoji before the first quote: offsets are code points. */
const TEXTS: Record<string, [string, string]> = {
  q0: ["Give 😀 amoxicillin 500 mg every 8 h for 7 days.", "Rest and fluids."],
  q1: ["Stop the anticoagulant before surgery.", "Ask the surgeon."],
  q2: ["Start **metformin** 500 mg twice daily.", "Lifestyle advice first."],
};

/** A span quoting `quote` in `text` (first occurrence), offsets in code points. */
function quoteSpan(
  completionId: string,
  text: string,
  quote: string,
  tag: string,
  severity: CritiqueSeverity,
  comment = "",
): CompletionSpan {
  const at = text.indexOf(quote);
  if (at < 0) throw new Error(`"${quote}" is not in "${text}"`);
  const start = codePointLength(text.slice(0, at));
  return { completionId, start, end: start + codePointLength(quote), text: quote, tag, severity, comment, correction: "" };
}

async function latestRevision(projectId: string, externalId: string, who: string): Promise<string> {
  const row = await queryOne<{ id: string }>(
    pool(),
    sql`SELECT rr.id FROM rankings r JOIN prompts p ON p.id = r.prompt_id
          JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
          LEFT JOIN users u ON u.id = r.rater_id LEFT JOIN judge_runs jr ON jr.id = r.judge_run_id
         WHERE p.project_id = ${projectId} AND p.external_id = ${externalId} AND coalesce(u.name, jr.name) = ${who}`,
  );
  return row!.id;
}

/**
 * Three prompts with two candidates each, ranked by two external clinicians (Dr. Ann Example, Dr. Bob
 * Example) and an imported judge, and these spans on their rankings:
 *   q0 model-a: Ann "amoxicillin 500 mg" (18) wrong dose, major; Bob "500 mg every 8 h" (16) wrong dose,
 *               critical (they share "500 mg", 6); the judge "amoxicillin 500 mg" wrong dose;
 *   q0 model-b: Ann "Rest and fluids" (15) incomplete, minor;
 *   q1 model-a: Bob "Stop the anticoagulant" (22) unsafe, major; the judge "the anticoagulant" (17) unsafe.
 */
async function seededProject() {
  // k = 5: the external clinicians' rankings leave prompts for a clinician account to claim.
  const project = await makeProject({ overlapK: 5 });
  await importText(
    project.id,
    jsonl(
      Object.entries(TEXTS).map(([id, texts], i) => ({
        id,
        prompt: `Question ${id}?`,
        source: i === 1 ? "PubMedQA" : "MedQA",
        completions: texts.map((text, j) => ({ model: `model-${"ab"[j]}`, text })),
      })),
    ),
  );
  const rankings = (annotator?: string) =>
    jsonl(Object.keys(TEXTS).map((id) => ({ prompt_id: id, ...(annotator ? { annotator } : {}), ranking: ["model-b", "model-a"] })));
  for (const [kind, text, annotator] of [
    ["human", rankings("Dr. Ann Example") + rankings("Dr. Bob Example"), null],
    ["judge", rankings(), "critic-judge"],
  ] as const) {
    const imported = await importRankings({
      projectId: project.id,
      input: [Buffer.from(text)],
      fileName: "r.jsonl",
      kind,
      annotator,
      actorId: null,
    });
    expect(imported).toMatchObject({ ok: true });
  }
  const completions = await queryRows<{ externalId: string; model: string; id: string }>(
    pool(),
    sql`SELECT p.external_id, c.model, c.id FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = ${project.id}`,
  );
  const completion = (externalId: string, model: string) => completions.find((c) => c.externalId === externalId && c.model === model)!.id;
  const spanOn = (externalId: string, j: 0 | 1, quote: string, tag: string, severity: CritiqueSeverity, comment = "") =>
    quoteSpan(completion(externalId, `model-${"ab"[j]}`), TEXTS[externalId]![j], quote, tag, severity, comment);
  const plant = async (externalId: string, who: string, spans: CompletionSpan[]) =>
    insertCritiqueSpans(pool(), { revisionId: await latestRevision(project.id, externalId, who) }, spans, 0);
  await plant("q0", "Dr. Ann Example", [
    spanOn("q0", 0, "amoxicillin 500 mg", "wrong-dose", "major", "Too low for this infection."),
    spanOn("q0", 1, "Rest and fluids", "incomplete", "minor"),
  ]);
  await plant("q0", "Dr. Bob Example", [spanOn("q0", 0, "500 mg every 8 h", "wrong-dose", "critical")]);
  await plant("q1", "Dr. Bob Example", [spanOn("q1", 0, "Stop the anticoagulant", "unsafe", "major")]);
  const judgeRun = (await queryOne<{ id: string; name: string }>(
    pool(),
    sql`SELECT id, name FROM judge_runs WHERE project_id = ${project.id}`,
  ))!;
  await plant("q0", judgeRun.name, [spanOn("q0", 0, "amoxicillin 500 mg", "wrong-dose", "major")]);
  await plant("q1", judgeRun.name, [spanOn("q1", 0, "the anticoagulant", "unsafe", "major")]);
  const pseudonyms = Object.fromEntries(
    (
      await queryRows<{ name: string; pseudonym: string }>(pool(), sql`SELECT name, pseudonym FROM users WHERE name LIKE 'Dr. % Example'`)
    ).map((u) => [u.name, u.pseudonym]),
  );
  return { project, completion, judgeRun, pseudonyms, spanOn };
}

describe("span figures on the agreement dashboard", () => {
  it("counts the clinicians' spans by tag, severity, model, source and rater (pseudonyms for researchers)", async () => {
    const { project, pseudonyms } = await seededProject();
    const { statistics } = await spanDashboard(project.id, {}, { showRaterNames: false });
    const ann = `${pseudonyms["Dr. Ann Example"]} (external rater)`;
    const bob = `${pseudonyms["Dr. Bob Example"]} (external rater)`;
    expect(statistics).toEqual({
      total: 4,
      byTag: [
        { tag: "incomplete", count: 1 },
        { tag: "unsafe", count: 1 },
        { tag: "wrong-dose", count: 2 },
      ],
      bySeverity: [
        { severity: "minor", count: 1 },
        { severity: "major", count: 2 },
        { severity: "critical", count: 1 },
      ],
      byTagAndModel: [
        { tag: "incomplete", model: "model-b", count: 1 },
        { tag: "unsafe", model: "model-a", count: 1 },
        { tag: "wrong-dose", model: "model-a", count: 2 },
      ],
      byTagAndSource: [
        { tag: "incomplete", source: "MedQA", count: 1 },
        { tag: "unsafe", source: "PubMedQA", count: 1 },
        { tag: "wrong-dose", source: "MedQA", count: 2 },
      ],
      // By tag, then by the rater's label (pseudonyms are random).
      byTagAndRater: [
        { tag: "incomplete", rater: ann, count: 1 },
        { tag: "unsafe", rater: bob, count: 1 },
        ...[ann, bob].sort().map((rater) => ({ tag: "wrong-dose", rater, count: 1 })),
      ],
    });
    const asAdmin = await spanDashboard(project.id, {}, { showRaterNames: true });
    expect(asAdmin.statistics.byTagAndRater.map((r) => r.rater)).toEqual([
      "Dr. Ann Example (external rater)",
      "Dr. Bob Example (external rater)",
      "Dr. Ann Example (external rater)",
      "Dr. Bob Example (external rater)",
    ]);
    expect(JSON.stringify(await spanDashboard(project.id, {}, { showRaterNames: false }))).not.toContain("Example");
  });

  it("gives the clinicians' overlap F1 computed by hand: 2·6 / (18 + 16 + 15 + 22) over the three marked candidates", async () => {
    const { project } = await seededProject();
    const { clinicians } = await spanDashboard(project.id, {}, { showRaterNames: false });
    // Ann × Bob on q0/a: overlap "500 mg" 6 of 18 + 16; q0/b: 0 of 15 (Bob ranked it, marked nothing); q1/a: 0 of 22.
    expect(clinicians).toMatchObject({ candidates: 3, pairs: 3, candidatesByTag: { "wrong-dose": 1, incomplete: 1, unsafe: 1 } });
    expect(clinicians.overall).toMatchObject({ pairs: 3, overlap: 6, marked: 71 });
    expect(clinicians.overall.f1).toBeCloseTo(12 / 71, 12);
    expect(clinicians.byTag.map((t) => [t.tag, t.overlap, t.marked])).toEqual([
      ["incomplete", 0, 15],
      ["unsafe", 0, 22],
      ["wrong-dose", 6, 34],
    ]);
    expect(clinicians.byTag[2]!.f1).toBeCloseTo(12 / 34, 12);
    const [low, high] = clinicians.overall.interval!;
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(12 / 34);
  });

  it("measures the judge run against each clinician: 2·41 / 141, precision 41/70, recall 41/71", async () => {
    const { project, judgeRun } = await seededProject();
    const { judges, runs } = await spanDashboard(project.id, {}, { showRaterNames: false });
    expect(judges).toHaveLength(1);
    const [judge] = judges;
    expect(judge).toMatchObject({ runId: judgeRun.id, spans: 2 });
    expect(runs[judgeRun.id]).toEqual({ name: judgeRun.name, model: "critic-judge" });
    // q0/a: Ann × judge 18 of 36, Bob × judge 6 of 34; q0/b: Ann × judge 0 of 15; q1/a: Ann × judge 0 of 17, Bob × judge 17 of 39.
    expect(judge!.agreement).toMatchObject({ candidates: 3, pairs: 6 });
    expect(judge!.agreement.overall).toMatchObject({ pairs: 5, overlap: 41, marked: 141 });
    expect(judge!.agreement.overall.f1).toBeCloseTo(82 / 141, 12);
    expect(judge!.agreement.overall.precision).toBeCloseTo(41 / 70, 12);
    expect(judge!.agreement.overall.recall).toBeCloseTo(41 / 71, 12);
  });

  it("applies the dashboard's filter: one annotator leaves no clinician pair; another run leaves no judge", async () => {
    const { project } = await seededProject();
    const ann = await queryOne<{ id: string }>(pool(), sql`SELECT id FROM users WHERE name = 'Dr. Ann Example'`);
    const filtered = await spanDashboard(project.id, { annotatorIds: [ann!.id] }, { showRaterNames: true });
    expect(filtered.statistics.total).toBe(2);
    expect(filtered.clinicians).toMatchObject({ candidates: 0, pairs: 0 });
    expect(filtered.clinicians.overall.f1).toBeNull();
    // The judge is compared with Ann alone: q0/a 18 of 36, q0/b 0 of 15, q1/a 0 of 17.
    expect(filtered.judges[0]!.agreement.overall).toMatchObject({ overlap: 18, marked: 68 });
    const otherRun = await spanDashboard(project.id, { runIds: ["00000000-0000-4000-8000-000000000000"] }, { showRaterNames: true });
    expect(otherRun.judges).toEqual([]);
    expect(otherRun.statistics.total).toBe(4);
    const later = await spanDashboard(project.id, { from: "2999-01-01" }, { showRaterNames: true });
    expect(later.statistics.total).toBe(0);
  });

  it("labels tags by the current taxonomy, and lists a project without spans as empty", async () => {
    const { project } = await seededProject();
    await saveTaxonomy(
      project.id,
      { tags: DEFAULT_TAXONOMY.tags.map((t) => (t.key === "wrong-dose" ? { ...t, label: "Dose or unit wrong" } : t)) },
      null,
    );
    const { tags } = await spanDashboard(project.id, {}, { showRaterNames: false });
    expect(tags.map((t) => t.key)).toEqual(DEFAULT_TAXONOMY.tags.map((t) => t.key));
    expect(tags.find((t) => t.key === "wrong-dose")).toEqual({
      key: "wrong-dose",
      label: "Dose or unit wrong",
      colour: "orange",
      marker: "D",
    });
    const empty = await makeProject();
    const nothing = await spanDashboard(empty.id, {}, { showRaterNames: false });
    expect(nothing.statistics.total).toBe(0);
    expect(nothing.clinicians.candidates).toBe(0);
    expect(nothing.judges).toEqual([]);
  });
});

describe("every rater's spans on the prompt page", () => {
  it("lists each candidate's spans with tag labels of their own taxonomy version, raters as the viewer may read them", async () => {
    const { project, completion, pseudonyms, judgeRun } = await seededProject();
    await saveTaxonomy(
      project.id,
      { tags: DEFAULT_TAXONOMY.tags.map((t) => (t.key === "wrong-dose" ? { ...t, label: "Dose or unit wrong" } : t)) },
      null,
    );
    const prompt = await queryOne<{ id: string }>(
      pool(),
      sql`SELECT id FROM prompts WHERE project_id = ${project.id} AND external_id = 'q0'`,
    );
    const forResearcher = await promptCritiques(prompt!.id, { showRaterNames: false });
    expect([...forResearcher.keys()].sort()).toEqual([completion("q0", "model-a"), completion("q0", "model-b")].sort());
    const onA = forResearcher.get(completion("q0", "model-a"))!;
    expect(onA.map((c) => [c.start, c.end, c.text, c.tag, c.severity, c.rater, c.raterKind, c.via])).toEqual([
      [7, 25, "amoxicillin 500 mg", "wrong-dose", "major", `${pseudonyms["Dr. Ann Example"]} (external rater)`, "clinician", "ranking"],
      [7, 25, "amoxicillin 500 mg", "wrong-dose", "major", `Judge: ${judgeRun.name} (critic-judge)`, "judge", "ranking"],
      [19, 35, "500 mg every 8 h", "wrong-dose", "critical", `${pseudonyms["Dr. Bob Example"]} (external rater)`, "clinician", "ranking"],
    ]);
    // Marked under the default taxonomy (version 0): its label, not the later version's.
    expect(onA[0]!.tagDisplay).toEqual({ key: "wrong-dose", label: "Wrong dose or unit", colour: "orange", marker: "D" });
    expect(onA[0]!.comment).toBe("Too low for this infection.");
    expect(JSON.stringify([...forResearcher.values()])).not.toContain("Example");
    const forAdmin = await promptCritiques(prompt!.id, { showRaterNames: true });
    expect(forAdmin.get(completion("q0", "model-b"))!.map((c) => c.rater)).toEqual(["Dr. Ann Example (external rater)"]);
  });

  it("shows only the latest revision's spans of a revised ranking", async () => {
    const { project, spanOn } = await seededProject();
    const { user } = await createUser({ email: "reviser@hospital.example", name: "Dr. Cy Reviser", role: "clinician" }, null);
    let ranked: { promptId: string; rankingId: string } | null = null;
    for (let i = 0; !ranked && i < 3; i++) {
      const next = (await claimNextAssignment({ id: user.id, specialties: [] }, project.slug))!;
      const submission = { tiers: next.candidates.map((c) => [c.id]), details: {}, rationale: null, timeOnTaskMs: 1000 };
      const submitted = await submitRanking({
        userId: user.id,
        assignmentId: next.assignment.id,
        submission,
        idempotencyKey: `critique-views-submit-${i}`,
      });
      expect(submitted.status).toBe(201);
      const prompt = await queryOne<{ id: string; externalId: string }>(
        pool(),
        sql`SELECT p.id, p.external_id FROM assignments a JOIN prompts p ON p.id = a.prompt_id WHERE a.id = ${next.assignment.id}`,
      );
      if (prompt!.externalId === "q2") ranked = { promptId: prompt!.id, rankingId: (submitted.body as { rankingId: string }).rankingId };
    }
    const first = await latestRevision(project.id, "q2", "Dr. Cy Reviser");
    await insertCritiqueSpans(pool(), { revisionId: first }, [spanOn("q2", 0, "500 mg", "wrong-dose", "major")], 0);
    expect((await promptCritiques(ranked!.promptId, { showRaterNames: true })).size).toBe(1);
    const revised = await reviseRanking({
      userId: user.id,
      rankingId: ranked!.rankingId,
      submission: { ...(await tiersOf(first)), details: {}, rationale: "Revised.", timeOnTaskMs: 1000 },
      idempotencyKey: "critique-views-revise",
    });
    expect(revised.status).toBe(200);
    // The new revision has no spans yet: the first revision's are history, not shown.
    expect((await promptCritiques(ranked!.promptId, { showRaterNames: true })).size).toBe(0);
    await insertCritiqueSpans(
      pool(),
      { revisionId: await latestRevision(project.id, "q2", "Dr. Cy Reviser") },
      [spanOn("q2", 0, "twice daily", "incomplete", "minor")],
      0,
    );
    const shown = [...(await promptCritiques(ranked!.promptId, { showRaterNames: true })).values()].flat();
    expect(shown.map((c) => [c.text, c.rater])).toEqual([["twice daily", expect.stringMatching(/^Dr\. Cy Reviser \(/)]]);
  });

  it("shows a pair vote's spans at its current revision, as the clinician's", async () => {
    const seeded = await seedVerificationSet({ prompts: 2 });
    const [clinician] = await pairClinicians(1);
    const pair = seeded.pairs[0]!;
    const chosen = await queryOne<{ id: string; text: string }>(
      pool(),
      sql`SELECT c.id, c.text FROM verification_pairs v JOIN completions c ON c.id = v.chosen_completion_id WHERE v.id = ${pair.id}`,
    );
    const { voteId } = await withTransaction((tx) =>
      recordVote(tx, { pairId: pair.id, userId: clinician!.id, vote: "CHOSEN", chosenShownFirst: true, imported: false }),
    );
    await insertCritiqueSpans(pool(), { voteId, voteRevision: 1 }, [quoteSpan(chosen!.id, chosen!.text, "Answer 0", "other", "minor")], 0);
    const critiques = await promptCritiques(pair.promptId, { showRaterNames: false });
    const pseudonym = (await queryOne<{ pseudonym: string }>(pool(), sql`SELECT pseudonym FROM users WHERE id = ${clinician!.id}`))!
      .pseudonym;
    expect(critiques.get(chosen!.id)!.map((c) => [c.text, c.rater, c.via, c.raterKind])).toEqual([
      ["Answer 0", pseudonym, "pair vote", "clinician"],
    ]);
    // The dashboard's statistics count it as the clinician's, marked in a pair answer; a filter on another annotator leaves it out.
    const dashboard = await spanDashboard(seeded.project.id, {}, { showRaterNames: false });
    expect([dashboard.statistics.total, dashboard.pairAnswerSpans]).toEqual([1, 1]);
    expect(dashboard.statistics.byTagAndRater).toEqual([{ tag: "other", rater: pseudonym, count: 1 }]);
    const someoneElse = await spanDashboard(seeded.project.id, { annotatorIds: [randomUUID()] }, { showRaterNames: false });
    expect([someoneElse.statistics.total, someoneElse.pairAnswerSpans]).toEqual([0, 0]);
    await withTransaction((tx) => reviseVote(tx, { voteId, pairId: pair.id, vote: "TIE" }));
    expect((await promptCritiques(pair.promptId, { showRaterNames: false })).size).toBe(0);
    expect((await spanDashboard(seeded.project.id, {}, { showRaterNames: false })).statistics.total).toBe(0);
  });
});

/** A revision's tiers, best first, as a submission's. */
async function tiersOf(revisionId: string): Promise<{ tiers: string[][] }> {
  const rows = await queryRows<{ completionId: string; rank: number }>(
    pool(),
    sql`SELECT completion_id, rank FROM ranking_entries WHERE revision_id = ${revisionId} ORDER BY rank, completion_id`,
  );
  return { tiers: [...new Set(rows.map((r) => r.rank))].map((rank) => rows.filter((r) => r.rank === rank).map((r) => r.completionId)) };
}
