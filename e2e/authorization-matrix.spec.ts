import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import {
  ACTIONS,
  CALLERS,
  discoverEntryPoints,
  FORM,
  PAGES,
  RANDOM_ID,
  ROUTES,
  type ActionArg,
  type Caller,
} from "./support/authorization-matrix";
import { E2E_AGREEMENT_PROJECT, E2E_BASE_URL, E2E_HYGIENE_PROJECT, E2E_USERS } from "./support/constants";
import { queryE2eDatabase } from "./support/database";
import { signInThroughApi } from "./support/sign-in";

// Every page, route handler and server action, found on the file system, called as each kind of
// caller against the production build, and compared with the declared table
// (e2e/support/authorization-matrix.ts). The server decides; hidden links are not the check.

const discovered = discoverEntryPoints(process.cwd());

test("every page, route handler and server action has an entry in the authorization table, and every entry still exists", () => {
  expect(discovered.pages.length).toBeGreaterThan(15);
  expect(discovered.routes.length).toBeGreaterThan(15);
  expect(discovered.actions.length).toBeGreaterThan(15);
  expect({ pages: discovered.pages, routes: discovered.routes, actions: discovered.actions }).toEqual({
    pages: Object.keys(PAGES).sort(),
    routes: Object.keys(ROUTES).sort(),
    actions: Object.keys(ACTIONS).sort(),
  });
});

interface Ids {
  slug: string;
  promptId: string;
  runId: string;
  importId: string;
  rankingId: string;
  assignmentId: string;
  exportId: string;
}

let ids: Ids;
let token: string;
const contexts = new Map<Caller, { request: APIRequestContext; close: () => Promise<void> }>();

/** A request context (cookie jar) per caller; staff sign in through next-auth's credentials endpoint, as the login form does. */
async function callerContext(caller: Caller) {
  const request = await playwrightRequest.newContext({
    baseURL: E2E_BASE_URL,
    extraHTTPHeaders: caller === "token" ? { authorization: `Bearer ${token}` } : {},
  });
  if (caller !== "anonymous" && caller !== "token") await signInThroughApi(request, caller);
  return { request, close: () => request.dispose() };
}

