import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { setReferenceRanking } from "@/lib/annotation/admin-annotation";
import { expireLeases } from "@/lib/annotation/housekeeping";
import { pool } from "@/lib/db/pool";
import { claimNextPair } from "@/lib/verification/claim-next-pair";
import { createVerificationSet } from "@/lib/verification/create-verification-set";
import { importVotes } from "@/lib/verification/import-votes";
import { savePairDraft, skipPair } from "@/lib/verification/manage-pair-assignment";
import { answerToVote, type PairAnswer } from "@/lib/verification/pair-answer";
import { pairOutcome, type Vote } from "@/lib/verification/pair-outcome";
import { revisePairVote, submitPairVote } from "@/lib/verification/submit-pair-vote";
import { pairRevisionPayload, ownPairAssignmentPayload } from "@/lib/verification/task-queries";
import { runCli } from "../support/cli";
import { assignmentTruth, pairClinicians } from "../support/pair-set";
import { seedVerificationSet, VERIFICATION_MODELS } from "../support/verification";
import { useFreshDatabase } from "../support/test-database";

let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
});

const answerFor = (vote: Vote, chosenShownFirst: boolean): PairAnswer =>
  vote === "TIE" ? "TIE" : vote === "BOTH_BAD" ? "BOTH_BAD" : (vote === "CHOSEN") === chosenShownFirst ? "A" : "B";

const answer = (a: PairAnswer) => ({
  answer: a,
  confidence: 4,
  rationale: "checked the dose",
  flags: { A: [], B: [] },
  timeOnTaskMs: 2000,
});

/** A verification set from a judge run (the lead's fixture): one pair per prompt, best against worst. */
function pairSet(options: { pairs: number; raters: number; agree: number }) {
  return seedVerificationSet({ prompts: options.pairs, set: { raters: options.raters, agree: options.agree } });
}

async function outcomes(setId: string) {
  const { rows } = await pool().query<{ position: number; outcome: string; voteCount: number; votes: number }>(
    `SELECT v.position, v.outcome, v.vote_count AS "voteCount", (SELECT count(*)::int FROM verification_votes o WHERE o.pair_id = v.id) AS votes
       FROM verification_pairs v WHERE v.set_id = $1 ORDER BY v.position`,
    [setId],
  );
  return rows;
}

/**
 * Clinicians work through a set until nothing is left for them, each voting as `plan` says for the
 * pair they got (by position) while the plan still needs votes there, skipping it otherwise.
 */
async function voteThroughTheTask(setId: string, slug: string, plan: Vote[][], clinicianCount: number) {
  const team = await pairClinicians(clinicianCount);
  const given = plan.map(() => 0);
  for (const user of team) {
    for (;;) {
      const next = await claimNextPair(user, { projectSlug: slug, setId });
      if (!next) break;
      const truth = await assignmentTruth(next.assignment.id);
      const planned = plan[truth.position]![given[truth.position]!];
      if (planned === undefined) {
        await skipPair({ userId: user.id, assignmentId: next.assignment.id, reason: "not in this test's plan" });
        continue;
      }
      given[truth.position]! += 1;
      const result = await submitPairVote({
        userId: user.id,
        assignmentId: next.assignment.id,
        answer: answer(answerFor(planned, truth.chosenShownFirst)),
        idempotencyKey: randomUUID(),
      });
      expect(result.status).toBe(201);
    }
  }
  return team;
}

/** Planted disagreements: per pair (by position), the votes relative to the judge's verdict. */
// With k = 2, m = 2 a single tie already disputes the pair: it is not served for a second vote.
const K2_M2: Vote[][] = [["CHOSEN", "CHOSEN"], ["REJECTED", "REJECTED"], ["CHOSEN", "REJECTED"], ["CHOSEN"], ["TIE"]];
const K2_M2_OUTCOMES = ["VERIFIED", "OVERTURNED", "DISPUTED", "PENDING", "DISPUTED"];
const K3_M2: Vote[][] = [
  ["CHOSEN", "CHOSEN"],
  ["CHOSEN", "REJECTED", "REJECTED"],
  ["CHOSEN", "REJECTED", "TIE"],
  ["REJECTED", "BOTH_BAD"],
  ["TIE", "BOTH_BAD"],
];
const K3_M2_OUTCOMES = ["VERIFIED", "OVERTURNED", "DISPUTED", "PENDING", "DISPUTED"];

