import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { claimNextAssignment, type ClaimUser } from "@/lib/annotation/claim-next-assignment";
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { saveDraft, skipAssignment } from "@/lib/annotation/manage-assignment";
import { assignBatch, setReferenceRanking } from "@/lib/annotation/admin-annotation";
import { assignmentPayload } from "@/lib/annotation/assignment-payload";
import { reviseRanking } from "@/lib/annotation/revise-ranking";
import { annotationProgress } from "@/lib/annotation/annotation-progress";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import type { Submission } from "@/lib/ranking/submission-schema";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { waitFor } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";
import { SERVER_SCRIPT, tsxArgs } from "@/lib/process/node-commands";

let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
});

/** Submits of this database stopped on a row lock (their transaction holds the Idempotency-Key). */
async function submitsWaitingOnLock(): Promise<number> {
  const { rows } = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF a%'`,
  );
  return rows[0]!.n;
}

/** Claims of this database stopped on a prompt's row lock. */
async function claimsWaitingOnLock(): Promise<number> {
  const { rows } = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF p%'`,
  );
  return rows[0]!.n;
}

async function clinicians(n: number, specialties: string[] = []): Promise<ClaimUser[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const { user } = await createUser({ email: `c-${randomUUID()}@hospital.example`, role: "clinician", specialties }, null);
      return { id: user.id, specialties: user.specialties };
    }),
  );
}

async function projectWithPrompts(prompts: number, options: { overlapK?: number; candidates?: number; allowTies?: boolean } = {}) {
  const project = await makeProject({ overlapK: options.overlapK, allowTies: options.allowTies });
  await importText(project.id, jsonl(Array.from({ length: prompts }, (_, i) => record(i, options.candidates ?? 4))));
  return project;
}

const inShownOrder = (candidates: { id: string }[]): Submission => ({
  tiers: candidates.map((c) => [c.id]),
  details: {},
  rationale: null,
  timeOnTaskMs: 1000,
});

