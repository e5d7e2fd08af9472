import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { clinicianProgress } from "@/lib/annotation/clinician-progress";
import { isOwnAssignment, isOwnHumanRanking } from "@/lib/annotation/queries";
import { listOwnRankings, revisionPayload } from "@/lib/annotation/revise-ranking";
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { db } from "@/lib/db/prisma";
import { databaseReachable } from "@/lib/health/queries";
import { ensureBuiltInTemplates, latestTemplates } from "@/lib/judge/judge-templates";
import { runView } from "@/lib/judge/queries";
import { projectHeading } from "@/lib/projects/queries";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject, record } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

beforeAll(async () => {
  await useFreshDatabase();
});

/** The reads pages and routes make through lib/<domain>/queries.ts and the typed loaders: exact values, camelCase fields. */
describe("domain queries", () => {
  it("answer a clinician's own assignment, ranking, revision screen, history and progress", async () => {
    const project = await makeProject({ overlapK: 2 });
    await importText(project.id, jsonl([record(1, 3)]));
    const { user } = await createUser({ email: `c-${randomUUID()}@hospital.example`, name: "Dr One", role: "clinician" }, null);
    const { user: other } = await createUser({ email: `o-${randomUUID()}@hospital.example`, role: "clinician" }, null);
    const claimed = await claimNextAssignment({ id: user.id, specialties: [] }, project.slug);
    expect(await isOwnAssignment(claimed!.assignment.id, user.id)).toBe(true);
    expect(await isOwnAssignment(claimed!.assignment.id, other.id)).toBe(false);

    const tiers = claimed!.candidates.map((c) => [c.id]);
    const comment = "too long";
    const details = { [tiers[2]![0]!]: { score: 2, comment, flags: [] } };
    const stored = await submitRanking({
      userId: user.id,
      assignmentId: claimed!.assignment.id,
      submission: { tiers, details, rationale: "first is safest", timeOnTaskMs: 42_000 },
      idempotencyKey: randomUUID(),
    });
    const { rankingId } = stored.body as { rankingId: string };
    expect(await isOwnHumanRanking(rankingId, user.id)).toBe(true);
    expect(await isOwnHumanRanking(rankingId, other.id)).toBe(false);

    const screen = await revisionPayload(rankingId, user.id);
    expect(screen.assignment).toMatchObject({ id: rankingId, mode: "revision", rankingId });
    expect(screen.project).toEqual({ slug: project.slug, name: "Test project", allowTies: false, guidelines: "" });
    expect(screen.candidates.map((c) => c.id)).toEqual(claimed!.candidates.map((c) => c.id));
    expect(screen.draft).toEqual({
      tiers,
      details: {
        [tiers[0]![0]!]: { score: null, comment: null, flags: [] },
        [tiers[1]![0]!]: { score: null, comment: null, flags: [] },
        [tiers[2]![0]!]: { score: 2, comment, flags: [] },
      },
      rationale: "first is safest",
      // No span was marked: the revision starts with none.
      spans: [],
      timeOnTaskMs: 42_000,
    });

    const history = await listOwnRankings(user.id, project.slug);
    expect(history).toEqual([
      {
        id: rankingId,
        revision: 1,
        createdAt: expect.any(Date) as Date,
        editable: true,
        preview: "Question number 1: what is the treatment?",
      },
    ]);

    const progress = await clinicianProgress(project.slug);
    expect(progress).toEqual([
      { id: user.id, name: "Dr One", email: user.email, submitted: 1, today: 1, active: 0, skipped: 0, medianSeconds: 42 },
    ]);
  });

  it("read a project heading, a run view in camelCase, and the database's health", async () => {
    const project = await makeProject();
    expect(await projectHeading(project.slug)).toEqual({ slug: project.slug, name: "Test project" });
    expect(await projectHeading("no-such-project")).toBeNull();

    const endpoint = await db().llmEndpoint.create({
      data: { name: "view-endpoint", baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: "MEDPREF_KEY_VIEW" },
    });
    await ensureBuiltInTemplates();
    const template = (await latestTemplates()).find((t) => t.key === "open-ended")!;
    const run = await db().judgeRun.create({
      data: {
        projectId: project.id,
        name: "view run",
        endpointId: endpoint.id,
        model: "judge-x",
        templateId: template.id,
        temperature: 0.25,
        permutations: 3,
        maxConcurrency: 5,
        seed: 11,
        budgetTokens: 5000n,
        config: { imported: { file: "r.jsonl" } },
      },
    });
    expect(await runView(run.id)).toEqual({
      id: run.id,
      name: "view run",
      kind: "JUDGE",
      mode: "REALTIME",
      status: "QUEUED",
      model: "judge-x",
      temperature: 0.25,
      permutations: 3,
      maxConcurrency: 5,
      maxRetries: 2,
      seed: 11,
      filter: {},
      config: { imported: { file: "r.jsonl" } },
      budgetCalls: null,
      budgetTokens: 5000,
      budgetCostUsd: null,
      createdAt: run.createdAt,
      startedAt: null,
      finishedAt: null,
      projectSlug: project.slug,
      projectName: "Test project",
      endpointName: "view-endpoint",
      templateName: template.name,
      templateVersion: template.version,
      templateKey: "open-ended",
    });
    expect(await runView(randomUUID())).toBeNull();
    expect(await databaseReachable()).toBe(true);
  });
});