test.describe("the authorization matrix", () => {
  test.describe.configure({ timeout: 240_000 });

  test.beforeAll(async () => {
    // A researcher's API token with every scope a researcher may give one, stored as the app stores them: sha256 only.
    token = `mpt_${randomBytes(24).toString("base64url")}`;
    await queryE2eDatabase(
      "INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes) SELECT id, 'matrix', $2, $3, ARRAY['exports:read', 'projects:read', 'runs:read'] FROM users WHERE email = $1",
      [E2E_USERS.researcher.email, createHash("sha256").update(token).digest("hex"), token.slice(0, 12)],
    );
    for (const caller of CALLERS) contexts.set(caller, await callerContext(caller));
    // Real ids from the seeded data; the clinician's own assignment is claimed in a project kept for such writes.
    const next = await contexts.get("clinician")!.request.get(`/api/projects/${E2E_HYGIENE_PROJECT}/annotation/next`);
    const claimed = (await next.json()) as { assignment?: { id: string } };
    const one = async (sql: string, values: unknown[] = []) => (await queryE2eDatabase<{ id: string }>(sql, values))[0]?.id;
    const projectFilter = "project_id = (SELECT id FROM projects WHERE slug = $1)";
    ids = {
      slug: E2E_AGREEMENT_PROJECT,
      promptId: (await one(`SELECT id FROM prompts WHERE ${projectFilter} ORDER BY external_id LIMIT 1`, [E2E_AGREEMENT_PROJECT]))!,
      runId: (await one(`SELECT id FROM judge_runs WHERE ${projectFilter} LIMIT 1`, [E2E_AGREEMENT_PROJECT]))!,
      importId: (await one(`SELECT id FROM imports WHERE ${projectFilter} LIMIT 1`, [E2E_AGREEMENT_PROJECT]))!,
      rankingId: (await one(
        "SELECT r.id FROM rankings r JOIN prompts p ON p.id = r.prompt_id WHERE p.project_id = (SELECT id FROM projects WHERE slug = $1) AND r.kind = 'HUMAN' LIMIT 1",
        [E2E_AGREEMENT_PROJECT],
      ))!,
      assignmentId: claimed.assignment!.id,
      // Exports are made by other tests; one that does not exist still shows who gets past the guard (404, not 401/403).
      exportId: (await one("SELECT id FROM exports LIMIT 1")) ?? crypto.randomUUID(),
    };
    for (const [name, value] of Object.entries(ids)) expect(value, name).toBeTruthy();
  });

  test.afterAll(async () => {
    for (const { close } of contexts.values()) await close();
    await queryE2eDatabase("DELETE FROM api_tokens WHERE name = 'matrix'");
  });

  /** "/projects/[slug]/prompts/[promptId]" with seeded values. */
  function concrete(template: string): string {
    return (
      template
        .replace("[slug]", ids.slug)
        .replace("[promptId]", ids.promptId)
        .replace("[...path]", "README.md")
        // An endpoint that does not exist (404 past the guard) and a run command that is none (404): nothing changes.
        .replace("/endpoints/[id]", `/endpoints/${crypto.randomUUID()}`)
        .replace("[key]", "open-ended")
        .replace("[command]", "no-such-command")
        .replace(/\/api\/runs\/\[id\]|\/runs\/\[id\]/, (m) => m.replace("[id]", ids.runId))
        .replace(/\/imports\/\[id\]/, `/imports/${ids.importId}`)
        .replace(/\/rankings\/\[id\]/, `/rankings/${ids.rankingId}`)
        .replace(/\/assignments\/\[id\]/, `/assignments/${ids.assignmentId}`)
        .replace(/\/exports\/\[id\]/, `/exports/${ids.exportId}`)
        // A set that does not exist: 404 past the guard (an upload with no name is refused, 422, before anything is read).
        .replace("/leaderboards/[target]/[id]", `/leaderboards/set/${crypto.randomUUID()}`)
    );
  }

  /** "allowed" or "refused", as the response shows it, for each kind of entry point. */
  function pageOutcome(template: string, res: APIResponse): "allowed" | "refused" | string {
    const landed = new URL(res.url()).pathname;
    if (res.status() === 403) return "refused";
    if (landed === "/login" && template !== "/login") return "refused";
    return res.status() === 200 || res.status() === 404 ? "allowed" : `unexpected ${res.status()} at ${landed}`;
  }

  function routeOutcome(res: APIResponse): "allowed" | "refused" | string {
    if (res.status() === 401 || res.status() === 403) return "refused";
    return res.status() < 500 ? "allowed" : `unexpected ${res.status()}`;
  }

  for (const caller of CALLERS) {
    test(`pages as ${caller}`, async () => {
      const { request } = contexts.get(caller)!;
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const [template, callers] of Object.entries(PAGES)) {
        const res = await request.get(concrete(template));
        got[template] = pageOutcome(template, res);
        want[template] = callers.includes(caller) ? "allowed" : "refused";
      }
      expect(got).toEqual(want);
    });

    test(`route handlers as ${caller}`, async () => {
      const { request } = contexts.get(caller)!;
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const [key, callers] of Object.entries(ROUTES)) {
        const [method, template] = key.split(" ") as [string, string];
        // Writes carry an empty JSON object: an allowed caller gets a validation error, nothing is written.
        const res = await request.fetch(
          concrete(template),
          method === "GET" ? { method } : { method, data: "{}", headers: { "content-type": "application/json" } },
        );
        got[key] = routeOutcome(res);
        want[key] = callers.includes(caller) ? "allowed" : "refused";
      }
      expect(got).toEqual(want);
    });

    test(`server actions as ${caller}`, async () => {
      const { request } = contexts.get(caller)!;
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      // An action that ends all of the caller's sessions goes last; the caller then signs in anew.
      const ordered = Object.entries(ACTIONS).sort(
        ([, a], [, b]) => Number(Boolean(a.endsCallersSessions)) - Number(Boolean(b.endsCallersSessions)),
      );
      for (const [key, { callers, args, endsCallersSessions }] of ordered) {
        const action = serverAction(key);
        const res = await callAction(request, { ...action, page: concrete(action.page) }, args);
        if (endsCallersSessions && caller !== "anonymous" && caller !== "token") {
          await contexts.get(caller)!.close();
          contexts.set(caller, await callerContext(caller));
        }
        got[key] = actionOutcome(res);
        want[key] = callers.includes(caller) ? "allowed" : "refused";
      }
      expect(got).toEqual(want);
    });
  }

  test("every state-changing route handler refuses a cross-site request from an allowed caller", async () => {
    for (const [key, callers] of Object.entries(ROUTES)) {
      const [method, template] = key.split(" ") as [string, string];
      if (method === "GET" && !template.endsWith("/annotation/next")) continue;
      const caller = callers.find((c) => c !== "anonymous" && c !== "token")!;
      const res = await contexts.get(caller)!.request.fetch(concrete(template), {
        method,
        data: method === "GET" ? undefined : "{}",
        headers: { "content-type": "application/json", origin: "http://evil.example" },
      });
      expect([key, res.status(), ((await res.json()) as { code?: string }).code]).toEqual([key, 403, "CROSS_SITE_REQUEST"]);
    }
  });

  function actionOutcome(res: APIResponse): "allowed" | "refused" | string {
    if (res.status() === 403) return "refused";
    if ((res.headers()["x-action-redirect"] ?? "").startsWith("/login")) return "refused";
    return res.status() === 200 ? "allowed" : `unexpected ${res.status()}`;
  }
});

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

/** The build's id for a server action and a page that serves it (.next/server/server-reference-manifest.json). */
function serverAction(key: string): { id: string; page: string } {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, ManifestEntry>;
  };
  const [file, name] = key.split("#") as [string, string];
  const found = Object.entries(manifest.node).find(([, e]) => e.filename === file && e.exportedName === name);
  if (!found) throw new Error(`${key} is not in the build's server action manifest: rebuild (npx next build)`);
  const worker = Object.keys(found[1].workers)[0]!;
  return {
    id: found[0],
    page:
      worker
        .replace(/^app/, "")
        .replace(/\/\([^)]*\)/g, "")
        .replace(/\/page$/, "") || "/",
  };
}

/** Calls a server action as the browser does (React's reply encoding: JSON, or FormData when a form is passed). */
async function callAction(request: APIRequestContext, action: { id: string; page: string }, args: ActionArg[]): Promise<APIResponse> {
  const encoded = args.map((a) => (a === FORM ? "$K1" : a === RANDOM_ID ? crypto.randomUUID() : a));
  const headers = { "next-action": action.id, origin: E2E_BASE_URL, accept: "text/x-component" };
  if (args.includes(FORM)) {
    return request.post(action.page, { headers, multipart: { "0": JSON.stringify(encoded), "1_unused": "" } });
  }
  return request.post(action.page, { headers: { ...headers, "content-type": "text/plain;charset=UTF-8" }, data: JSON.stringify(encoded) });
}

test("a refused page says so in the page, without the admin's navigation", async ({ page, signIn }) => {
  await signIn("clinician");
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
});
