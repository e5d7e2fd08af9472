import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens";
import { db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors/app-error";
import { stopQueue } from "@/lib/jobs/queue";
import { createUser } from "@/lib/users/manage-users";
import * as endpointsRoute from "@/app/api/endpoints/route";
import * as generationRunsRoute from "@/app/api/generation-runs/route";
import * as judgeRunsRoute from "@/app/api/judge-runs/route";
import * as projectsRoute from "@/app/api/projects/route";
import * as runCommandRoute from "@/app/api/runs/[id]/[command]/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as runsRoute from "@/app/api/runs/route";
import * as templateRoute from "@/app/api/templates/[key]/route";
import * as templatesRoute from "@/app/api/templates/route";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { judgeSetup, projectWithQualities } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

/** The pipeline routes called as Next calls them (a Request in, a Response out), with scoped API tokens, on a real database. */
let fake: FakeOpenAI;
let admin: { id: string };
let researcher: { id: string };
let setup: Awaited<ReturnType<typeof judgeSetup>>;
let projectSlug: string;

/** A route handler as Next calls it, with the route's own params. */
type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

async function call<P extends Record<string, string>>(
  handler: Handler<P>,
  options: { token?: string; method?: string; body?: unknown; params?: P; key?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.key) headers["idempotency-key"] = options.key;
  const request = new Request("http://medpref.test/api/x", {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  // A route without params gets none (its P is the empty object).
  const response = await handler(request, { params: Promise.resolve(options.params ?? ({} as P)) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & Record<number, unknown> };
}

const tokenFor = async (user: { id: string; role: "ADMIN" | "RESEARCHER" }, scopes: string[]) =>
  (await createApiToken(user, { name: `t-${scopes.join("+")}`, scopes: scopes as never })).token;

beforeAll(async () => {
  await useFreshDatabase();
  fake = await startFakeOpenAI();
  admin = (await createUser({ email: `admin-${randomUUID()}@hospital.example`, role: "admin" }, null)).user;
  researcher = (await createUser({ email: `res-${randomUUID()}@hospital.example`, role: "researcher" }, null)).user;
  setup = await judgeSetup(fake.url);
  projectSlug = (await projectWithQualities(3)).slug;
});
afterAll(async () => {
  await stopQueue();
  await fake.close();
});

describe("API token scopes", () => {
  it("caps a token's scopes by its owner's role, as the app's pages and actions do", async () => {
    await expect(
      createApiToken({ id: researcher.id, role: "RESEARCHER" }, { name: "x", scopes: ["exports:read", "runs:write"] }),
    ).rejects.toThrow(
      new AppError(
        "INVALID_INPUT",
        "scopes: a researcher cannot give a token runs:write (allowed: projects:read, runs:read, exports:read).",
        "scopes",
      ),
    );
    const { id } = await createApiToken(
      { id: admin.id, role: "ADMIN" },
      { name: "all", scopes: ["runs:write", "runs:read", "runs:write"] },
    );
    expect((await db().apiToken.findUniqueOrThrow({ where: { id } })).scopes).toEqual(["runs:write", "runs:read"]);
    const { id: old } = await createApiToken({ id: researcher.id, role: "RESEARCHER" }, { name: "default" });
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: old } })).scopes).toEqual(["exports:read"]);
  });

  it("refuses a token without the route's scope (403 FORBIDDEN naming the scope), an unknown one (401), and an admin's token once its owner is a researcher (403)", async () => {
    const readOnly = await tokenFor({ id: admin.id, role: "ADMIN" }, ["runs:read"]);
    const refused = await call(judgeRunsRoute.POST, { token: readOnly, method: "POST", body: {}, key: "key-00000001" });
    expect(refused).toEqual({ status: 403, body: { error: "This API token lacks the runs:write scope.", code: "FORBIDDEN" } });
    const researcherToken = await tokenFor({ id: researcher.id, role: "RESEARCHER" }, ["projects:read", "runs:read"]);
    const listed = await call(projectsRoute.GET, { token: researcherToken });
    expect(listed).toEqual({ status: 200, body: [{ slug: projectSlug, name: "Test project", prompts: 3, overlapK: 3 }] });
    expect(await call(templatesRoute.GET, { token: researcherToken })).toEqual({
      status: 403,
      body: { error: "This API token lacks the templates:read scope.", code: "FORBIDDEN" },
    });
    expect(await call(runsRoute.GET, { token: researcherToken })).toEqual({ status: 200, body: [] });
    expect(await call(projectsRoute.GET, { token: "mpt_not-a-token" })).toEqual({
      status: 401,
      body: { error: "Unknown API token.", code: "UNAUTHENTICATED" },
    });
    // A token made while its owner was an admin: once the owner is a researcher, the route's role check refuses it.
    const demoted = (await createUser({ email: `demoted-${randomUUID()}@hospital.example`, role: "admin" }, null)).user;
    const demotedToken = await tokenFor({ id: demoted.id, role: "ADMIN" }, ["templates:read"]);
    expect((await call(templatesRoute.GET, { token: demotedToken })).status).toBe(200);
    await db().user.update({ where: { id: demoted.id }, data: { role: "RESEARCHER" } });
    const forbidden = await call(templatesRoute.GET, { token: demotedToken });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe("FORBIDDEN");
  });
});