describe("the annotation queue", () => {
  it("lets 20 concurrent clinicians finish 50 prompts with k = 3: exactly 3 rankings each, never twice by one clinician, none lost", async () => {
    const project = await projectWithPrompts(50, { overlapK: 3 });
    const team = await clinicians(20);
    const acknowledged: string[] = [];
    await Promise.all(
      team.map(async (user) => {
        for (;;) {
          const next = await claimNextAssignment(user, project.slug);
          if (!next) return;
          const result = await submitRanking({
            userId: user.id,
            assignmentId: next.assignment.id,
            submission: inShownOrder(next.candidates),
            idempotencyKey: randomUUID(),
          });
          expect(result.status).toBe(201);
          acknowledged.push((result.body as { rankingId: string }).rankingId);
        }
      }),
    );
    const { rows } = await pool().query<{ prompt_id: string; n: number; raters: number }>(
      `SELECT p.id AS prompt_id, count(r.id)::int AS n, count(DISTINCT r.rater_id)::int AS raters
         FROM prompts p LEFT JOIN rankings r ON r.prompt_id = p.id AND r.kind = 'HUMAN'
        WHERE p.project_id = $1 GROUP BY p.id`,
      [project.id],
    );
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.n === 3 && r.raters === 3)).toBe(true);
    const stored = await db().ranking.findMany({ where: { id: { in: acknowledged } }, select: { id: true } });
    expect(acknowledged).toHaveLength(150);
    expect(stored).toHaveLength(150);
    // The load the queue reads (kept by a trigger) matches the assignments themselves.
    const { rows: drift } = await pool().query(
      `SELECT p.id FROM prompts p WHERE p.project_id = $1
          AND p.human_load <> (SELECT count(*) FROM assignments a WHERE a.prompt_id = p.id AND a.status IN ('ACTIVE', 'SUBMITTED'))`,
      [project.id],
    );
    expect(drift).toEqual([]);
  });

  it("waits for a prompt another transaction holds instead of telling the clinician nothing is left", async () => {
    const project = await projectWithPrompts(1, { overlapK: 2 });
    const [a] = await clinicians(1);
    // Another clinician's claim or submission holds the only prompt's row at this instant.
    const holder = await pool().connect();
    try {
      await holder.query("BEGIN");
      const { rows } = await holder.query<{ id: string }>(`SELECT id FROM prompts WHERE project_id = $1 FOR UPDATE`, [project.id]);
      let answered = false;
      const claim = claimNextAssignment(a!, project.slug).finally(() => (answered = true));
      await waitFor(async () => answered || (await claimsWaitingOnLock()) === 1);
      expect(answered).toBe(false);
      await holder.query("COMMIT");
      const claimed = await claim;
      expect(claimed).not.toBeNull();
      const stored = await db().assignment.findUniqueOrThrow({ where: { id: claimed!.assignment.id } });
      expect(stored.promptId).toBe(rows[0]!.id);
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      holder.release();
    }
  });

  it("returns an expired lease to the pool, where another clinician gets it; the late submit is refused", async () => {
    const project = await projectWithPrompts(1, { overlapK: 1 });
    const [a, b] = await clinicians(2);
    const first = await claimNextAssignment(a!, project.slug);
    expect(await claimNextAssignment(b!, project.slug)).toBeNull();
    await pool().query(`UPDATE assignments SET lease_expires_at = now() - interval '1 minute' WHERE id = $1`, [first!.assignment.id]);
    const second = await claimNextAssignment(b!, project.slug);
    expect(second?.prompt).toEqual(first?.prompt);
    const late = await submitRanking({
      userId: a!.id,
      assignmentId: first!.assignment.id,
      submission: inShownOrder(first!.candidates),
      idempotencyKey: randomUUID(),
    });
    expect(late.status).toBe(409);
    expect(await db().ranking.count({ where: { prompt: { projectId: project.id } } })).toBe(0);
  });

  it("gives a clinician back their own unfinished prompt, with its draft and shown order", async () => {
    const project = await projectWithPrompts(3);
    const [a] = await clinicians(1);
    const first = await claimNextAssignment(a!, project.slug);
    const draft = { tiers: [[first!.candidates[2]!.id]], details: {}, rationale: "thinking", timeOnTaskMs: 5000 };
    await saveDraft({ userId: a!.id, assignmentId: first!.assignment.id, draft });
    const again = await claimNextAssignment(a!, project.slug);
    expect(again?.assignment.id).toBe(first!.assignment.id);
    expect(again?.candidates.map((c) => c.id)).toEqual(first!.candidates.map((c) => c.id));
    expect(again?.draft).toMatchObject({ tiers: draft.tiers, rationale: "thinking" });
  });

  it("shuffles the shown order per assignment and never sends a model name", async () => {
    const project = await projectWithPrompts(1, { overlapK: 12, candidates: 8 });
    const team = await clinicians(12);
    const orders = new Set<string>();
    for (const user of team) {
      const next = await claimNextAssignment(user, project.slug);
      orders.add(next!.candidates.map((c) => c.id).join(","));
      expect(JSON.stringify(next)).not.toMatch(/model-\d/);
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it("serves only prompts matching a clinician's specialties when the project asks for it", async () => {
    const project = await makeProject();
    await db().project.update({ where: { id: project.id }, data: { specialtyMatching: true } });
    await importText(project.id, jsonl([record(1, 3, { tags: ["cardiology"] }), record(2, 3, { tags: ["obstetrics"] })]));
    const [cardio] = await clinicians(1, ["cardiology"]);
    const first = await claimNextAssignment(cardio!, project.slug);
    await submitRanking({
      userId: cardio!.id,
      assignmentId: first!.assignment.id,
      submission: inShownOrder(first!.candidates),
      idempotencyKey: randomUUID(),
    });
    expect(first!.prompt.messages[0]!.content).toContain("Question number 1");
    expect(await claimNextAssignment(cardio!, project.slug)).toBeNull();
  });

  it("lets a skipped prompt go to someone else, never back to the one who skipped it", async () => {
    const project = await projectWithPrompts(1, { overlapK: 1 });
    const [a, b] = await clinicians(2);
    const first = await claimNextAssignment(a!, project.slug);
    await skipAssignment({ userId: a!.id, assignmentId: first!.assignment.id, reason: "outside my field" });
    expect(await claimNextAssignment(a!, project.slug)).toBeNull();
    expect(await claimNextAssignment(b!, project.slug)).not.toBeNull();
  });

  it("serves an admin's batch assignments first", async () => {
    const project = await projectWithPrompts(5);
    const [a] = await clinicians(1);
    const admin = await createUser({ email: `admin-${randomUUID()}@hospital.example`, role: "admin" }, null);
    const { assigned } = await assignBatch({ projectSlug: project.slug, clinicianIds: [a!.id], count: 2, actorId: admin.user.id });
    expect(assigned[a!.id]).toBe(2);
    const next = await claimNextAssignment(a!, project.slug);
    const row = await db().assignment.findUniqueOrThrow({ where: { id: next!.assignment.id } });
    expect(row.assignedById).toBe(admin.user.id);
  });
});

describe("submitting a ranking", () => {
  it("stores one ranking for a retried submission with the same key and answers the same", async () => {
    const project = await projectWithPrompts(1);
    const [a] = await clinicians(1);
    const next = await claimNextAssignment(a!, project.slug);
    const key = randomUUID();
    const submission = inShownOrder(next!.candidates);
    const [first, second] = await Promise.all([
      submitRanking({ userId: a!.id, assignmentId: next!.assignment.id, submission, idempotencyKey: key }),
      submitRanking({ userId: a!.id, assignmentId: next!.assignment.id, submission, idempotencyKey: key }),
    ]);
    const statuses = [first.status, second.status].sort();
    // The second either waits its turn (409, still in flight) or replays the stored answer (201).
    expect(statuses[0]).toBe(201);
    expect([201, 409]).toContain(statuses[1]);
    const replay = await submitRanking({ userId: a!.id, assignmentId: next!.assignment.id, submission, idempotencyKey: key });
    expect(replay).toEqual(first.status === 201 ? first : second);
    expect(await db().ranking.count({ where: { raterId: a!.id } })).toBe(1);
  });

  it("answers 422 for the same key with a different payload, and 409 while the first is in flight", async () => {
    const project = await projectWithPrompts(1);
    const [a] = await clinicians(1);
    const next = await claimNextAssignment(a!, project.slug);
    const key = randomUUID();
    const submission = inShownOrder(next!.candidates);
    // Hold the assignment's row so the first submit stops mid-transaction, holding its key.
    const blocker = await pool().connect();
    await blocker.query("BEGIN");
    await blocker.query("SELECT 1 FROM assignments WHERE id = $1 FOR UPDATE", [next!.assignment.id]);
    const first = submitRanking({ userId: a!.id, assignmentId: next!.assignment.id, submission, idempotencyKey: key });
    await waitFor(async () => (await submitsWaitingOnLock()) === 1);
    const inFlight = await submitRanking({ userId: a!.id, assignmentId: next!.assignment.id, submission, idempotencyKey: key });
    expect(inFlight.status).toBe(409);
    await blocker.query("COMMIT");
    blocker.release();
    expect((await first).status).toBe(201);
    const changed = await submitRanking({
      userId: a!.id,
      assignmentId: next!.assignment.id,
      submission: inShownOrder([...next!.candidates].reverse()),
      idempotencyKey: key,
    });
    expect(changed.status).toBe(422);
    expect(await submitRanking({ userId: a!.id, assignmentId: next!.assignment.id, submission, idempotencyKey: key })).toEqual(await first);
  });

  it("lets a retry through within 5 s after the process holding the key was killed mid-transaction, storing one ranking", async () => {
    const project = await projectWithPrompts(1);
    const [a] = await clinicians(1);
    const next = await claimNextAssignment(a!, project.slug);
    const request = {
      userId: a!.id,
      assignmentId: next!.assignment.id,
      submission: inShownOrder(next!.candidates),
      idempotencyKey: randomUUID(),
    };
    const blocker = await pool().connect();
    await blocker.query("BEGIN");
    await blocker.query("SELECT 1 FROM assignments WHERE id = $1 FOR UPDATE", [next!.assignment.id]);
    const child = spawn(process.execPath, tsxArgs("tests/support/submit-child.ts", [JSON.stringify(request)], SERVER_SCRIPT), {
      env: { ...process.env, DATABASE_URL: databaseUrl, MEDPREF_DATABASE_URL: "", LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      await waitFor(async () => (await submitsWaitingOnLock()) === 1, 30_000);
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    } finally {
      await blocker.query("COMMIT");
      blocker.release();
    }
    let answer: Awaited<ReturnType<typeof submitRanking>> | undefined;
    await waitFor(async () => {
      answer = await submitRanking(request);
      return answer.status !== 409;
    }, 5_000);
    expect(answer!.status).toBe(201);
    expect(await db().ranking.count({ where: { raterId: a!.id } })).toBe(1);
    expect(await submitRanking(request)).toEqual(answer);
    expect(await db().ranking.count({ where: { raterId: a!.id } })).toBe(1);
  });

  it("refuses a ranking that misses, repeats or adds a candidate, or ties when ties are off, storing nothing", async () => {
    const project = await projectWithPrompts(1, { allowTies: false });
    const [a] = await clinicians(1);
    const next = await claimNextAssignment(a!, project.slug);
    const ids = next!.candidates.map((c) => c.id);
    const attempts: Submission["tiers"][] = [
      ids.slice(0, 3).map((id) => [id]),
      [...ids.map((id) => [id]), [ids[0]!]],
      [...ids.map((id) => [id]), [randomUUID()]],
      [[ids[0]!, ids[1]!], [ids[2]!], [ids[3]!]],
    ];
    for (const tiers of attempts) {
      const result = await submitRanking({
        userId: a!.id,
        assignmentId: next!.assignment.id,
        submission: { ...inShownOrder(next!.candidates), tiers },
        idempotencyKey: randomUUID(),
      });
      expect(result.status).toBe(422);
      expect((result.body as { error: string }).error).toMatch(
        /Rank every candidate|ranked more than once|not part of this prompt|Ties are not allowed/,
      );
    }
    expect(await db().ranking.count({ where: { raterId: a!.id } })).toBe(0);
    const status = await db().assignment.findUniqueOrThrow({ where: { id: next!.assignment.id } });
    expect(status.status).toBe("ACTIVE");
  });

  it("refuses another clinician's assignment as not found", async () => {
    const project = await projectWithPrompts(1);
    const [a, b] = await clinicians(2);
    const next = await claimNextAssignment(a!, project.slug);
    await expect(assignmentPayload(pool(), next!.assignment.id, b!.id)).rejects.toThrow("No such assignment.");
    const result = await submitRanking({
      userId: b!.id,
      assignmentId: next!.assignment.id,
      submission: inShownOrder(next!.candidates),
      idempotencyKey: randomUUID(),
    });
    expect(result.status).toBe(404);
  });

  it("keeps every revision and records the revision in the audit log", async () => {
    const project = await projectWithPrompts(1);
    const [a] = await clinicians(1);
    const next = await claimNextAssignment(a!, project.slug);
    const first = await submitRanking({
      userId: a!.id,
      assignmentId: next!.assignment.id,
      submission: inShownOrder(next!.candidates),
      idempotencyKey: randomUUID(),
    });
    const rankingId = (first.body as { rankingId: string }).rankingId;
    const revised = await reviseRanking({
      userId: a!.id,
      rankingId,
      submission: inShownOrder([...next!.candidates].reverse()),
      idempotencyKey: randomUUID(),
    });
    expect(revised).toEqual({ status: 200, body: { rankingId, revision: 2 } });
    const revisions = await db().rankingRevision.findMany({
      where: { rankingId },
      orderBy: { revision: "asc" },
      include: { entries: true },
    });
    expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
    const topOf = (i: number) => revisions[i]!.entries.find((e) => e.rank === 1)!.completionId;
    expect(topOf(0)).toBe(next!.candidates[0]!.id);
    expect(topOf(1)).toBe(next!.candidates.at(-1)!.id);
    expect(await db().auditLog.count({ where: { entityId: rankingId, action: "ranking.revise" } })).toBe(1);
  });

  it("refuses a revision after the edit window closed", async () => {
    const project = await projectWithPrompts(1);
    await db().project.update({ where: { id: project.id }, data: { editWindowMinutes: 0 } });
    const [a] = await clinicians(1);
    const next = await claimNextAssignment(a!, project.slug);
    const first = await submitRanking({
      userId: a!.id,
      assignmentId: next!.assignment.id,
      submission: inShownOrder(next!.candidates),
      idempotencyKey: randomUUID(),
    });
    const revised = await reviseRanking({
      userId: a!.id,
      rankingId: (first.body as { rankingId: string }).rankingId,
      submission: inShownOrder(next!.candidates),
      idempotencyKey: randomUUID(),
    });
    expect(revised.status).toBe(409);
  });
});

describe("gold prompts", () => {
  it("are served at the project's gold rate, and each clinician's agreement with gold is stored", async () => {
    const project = await projectWithPrompts(3, { overlapK: 1 });
    await db().project.update({ where: { id: project.id }, data: { goldRate: 1 } });
    const admin = await createUser({ email: `admin-${randomUUID()}@hospital.example`, role: "admin" }, null);
    const prompt = await db().prompt.findFirstOrThrow({
      where: { projectId: project.id, externalId: "q0" },
      include: { completions: { orderBy: { position: "asc" } } },
    });
    await setReferenceRanking({
      promptId: prompt.id,
      kind: "GOLD",
      submission: { tiers: prompt.completions.map((c) => [c.id]), details: {}, rationale: "reference", timeOnTaskMs: 0 },
      actorId: admin.user.id,
    });
    const [a, b] = await clinicians(2);
    for (const user of [a!, b!]) {
      const next = await claimNextAssignment(user, project.slug);
      expect(next!.prompt.messages[0]!.content).toContain("Question number 0");
      const byPosition = [...next!.candidates].sort(
        (x, y) => prompt.completions.findIndex((c) => c.id === x.id) - prompt.completions.findIndex((c) => c.id === y.id),
      );
      const tiers = user === a ? byPosition.map((c) => [c.id]) : [...byPosition].reverse().map((c) => [c.id]);
      await submitRanking({
        userId: user.id,
        assignmentId: next!.assignment.id,
        submission: { ...inShownOrder(next!.candidates), tiers },
        idempotencyKey: randomUUID(),
      });
    }
    const comparisons = await db().goldComparison.findMany({ where: { promptId: prompt.id } });
    const byUser = Object.fromEntries(comparisons.map((c) => [c.userId, c]));
    expect(byUser[a!.id]).toMatchObject({ kendallTauB: 1, pairwiseAgreement: 1, top1Match: true });
    expect(byUser[b!.id]).toMatchObject({ kendallTauB: -1, pairwiseAgreement: 0, top1Match: false });
    const progress = await annotationProgress(a!.id, project.slug);
    expect(progress.projectNeeded).toBe(2);
  });
});