describe("the pair verification queue", () => {
  it("lets 20 concurrent clinicians verify 30 pairs with k = 3: at most k votes per pair, never two by one clinician, outcomes as the rule says", async () => {
    const { project, setId } = await pairSet({ pairs: 30, raters: 3, agree: 2 });
    const team = await pairClinicians(20);
    let submitted = 0;
    await Promise.all(
      team.map(async (user, i) => {
        for (;;) {
          const next = await claimNextPair(user, { projectSlug: project.slug, setId });
          if (!next) return;
          // Clinicians disagree in a fixed pattern: even ones pick A, odd ones B (A/B is shuffled per assignment).
          const result = await submitPairVote({
            userId: user.id,
            assignmentId: next.assignment.id,
            answer: answer(i % 2 === 0 ? "A" : "B"),
            idempotencyKey: randomUUID(),
          });
          expect(result.status).toBe(201);
          submitted += 1;
        }
      }),
    );
    const { rows } = await pool().query<{ voteCount: number; votes: number; raters: number; outcome: string; cast: Vote[] }>(
      `SELECT v.vote_count AS "voteCount", count(o.id)::int AS votes, count(DISTINCT o.user_id)::int AS raters, v.outcome,
              array_agg(o.vote::text ORDER BY o.created_at) FILTER (WHERE o.id IS NOT NULL) AS cast
         FROM verification_pairs v LEFT JOIN verification_votes o ON o.pair_id = v.id WHERE v.set_id = $1 GROUP BY v.id`,
      [setId],
    );
    expect(rows).toHaveLength(30);
    expect(rows.filter((r) => r.votes > 3 || r.votes < 2)).toEqual([]);
    expect(rows.filter((r) => r.raters !== r.votes || r.voteCount !== r.votes)).toEqual([]);
    expect(rows.filter((r) => r.outcome === "PENDING")).toEqual([]);
    expect(rows.filter((r) => r.outcome !== pairOutcome(r.cast, { raters: 3, agree: 2 }))).toEqual([]);
    expect(submitted).toBe(rows.reduce((n, r) => n + r.votes, 0));
    const { rows: live } = await pool().query(
      `SELECT id FROM verification_assignments WHERE status = 'ACTIVE' AND pair_id IN (SELECT id FROM verification_pairs WHERE set_id = $1)`,
      [setId],
    );
    expect(live).toEqual([]);
  });

  it("hands an expired lease back to the pool, in the claim and in housekeeping, and refuses the late answer", async () => {
    const { project, setId } = await pairSet({ pairs: 2, raters: 1, agree: 1 });
    const [ann, bob, cat] = await pairClinicians(3);
    const first = (await claimNextPair(ann!, { projectSlug: project.slug, setId }))!;
    const second = (await claimNextPair(bob!, { projectSlug: project.slug, setId }))!;
    expect(await claimNextPair(cat!, { projectSlug: project.slug, setId })).toBeNull();
    await pool().query(`UPDATE verification_assignments SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [
      first.assignment.id,
    ]);
    const taken = (await claimNextPair(cat!, { projectSlug: project.slug, setId }))!;
    expect((await assignmentTruth(taken.assignment.id)).pairId).toBe((await assignmentTruth(first.assignment.id)).pairId);
    const late = await submitPairVote({
      userId: ann!.id,
      assignmentId: first.assignment.id,
      answer: answer("A"),
      idempotencyKey: randomUUID(),
    });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: "CONFLICT" });
    await pool().query(`UPDATE verification_assignments SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [
      second.assignment.id,
    ]);
    expect(await expireLeases()).toBeGreaterThanOrEqual(1);
    const { rows } = await pool().query<{ status: string }>(`SELECT status FROM verification_assignments WHERE id = $1`, [
      second.assignment.id,
    ]);
    expect(rows[0]!.status).toBe("EXPIRED");
  });

  it("resumes the clinician's own live assignment with its draft, and never serves a skipped pair to them again", async () => {
    const { project, setId } = await pairSet({ pairs: 2, raters: 2, agree: 2 });
    const [ann] = await pairClinicians(1);
    const first = (await claimNextPair(ann!, { projectSlug: project.slug, setId }))!;
    await savePairDraft({ userId: ann!.id, assignmentId: first.assignment.id, draft: { answer: "B", confidence: 2 } });
    const again = (await claimNextPair(ann!, { projectSlug: project.slug, setId }))!;
    expect(again.assignment.id).toBe(first.assignment.id);
    expect(again.draft).toEqual({ answer: "B", confidence: 2 });
    await skipPair({ userId: ann!.id, assignmentId: first.assignment.id, reason: "outside my specialty" });
    const other = (await claimNextPair(ann!, { projectSlug: project.slug, setId }))!;
    expect((await assignmentTruth(other.assignment.id)).pairId).not.toBe((await assignmentTruth(first.assignment.id)).pairId);
    await submitPairVote({ userId: ann!.id, assignmentId: other.assignment.id, answer: answer("A"), idempotencyKey: randomUUID() });
    expect(await claimNextPair(ann!, { projectSlug: project.slug, setId })).toBeNull();
  });

  it("serves from any set of the project when no set is named, and only from the named set when one is", async () => {
    const { project, runId, setId } = await pairSet({ pairs: 1, raters: 1, agree: 1 });
    const second = await createVerificationSet(project.slug, { name: "Second set", source: `judge:${runId}`, pairs: 1, raters: 1 }, null);
    const [ann] = await pairClinicians(1);
    const fromSecond = (await claimNextPair(ann!, { projectSlug: project.slug, setId: second.id }))!;
    expect(fromSecond.set.id).toBe(second.id);
    await submitPairVote({ userId: ann!.id, assignmentId: fromSecond.assignment.id, answer: answer("A"), idempotencyKey: randomUUID() });
    expect(await claimNextPair(ann!, { projectSlug: project.slug, setId: second.id })).toBeNull();
    const fromAny = (await claimNextPair(ann!, { projectSlug: project.slug }))!;
    expect(fromAny.set.id).toBe(setId);
    await expect(claimNextPair(ann!, { projectSlug: project.slug, setId: randomUUID() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("serves only pairs whose prompt shares a tag with the clinician when the project matches specialties", async () => {
    const { project, setId, pairs } = await pairSet({ pairs: 2, raters: 2, agree: 2 });
    await pool().query(`UPDATE projects SET specialty_matching = true WHERE id = $1`, [project.id]);
    await pool().query(`UPDATE prompts SET tags = ARRAY['cardiology'] WHERE id = $1`, [pairs[0]!.promptId]);
    await pool().query(`UPDATE prompts SET tags = ARRAY['oncology'] WHERE id = $1`, [pairs[1]!.promptId]);
    const [cardiologist] = await pairClinicians(1, ["cardiology"]);
    const next = (await claimNextPair(cardiologist!, { projectSlug: project.slug, setId }))!;
    expect((await assignmentTruth(next.assignment.id)).position).toBe(0);
    await submitPairVote({ userId: cardiologist!.id, assignmentId: next.assignment.id, answer: answer("A"), idempotencyKey: randomUUID() });
    expect(await claimNextPair(cardiologist!, { projectSlug: project.slug, setId })).toBeNull();
  });

  it("prefers gold pairs at the project's gold rate and compares the vote with the gold ranking in the audit entry", async () => {
    const { project, setId, pairs } = await pairSet({ pairs: 3, raters: 2, agree: 2 });
    await pool().query(`UPDATE projects SET gold_rate = 1 WHERE id = $1`, [project.id]);
    const [admin] = await pairClinicians(1);
    const { rows: candidates } = await pool().query<{ id: string; model: string }>(
      `SELECT id, model FROM completions WHERE prompt_id = $1 ORDER BY position`,
      [pairs[2]!.promptId],
    );
    const byModel = (m: string) => candidates.find((c) => c.model === m)!.id;
    const { chosenModel, rejectedModel } = pairs[2]!;
    const others = candidates.filter((c) => c.model !== chosenModel && c.model !== rejectedModel).map((c) => [c.id]);
    // The gold ranking puts the judge's rejected completion first: it overturns the judge's verdict.
    await setReferenceRanking({
      promptId: pairs[2]!.promptId,
      kind: "GOLD",
      submission: {
        tiers: [[byModel(rejectedModel)], [byModel(chosenModel)], ...others],
        details: {},
        rationale: null,
        timeOnTaskMs: 0,
      },
      actorId: admin!.id,
    });
    const [ann] = await pairClinicians(1);
    const next = (await claimNextPair(ann!, { projectSlug: project.slug, setId }))!;
    const truth = await assignmentTruth(next.assignment.id);
    expect(truth.position).toBe(2);
    const result = await submitPairVote({
      userId: ann!.id,
      assignmentId: next.assignment.id,
      answer: answer(answerFor("REJECTED", truth.chosenShownFirst)),
      idempotencyKey: randomUUID(),
    });
    const { rows } = await pool().query<{ after: { gold: unknown; vote: string } }>(
      `SELECT after FROM audit_log WHERE action = 'verification.vote.submit' AND entity_id = $1`,
      [(result.body as { voteId: string }).voteId],
    );
    expect(rows[0]!.after.vote).toBe("REJECTED");
    expect(rows[0]!.after.gold).toEqual({ expected: "REJECTED", agrees: true });
  });
});

describe("blinding", () => {
  it("never puts a model name, a completion id or the judge's verdict in what a clinician receives", async () => {
    const { project, setId, runId } = await pairSet({ pairs: 1, raters: 2, agree: 2 });
    const [ann] = await pairClinicians(1);
    const claimed = (await claimNextPair(ann!, { projectSlug: project.slug, setId }))!;
    const reloaded = await ownPairAssignmentPayload(claimed.assignment.id, ann!.id);
    const submitted = await submitPairVote({
      userId: ann!.id,
      assignmentId: claimed.assignment.id,
      answer: answer("A"),
      idempotencyKey: randomUUID(),
    });
    const revision = await pairRevisionPayload((submitted.body as { voteId: string }).voteId, ann!.id);
    const { rows: completions } = await pool().query<{ id: string }>(
      `SELECT id FROM completions WHERE prompt_id IN (SELECT prompt_id FROM verification_pairs WHERE set_id = $1)`,
      [setId],
    );
    for (const response of [claimed, reloaded, submitted.body, revision]) {
      const text = JSON.stringify(response);
      for (const secret of [...VERIFICATION_MODELS, "gpt-4o", runId, ...completions.map((c) => c.id)]) expect(text).not.toContain(secret);
      for (const key of ["judge", "chosen", "rejected", "outcome", "categories", "uncertainty", "vote"])
        expect(text.toLowerCase()).not.toContain(`"${key}"`);
    }
    expect(claimed.completions.map((c) => c.label)).toEqual(["A", "B"]);
    expect(claimed.completions.map((c) => c.text).sort()).toEqual([
      "Answer 0 to question 0.",
      `Answer 3 to question 0.${" More detail.".repeat(3)}`,
    ]);
  });
});

describe("votes and outcomes", () => {
  it("gives the hand-computed outcomes for k = 2, m = 2 through the task", async () => {
    const { project, setId } = await pairSet({ pairs: 5, raters: 2, agree: 2 });
    await voteThroughTheTask(setId, project.slug, K2_M2, 3);
    expect((await outcomes(setId)).map((r) => [r.outcome, r.votes, r.voteCount])).toEqual(
      K2_M2_OUTCOMES.map((o, i) => [o, K2_M2[i]!.length, K2_M2[i]!.length]),
    );
  });

  it("gives the hand-computed outcomes for k = 3, m = 2 through the task", async () => {
    const { project, setId } = await pairSet({ pairs: 5, raters: 3, agree: 2 });
    await voteThroughTheTask(setId, project.slug, K3_M2, 4);
    expect((await outcomes(setId)).map((r) => r.outcome)).toEqual(K3_M2_OUTCOMES);
  });

  it("gives the same outcomes when the votes are imported (k = 3, m = 2), creating outside raters once", async () => {
    const { setId, pairs } = await pairSet({ pairs: 5, raters: 3, agree: 2 });
    const [ann] = await pairClinicians(1);
    const better = (v: Vote, p: (typeof pairs)[number]) =>
      v === "CHOSEN" ? p.chosenModel : v === "REJECTED" ? p.rejectedModel : v === "TIE" ? "tie" : "both_bad";
    const raters = [ann!.email, "Dr Outside One", "Dr Outside Two"];
    const lines = K3_M2.flatMap((votes, position) =>
      votes.map((v, r) => ({ pair: pairs[position]!.id, rater: raters[r], better: better(v, pairs[position]!) })),
    );
    const summary = await importVotes({ setId, text: lines.map((l) => JSON.stringify(l)).join("\n"), actorId: null });
    expect(summary).toMatchObject({ ok: true, imported: 12, pairs: 5, outcomes: { VERIFIED: 1, OVERTURNED: 1, DISPUTED: 2, PENDING: 1 } });
    expect((await outcomes(setId)).map((r) => r.outcome)).toEqual(K3_M2_OUTCOMES);
    const { rows } = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users WHERE is_external AND name LIKE 'Dr Outside%'`,
    );
    expect(rows[0]!.n).toBe(2);
  });

  it("recomputes the outcome when a clinician revises within the edit window, audits both, and refuses after it", async () => {
    const { project, setId } = await pairSet({ pairs: 1, raters: 2, agree: 2 });
    const [ann, bob] = await pairClinicians(2);
    const votes: string[] = [];
    for (const user of [ann!, bob!]) {
      const next = (await claimNextPair(user, { projectSlug: project.slug, setId }))!;
      const truth = await assignmentTruth(next.assignment.id);
      const key = randomUUID();
      const body = answer(answerFor("CHOSEN", truth.chosenShownFirst));
      const first = await submitPairVote({ userId: user.id, assignmentId: next.assignment.id, answer: body, idempotencyKey: key });
      // A retry with the same key stores nothing new and answers the same.
      const retry = await submitPairVote({ userId: user.id, assignmentId: next.assignment.id, answer: body, idempotencyKey: key });
      expect(retry).toEqual(first);
      votes.push((first.body as { voteId: string }).voteId);
    }
    expect((await outcomes(setId))[0]).toMatchObject({ outcome: "VERIFIED", votes: 2 });
    const shown = await pairRevisionPayload(votes[1]!, bob!.id);
    const { rows: csf } = await pool().query<{ c: boolean }>(`SELECT chosen_shown_first AS c FROM verification_votes WHERE id = $1`, [
      votes[1],
    ]);
    expect(answerToVote(shown.draft!.answer!, csf[0]!.c)).toBe("CHOSEN");
    const revised = await revisePairVote({
      userId: bob!.id,
      voteId: votes[1]!,
      answer: answer(answerFor("REJECTED", csf[0]!.c)),
      idempotencyKey: randomUUID(),
    });
    expect(revised).toEqual({ status: 200, body: { voteId: votes[1], revision: 2 } });
    expect((await outcomes(setId))[0]).toMatchObject({ outcome: "DISPUTED", votes: 2 });
    const { rows: audit } = await pool().query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_id = ANY($1::text[]) ORDER BY created_at, action`,
      [votes],
    );
    expect(audit.map((a) => a.action).sort()).toEqual(["verification.vote.revise", "verification.vote.submit", "verification.vote.submit"]);
    await pool().query(`UPDATE verification_votes SET created_at = now() - interval '2 days' WHERE id = $1`, [votes[0]]);
    const closed = await revisePairVote({ userId: ann!.id, voteId: votes[0]!, answer: answer("TIE"), idempotencyKey: randomUUID() });
    expect(closed.status).toBe(409);
    await expect(
      revisePairVote({ userId: ann!.id, voteId: votes[1]!, answer: answer("TIE"), idempotencyKey: randomUUID() }),
    ).resolves.toMatchObject({ status: 404 });
  });
});

describe("verification import-votes", () => {
  it("names every bad line and stores nothing", async () => {
    const { setId, pairs } = await pairSet({ pairs: 2, raters: 2, agree: 2 });
    const other = await pairSet({ pairs: 1, raters: 2, agree: 2 });
    const [ann] = await pairClinicians(1);
    const unknown = randomUUID();
    const file = [
      JSON.stringify({ pair: pairs[0]!.id, rater: ann!.email, better: pairs[0]!.chosenModel }),
      JSON.stringify({ pair: unknown, rater: ann!.email, better: pairs[0]!.chosenModel }),
      JSON.stringify({ pair: other.pairs[0]!.id, rater: ann!.email, better: pairs[0]!.chosenModel }),
      JSON.stringify({ pair: pairs[1]!.id, rater: "Dr Outside", better: "Claude-X" }),
      JSON.stringify({ pair: pairs[1]!.id, rater: "Dr Outside", better: "mixtral" }),
      JSON.stringify({ pair: pairs[0]!.id, rater: ann!.email, better: "tie" }),
      '{"pair": "oops"',
    ].join("\n");
    const summary = await importVotes({ setId, text: file, actorId: null });
    expect(summary.ok).toBe(false);
    expect(summary.problems).toEqual([
      { location: "line 2", field: "pair", reason: `no pair ${unknown}` },
      { location: "line 3", field: "pair", reason: `pair ${other.pairs[0]!.id} belongs to another verification set` },
      { location: "line 4", field: "better", reason: `unknown model "Claude-X" (give one of the pair's two models, "tie" or "both_bad")` },
      {
        location: "line 5",
        field: "better",
        reason: `"mixtral" is a candidate of this prompt but not one of the pair's two completions`,
      },
      { location: "line 6", field: "rater", reason: `"${ann!.email}" already votes on this pair on line 1` },
      { location: "line 7", field: "line", reason: "not valid JSON" },
    ]);
    expect(summary.message).toBe("Nothing imported: 6 problems in 6 lines.");
    const { rows } = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM verification_votes WHERE pair_id = ANY($1::uuid[])`,
      [pairs.map((p) => p.id)],
    );
    expect(rows[0]!.n).toBe(0);
    const { rows: users } = await pool().query(`SELECT id FROM users WHERE name = 'Dr Outside'`);
    expect(users).toEqual([]);
  });

  it("exits 1 naming the lines on a bad file and 0 with the outcomes on a good one", async () => {
    const { setId, pairs } = await pairSet({ pairs: 1, raters: 2, agree: 2 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "votes-"));
    const bad = path.join(dir, "bad.jsonl");
    fs.writeFileSync(bad, `${JSON.stringify({ pair: pairs[0]!.id, rater: "Dr A", better: "nobody" })}\n`);
    const refused = await runCli(databaseUrl, ["verification", "import-votes", "--set", setId, "--file", bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`line 1: better: unknown model "nobody"`);
    const good = path.join(dir, "good.jsonl");
    fs.writeFileSync(
      good,
      [
        { rater: "Dr A", better: pairs[0]!.rejectedModel },
        { rater: "Dr B", better: pairs[0]!.rejectedModel },
      ]
        .map((l) => JSON.stringify({ pair: pairs[0]!.id, ...l }))
        .join("\n"),
    );
    const done = await runCli(databaseUrl, ["verification", "import-votes", "--set", setId, "--file", good, "--json"]);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout.trim().split("\n").at(-1)!)).toEqual({
      imported: 2,
      pairs: 1,
      outcomes: { pending: 0, verified: 0, overturned: 1, disputed: 0 },
    });
    const usage = await runCli(databaseUrl, ["verification", "import-votes", "--set", "nope", "--file", good]);
    expect(usage.code).toBe(2);
  });
});
