import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/prisma";
import { archiveEndpoint, restoreEndpoint, testEndpointConnection, updateEndpoint } from "@/lib/judge/endpoint-admin";
import { createEndpoint, listEndpoints } from "@/lib/judge/endpoints";
import { createGenerationRun } from "@/lib/judge/runs/create-generation-run";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { runProgress } from "@/lib/judge/runs/run-views";
import { projectWithQualities, waitForStatus, judgeRunHarness } from "../support/judge-runs";

const h = judgeRunHarness(4);

/** An endpoint on the fake server whose key lives in `keyEnv` (set or not, as the test wants). */
async function endpointWithKey(name: string, keyEnv: string, key: string | undefined) {
  if (key === undefined) delete process.env[keyEnv];
  else process.env[keyEnv] = key;
  return createEndpoint(
    { name, baseUrl: h.fake.url, apiKeyEnv: keyEnv, modelPrices: { judge: { inputPerMTok: 1, outputPerMTok: 2 } } },
    null,
  );
}

describe("runs that cannot work", () => {
  it("are refused at creation when the endpoint's key variable is not set, naming the variable", async () => {
    const project = await projectWithQualities(2);
    const keyless = await endpointWithKey("keyless", "MEDPREF_KEY_NOT_SET_FOR_TEST", undefined);
    const refused = createJudgeRun(
      { projectSlug: project.slug, name: "doomed", endpointId: keyless.id, model: "judge", templateId: h.templateId },
      null,
    );
    await expect(refused).rejects.toMatchObject({ code: "INVALID_INPUT", field: "endpointId" });
    await expect(refused).rejects.toThrow(
      /The environment variable MEDPREF_KEY_NOT_SET_FOR_TEST \(the API key of the endpoint "keyless"\) is not set on this server/,
    );
    const generation = createGenerationRun(
      { projectSlug: project.slug, name: "doomed", targetCandidates: 5, models: [{ endpointId: keyless.id, model: "gen-a" }] },
      null,
    );
    await expect(generation).rejects.toMatchObject({ field: "models" });
    await expect(generation).rejects.toThrow(/^gen-a: The environment variable MEDPREF_KEY_NOT_SET_FOR_TEST/);
    expect(await db().judgeRun.count({ where: { name: "doomed" } })).toBe(0);
  });

  it("end failed, with the most frequent cause, when every unit failed", async () => {
    const project = await projectWithQualities(3);
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "all fail",
        endpointId: h.endpointId,
        model: "judge",
        templateId: h.templateId,
        permutations: 1,
        maxRepairs: 0,
      },
      null,
    );
    h.fake.script({ kind: "malformed" }, { kind: "malformed" }, { kind: "malformed" });
    await startJudgeRun(h.worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"])).toBe("FAILED");
    const progress = (await runProgress(run.id))!;
    expect(progress).toMatchObject({ status: "FAILED", done: 0, failed: 3, pending: 0 });
    expect(progress.pausedReason).toMatch(
      /^Every unit failed \(3 of 3\)\. Most frequent cause: the JSON object in the answer (is not closed|does not parse)/,
    );
  });

  it("a run with one success among failures still ends completed", async () => {
    const project = await projectWithQualities(2);
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "half fail",
        endpointId: h.endpointId,
        model: "judge",
        templateId: h.templateId,
        permutations: 1,
        maxRepairs: 0,
        maxConcurrency: 1,
      },
      null,
    );
    h.fake.script({ kind: "malformed" });
    await startJudgeRun(h.worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"])).toBe("COMPLETED");
    expect(await runProgress(run.id)).toMatchObject({ done: 1, failed: 1, pausedReason: null });
  });
});

describe("what a run spent", () => {
  it("counts every request sent as a call made, the SDK's retries of a 5xx included, and settles what it wrote down", async () => {
    const project = await projectWithQualities(1);
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "retried",
        endpointId: h.endpointId,
        model: "judge",
        templateId: h.templateId,
        permutations: 1,
        maxConcurrency: 1,
      },
      null,
    );
    const before = h.fake.calls.length;
    h.fake.script({ kind: "status", status: 500 }, { kind: "status", status: 503 });
    await startJudgeRun(h.worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"])).toBe("COMPLETED");
    // Three requests reached the endpoint (500, 503, then the answer); one call record holds the answer.
    expect(h.fake.calls.length - before).toBe(3);
    expect(await db().judgeCall.count({ where: { runId: run.id } })).toBe(1);
    expect(await runProgress(run.id)).toMatchObject({ callsMade: 3, possiblyPaid: null });
    expect(await db().judgeCallSend.count({ where: { runId: run.id } })).toBe(0);
  });
});