describe("pipeline routes", () => {
  it("creates a judge run once per Idempotency-Key, validates with 422 naming the field, and controls it", async () => {
    const token = await tokenFor({ id: admin.id, role: "ADMIN" }, ["runs:write", "runs:read", "templates:read", "endpoints:read"]);
    const templates = (await call(templatesRoute.GET, { token })).body as unknown as { key: string; id: string }[];
    expect(templates.map((t) => t.key)).toEqual(["exam-with-reference", "open-ended", "open-ended-critiques", "pairwise"]);
    expect((await call(templateRoute.GET, { token, params: { key: "pairwise" } })).body).toMatchObject({
      key: "pairwise",
      style: "PAIRWISE",
    });
    expect(await call(templateRoute.GET, { token, params: { key: "nope" } })).toEqual({
      status: 404,
      body: { error: 'No template "nope".', code: "NOT_FOUND" },
    });
    const endpoints = (await call(endpointsRoute.GET, { token })).body as unknown as { id: string; name: string }[];
    expect(endpoints.map((e) => e.name)).toEqual(["fake"]);

    const input = {
      projectSlug,
      name: "api run",
      endpointId: setup.endpointId,
      model: "judge",
      templateId: setup.templateId,
      permutations: 2,
    };
    const invalid = await call(judgeRunsRoute.POST, { token, method: "POST", body: { ...input, permutations: 9 }, key: "key-invalid-1" });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ code: "INVALID_INPUT", field: "permutations" });
    const noKey = await call(judgeRunsRoute.POST, { token, method: "POST", body: input });
    expect(noKey).toEqual({
      status: 422,
      body: {
        error: "Send an Idempotency-Key header (8 to 200 characters) with this request.",
        code: "INVALID_INPUT",
        field: "Idempotency-Key",
      },
    });

    const created = await call(judgeRunsRoute.POST, { token, method: "POST", body: input, key: "key-run-0001" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), prompts: 3, calls: 6 });
    const again = await call(judgeRunsRoute.POST, { token, method: "POST", body: input, key: "key-run-0001" });
    expect(again).toEqual(created);
    expect(await db().judgeRun.count({ where: { name: "api run" } })).toBe(1);
    const id = created.body.id as string;

    const paused = await call(runCommandRoute.POST, { token, method: "POST", params: { id, command: "pause" } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({
      message: "Paused: calls in flight finish, nothing new starts.",
      run: { id, status: "PAUSED", total: 6 },
    });
    const refused = await call(runCommandRoute.POST, { token, method: "POST", params: { id, command: "pause" } });
    expect(refused).toEqual({ status: 409, body: { error: "The run cannot be paused now.", code: "CONFLICT" } });
    const unknown = await call(runCommandRoute.POST, { token, method: "POST", params: { id, command: "explode" } });
    expect(unknown.status).toBe(404);
    const cancelled = await call(runCommandRoute.POST, { token, method: "POST", params: { id, command: "cancel" } });
    expect(cancelled.body).toMatchObject({ message: "Cancelled.", run: { status: "CANCELLED" } });
    expect((await call(runRoute.GET, { token, params: { id } })).body).toMatchObject({ id, status: "CANCELLED", total: 6 });
    expect(
      ((await call(runsRoute.GET, { token })).body as unknown as { id: string; status: string }[]).map((r) => [r.id, r.status]),
    ).toEqual([[id, "CANCELLED"]]);
  });

  it("creates a generation run and an endpoint through the API, each once per key", async () => {
    const token = await tokenFor({ id: admin.id, role: "ADMIN" }, ["runs:write", "endpoints:write"]);
    const endpoint = { name: "api-endpoint", baseUrl: fake.url, apiKeyEnv: "MEDPREF_KEY_TEST_RUN" };
    const added = await call(endpointsRoute.POST, { token, method: "POST", body: endpoint, key: "key-endpoint-1" });
    expect(added).toEqual({ status: 201, body: { id: expect.any(String), name: "api-endpoint" } });
    expect(await call(endpointsRoute.POST, { token, method: "POST", body: endpoint, key: "key-endpoint-1" })).toEqual(added);
    const badUrl = await call(endpointsRoute.POST, {
      token,
      method: "POST",
      body: { ...endpoint, baseUrl: "nope" },
      key: "key-endpoint-2",
    });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body).toMatchObject({ code: "INVALID_INPUT", field: "baseUrl" });

    const gen = {
      projectSlug,
      name: "api gen",
      targetCandidates: 5,
      models: [{ endpointId: added.body.id as string, model: "gen-a" }],
    };
    const created = await call(generationRunsRoute.POST, { token, method: "POST", body: gen, key: "key-gen-0001" });
    expect(created).toEqual({ status: 201, body: { id: expect.any(String), prompts: 3, completions: 3, promptsShort: 0 } });
    expect(await call(generationRunsRoute.POST, { token, method: "POST", body: gen, key: "key-gen-0001" })).toEqual(created);
    expect(await db().judgeRun.count({ where: { name: "api gen" } })).toBe(1);
  });
});
