import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { reviseRanking, revisionPayload } from "@/lib/annotation/revise-ranking";
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { sliceCodePoints } from "@/lib/critiques/code-points";
import { saveTaxonomy } from "@/lib/critiques/project-taxonomy";
import { spansOfRevisions } from "@/lib/critiques/store-spans";
import { DEFAULT_TAXONOMY } from "@/lib/critiques/taxonomy";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import type { Submission, SubmittedSpan } from "@/lib/ranking/submission-schema";
import { createUser } from "@/lib/users/manage-users";
import { claimNextPair } from "@/lib/verification/claim-next-pair";
import { submitPairVote } from "@/lib/verification/submit-pair-vote";
import { pairRevisionPayload } from "@/lib/verification/task-queries";
import { seedVerificationSet } from "../support/verification";
import { pairClinicians } from "../support/pair-set";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

/** Candidates in Markdown and outside Latin script, so code-point offsets differ from UTF-16 ones. */
const TEXTS = [
  "Give **aspirin 3 g** every hour.\n\n- Then 💊 warfarin 50 mg\n- Check INR",
  "阿司匹林 100 mg 每日一次。 Avoid in *peptic ulcer*.",
  "Start metoprolol; see [NICE 2009](https://example.org).",
];

async function rankingAssignment() {
  const project = await makeProject();
  await importText(
    project.id,
    jsonl([{ id: "p1", prompt: "Post-MI secondary prevention?", completions: TEXTS.map((text, j) => ({ model: `m${j}`, text })) }]),
  );
  const { user } = await createUser({ email: `c-${randomUUID()}@hospital.example`, role: "clinician" }, null);
  const payload = (await claimNextAssignment({ id: user.id, specialties: [] }, project.slug))!;
  return { project, user, payload };
}

/** A span on the candidate whose text is TEXTS[j], over the first occurrence of `quote` (offsets in code points). */
function spanOver(
  payload: { candidates: { id: string; text: string }[] },
  j: number,
  quote: string,
  extra: Partial<SubmittedSpan> = {},
): SubmittedSpan {
  const candidate = payload.candidates.find((c) => c.text === TEXTS[j])!;
  const start = Array.from(candidate.text.slice(0, candidate.text.indexOf(quote))).length;
  return {
    completionId: candidate.id,
    start,
    end: start + Array.from(quote).length,
    text: quote,
    tag: "wrong-dose",
    severity: "critical",
    comment: "",
    correction: "",
    ...extra,
  };
}

const ranked = (payload: { candidates: { id: string }[] }, spans: SubmittedSpan[]): Submission => ({
  tiers: payload.candidates.map((c) => [c.id]),
  details: {},
  rationale: null,
  spans,
  timeOnTaskMs: 1000,
});

const storedSpans = async (revisionId: string) => (await spansOfRevisions(pool(), [revisionId])).get(revisionId) ?? [];
const revisionsOf = (rankingId: string) =>
  queryRows<{ id: string; revision: number }>(
    pool(),
    sql`SELECT id, revision FROM ranking_revisions WHERE ranking_id = ${rankingId} ORDER BY revision`,
  );