describe("endpoints after they are added", () => {
  it("can be edited with the same rules as adding one, and the change is audited", async () => {
    const e = await endpointWithKey("to edit", "MEDPREF_KEY_EDIT", "sk-edit");
    await updateEndpoint(
      e.id,
      {
        name: "edited",
        baseUrl: "https://llm.example/v1/",
        apiKeyEnv: "MEDPREF_KEY_EDIT",
        modelPrices: { m: { inputPerMTok: 3, outputPerMTok: 4 } },
        supportsBatch: true,
      },
      null,
    );
    const stored = await db().llmEndpoint.findUniqueOrThrow({ where: { id: e.id } });
    expect(stored).toMatchObject({
      name: "edited",
      baseUrl: "https://llm.example/v1",
      supportsBatch: true,
      supportsStructuredOutput: false,
      modelPrices: { m: { inputPerMTok: 3, outputPerMTok: 4 } },
    });
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: e.id, action: "endpoint.update" } });
    expect(audit.before).toMatchObject({ name: "to edit", baseUrl: h.fake.url });
    await expect(updateEndpoint(e.id, { name: "edited", baseUrl: h.fake.url, apiKeyEnv: "sk-live-abcdef" }, null)).rejects.toMatchObject({
      field: "apiKeyEnv",
    });
    await expect(updateEndpoint(e.id, { name: "fake", baseUrl: h.fake.url, apiKeyEnv: "MEDPREF_KEY_EDIT" }, null)).rejects.toMatchObject({
      code: "CONFLICT",
      field: "name",
    });
    expect((await db().llmEndpoint.findUniqueOrThrow({ where: { id: e.id } })).name).toBe("edited");
  });

  it("are deleted when no run used them, archived (hidden from new runs) when one did, and can be restored", async () => {
    const unused = await endpointWithKey("unused", "MEDPREF_KEY_UNUSED", "sk-unused");
    expect(await archiveEndpoint(unused.id, null)).toBe("deleted");
    expect(await db().llmEndpoint.findUnique({ where: { id: unused.id } })).toBeNull();

    const used = await endpointWithKey("used", "MEDPREF_KEY_USED", "sk-used");
    const project = await projectWithQualities(1);
    const run = await createJudgeRun(
      { projectSlug: project.slug, name: "on used", endpointId: used.id, model: "judge", templateId: h.templateId },
      null,
    );
    const generated = await endpointWithKey("generator", "MEDPREF_KEY_GENERATOR", "sk-gen");
    const short = await projectWithQualities(1, [3, 9]);
    await createGenerationRun(
      { projectSlug: short.slug, name: "gen", targetCandidates: 3, models: [{ endpointId: generated.id, model: "gen-a" }] },
      null,
    );

    expect(await archiveEndpoint(used.id, null)).toBe("archived");
    expect(await archiveEndpoint(generated.id, null)).toBe("archived");
    const listed = await listEndpoints();
    expect(listed.find((e) => e.id === used.id)!.archivedAt).toBeInstanceOf(Date);
    expect((await db().judgeRun.findUniqueOrThrow({ where: { id: run.id } })).endpointId).toBe(used.id);
    await expect(
      createJudgeRun(
        { projectSlug: project.slug, name: "on archived", endpointId: used.id, model: "judge", templateId: h.templateId },
        null,
      ),
    ).rejects.toThrow(/The endpoint "used" is archived/);
    await restoreEndpoint(used.id, null);
    await expect(
      createJudgeRun(
        { projectSlug: project.slug, name: "on restored", endpointId: used.id, model: "judge", templateId: h.templateId },
        null,
      ),
    ).resolves.toMatchObject({ prompts: 1 });
    expect(
      (await db().auditLog.findMany({ where: { entityId: { in: [unused.id, used.id] } }, orderBy: { createdAt: "asc" } })).map(
        (a) => a.action,
      ),
    ).toEqual(["endpoint.create", "endpoint.delete", "endpoint.create", "endpoint.archive", "endpoint.restore"]);
  });

  it("are tested with one cheap call that reports the latency and the model that answered", async () => {
    const e = await endpointWithKey("tested", "MEDPREF_KEY_TESTED", "sk-tested");
    const callsBefore = h.fake.calls.length;
    const result = await testEndpointConnection(e.id, undefined);
    expect(result).toMatchObject({ ok: true, model: "judge", requestedModel: "judge" });
    expect(result.ok && Number.isInteger(result.latencyMs) && result.latencyMs >= 0).toBe(true);
    expect(h.fake.calls.length).toBe(callsBefore + 1);
    expect(h.fake.calls.at(-1)!.body).toMatchObject({ model: "judge", max_tokens: 1, messages: [{ role: "user", content: "ping" }] });
    expect(h.fake.calls.at(-1)!.authorization).toBe("Bearer sk-tested");

    h.fake.script({ kind: "status", status: 500 });
    expect(await testEndpointConnection(e.id, "judge-2")).toMatchObject({
      ok: false,
      requestedModel: "judge-2",
      error: expect.stringMatching(/^HTTP 500: /),
    });
    // No retries: one failed call, not the SDK's five.
    expect(h.fake.calls.length).toBe(callsBefore + 2);

    const keyless = await endpointWithKey("keyless test", "MEDPREF_KEY_NOT_SET_EITHER", undefined);
    expect(await testEndpointConnection(keyless.id, "judge")).toEqual({
      ok: false,
      latencyMs: null,
      requestedModel: "judge",
      error: "The environment variable MEDPREF_KEY_NOT_SET_EITHER is not set on this server.",
    });
    expect(h.fake.calls.length).toBe(callsBefore + 2);
  });
});