describe("span critiques stored with ranking revisions", () => {
  it("stores the marked spans with the revision, at code-point offsets that slice exactly the quoted text", async () => {
    const { user, payload } = await rankingAssignment();
    const spans = [
      spanOver(payload, 0, "aspirin 3 g", { comment: "10× the dose", correction: "aspirin 75 mg once daily" }),
      spanOver(payload, 0, "💊 warfarin 50 mg", { tag: "contraindication", severity: "major" }),
      spanOver(payload, 1, "阿司匹林 100 mg", { tag: "incomplete", severity: "minor" }),
    ];
    const res = await submitRanking({
      userId: user.id,
      assignmentId: payload.assignment.id,
      submission: ranked(payload, spans),
      idempotencyKey: randomUUID(),
    });
    const { rankingId } = res.body as { rankingId: string };
    const [revision] = await revisionsOf(rankingId);
    const stored = await storedSpans(revision!.id);
    expect(stored.map(({ id: _id, ...s }) => s)).toEqual(
      [spans[2]!, spans[0]!, spans[1]!]
        .map((s) => ({ ...s, taxonomyVersion: 0 }))
        .sort((a, b) => (a.completionId === b.completionId ? a.start - b.start : 0)),
    );
    // "💊 warfarin 50 mg" starts 41 characters in and is 16 code points long; "💊" is two UTF-16 units, so a UTF-16 end would be 58.
    expect(spans[1]).toMatchObject({ start: 41, end: 57 });
    for (const s of stored)
      expect(sliceCodePoints(payload.candidates.find((c) => c.id === s.completionId)!.text, s.start, s.end)).toBe(s.text);
  });

  it("refuses a quote that does not match its offsets, naming the response and the span, and stores nothing", async () => {
    const { user, payload } = await rankingAssignment();
    const wrong = { ...spanOver(payload, 2, "NICE 2009"), text: "NICE 2019" };
    const label = payload.candidates.findIndex((c) => c.text === TEXTS[2]) + 1;
    expect(
      await submitRanking({
        userId: user.id,
        assignmentId: payload.assignment.id,
        submission: ranked(payload, [wrong]),
        idempotencyKey: randomUUID(),
      }),
    ).toMatchObject({
      status: 422,
      body: {
        code: "INVALID_INPUT",
        field: "spans[0].text",
        error: `Response ${label}, span 1: the quoted text "NICE 2019" does not match the text at ${wrong.start}–${wrong.end} ("NICE 2009"); select the text again`,
      },
    });
    const rankings = await queryRows(pool(), sql`SELECT 1 FROM rankings WHERE assignment_id = ${payload.assignment.id}`);
    expect(rankings).toEqual([]);
    const spans = await queryRows(
      pool(),
      sql`SELECT 1 FROM critique_spans s JOIN completions c ON c.id = s.completion_id WHERE c.id = ANY(${payload.candidates.map((c) => c.id)}::uuid[])`,
    );
    expect(spans).toEqual([]);
  });

  it("refuses a tag outside the project's taxonomy, and marks spans under the project's edited taxonomy version", async () => {
    const { project, user, payload } = await rankingAssignment();
    const edited = {
      tags: [
        ...DEFAULT_TAXONOMY.tags.filter((t) => t.key !== "outdated-guideline"),
        { key: "off-label", label: "Off-label use", colour: "teal" as const, marker: "O" },
      ],
    };
    expect(await saveTaxonomy(project.id, edited, null)).toMatchObject({ version: 1 });
    expect(
      await submitRanking({
        userId: user.id,
        assignmentId: payload.assignment.id,
        submission: ranked(payload, [spanOver(payload, 2, "NICE 2009", { tag: "outdated-guideline" })]),
        idempotencyKey: randomUUID(),
      }),
    ).toMatchObject({ status: 422, body: { code: "INVALID_INPUT", field: "spans[0].tag" } });
    const res = await submitRanking({
      userId: user.id,
      assignmentId: payload.assignment.id,
      submission: ranked(payload, [spanOver(payload, 2, "metoprolol", { tag: "off-label" })]),
      idempotencyKey: randomUUID(),
    });
    const [revision] = await revisionsOf((res.body as { rankingId: string }).rankingId);
    expect((await storedSpans(revision!.id)).map((s) => [s.tag, s.taxonomyVersion])).toEqual([["off-label", 1]]);
  });

  it("a revision carries its own spans; the earlier revision keeps its spans as history, and the revision screen starts from the latest", async () => {
    const { user, payload } = await rankingAssignment();
    const first = [spanOver(payload, 0, "aspirin 3 g"), spanOver(payload, 1, "peptic ulcer", { tag: "incomplete", severity: "minor" })];
    const res = await submitRanking({
      userId: user.id,
      assignmentId: payload.assignment.id,
      submission: ranked(payload, first),
      idempotencyKey: randomUUID(),
    });
    const { rankingId } = res.body as { rankingId: string };
    const prefill = await revisionPayload(rankingId, user.id);
    expect(prefill.draft!.spans).toEqual(first);
    // The clinician removes the second span and makes the first major with a correction.
    const second = [{ ...first[0]!, severity: "major" as const, correction: "aspirin 75 mg" }];
    await reviseRanking({ userId: user.id, rankingId, submission: ranked(payload, second), idempotencyKey: randomUUID() });
    const [r1, r2] = await revisionsOf(rankingId);
    expect((await storedSpans(r1!.id)).map((s) => [s.text, s.severity, s.correction])).toEqual([
      ["aspirin 3 g", "critical", ""],
      ["peptic ulcer", "minor", ""],
    ]);
    expect((await storedSpans(r2!.id)).map((s) => [s.text, s.severity, s.correction])).toEqual([["aspirin 3 g", "major", "aspirin 75 mg"]]);
    expect((await revisionPayload(rankingId, user.id)).draft!.spans).toEqual(second);
  });
});

describe("span critiques stored with pair votes", () => {
  it("stores spans marked on A and B on the completions shown there, at the vote's revision, and the revision screen gives them back by side", async () => {
    const seeded = await seedVerificationSet({
      prompts: 1,
      text: (i, model) => `Give ${model} 3 g of aspirin. Then rest for question ${i}.`,
    });
    const [user] = await pairClinicians(1);
    const next = (await claimNextPair(user!, { projectSlug: seeded.project.slug, setId: seeded.setId }))!;
    const shown = { A: next.completions[0]!.text, B: next.completions[1]!.text };
    const quote = (side: "A" | "B", text: string) => {
      const start = Array.from(shown[side].slice(0, shown[side].indexOf(text))).length;
      return {
        side,
        start,
        end: start + Array.from(text).length,
        text,
        tag: "wrong-dose",
        severity: "critical" as const,
        comment: "",
        correction: "",
      };
    };
    const spans = [quote("A", "3 g of aspirin"), quote("B", "rest")];
    const res = await submitPairVote({
      userId: user!.id,
      assignmentId: next.assignment.id,
      answer: { answer: "B", confidence: 3, rationale: "", flags: { A: [], B: [] }, spans, timeOnTaskMs: 1000 },
      idempotencyKey: randomUUID(),
    });
    const { voteId } = res.body as { voteId: string };
    const stored = await queryRows<{ text: string; quote: string; start: number; end: number; voteRevision: number }>(
      pool(),
      sql`SELECT c.text, s.quote, s.start_offset AS start, s.end_offset AS "end", s.vote_revision FROM critique_spans s JOIN completions c ON c.id = s.completion_id
           WHERE s.vote_id = ${voteId} ORDER BY s.quote`,
    );
    expect(stored.map((s) => [s.quote, s.text, s.voteRevision])).toEqual([
      ["3 g of aspirin", shown.A, 1],
      ["rest", shown.B, 1],
    ]);
    for (const s of stored) expect(sliceCodePoints(s.text, s.start, s.end)).toBe(s.quote);
    const revision = await pairRevisionPayload(voteId, user!.id);
    expect(revision.draft!.spans).toEqual(spans);
  });
});
