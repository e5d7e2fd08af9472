import fs from "node:fs";
import path from "node:path";

/**
 * Who may use each page, route handler and server action. The matrix test finds every one of
 * them on the file system and fails for any without an entry here (and for entries that no
 * longer exist), so a new route cannot ship unchecked.
 */
export const CALLERS = ["anonymous", "clinician", "researcher", "admin", "token"] as const;
export type Caller = (typeof CALLERS)[number];

const EVERYONE: Caller[] = [...CALLERS];
const SIGNED_IN: Caller[] = ["clinician", "researcher", "admin"];
const ADMIN: Caller[] = ["admin"];
const CLINICIAN: Caller[] = ["clinician"];
const STAFF: Caller[] = ["admin", "researcher"];
/**
 * Reads that also take an API token: the matrix's token is a researcher's with every scope a
 * researcher may give one (exports:read, projects:read, runs:read); admin-only routes refuse it.
 */
const EXPORT_READERS: Caller[] = ["admin", "researcher", "token"];
const STAFF_OR_TOKEN: Caller[] = ["admin", "researcher", "token"];

/** Pages by their URL template (route groups dropped). */
export const PAGES: Record<string, Caller[]> = {
  "/": SIGNED_IN,
  "/login": EVERYONE,
  "/admin/audit": ADMIN,
  "/help/agreement": STAFF,
  "/admin/judges": ADMIN,
  "/admin/projects/[slug]/import": ADMIN,
  "/admin/users": ADMIN,
  "/annotate": CLINICIAN,
  "/annotate/[slug]": CLINICIAN,
  "/annotate/[slug]/assignments/[id]": CLINICIAN,
  "/annotate/[slug]/history": CLINICIAN,
  "/annotate/[slug]/rankings/[id]": CLINICIAN,
  "/annotate/[slug]/verify/[setId]": CLINICIAN,
  "/annotate/[slug]/verify/[setId]/answers": CLINICIAN,
  "/annotate/[slug]/verify/[setId]/answers/[voteId]": CLINICIAN,
  "/exports": STAFF,
  "/exports/[id]": STAFF,
  "/exports/tokens": STAFF,
  "/leaderboards/[target]/[id]": STAFF,
  "/projects": STAFF,
  "/projects/[slug]": STAFF,
  "/projects/[slug]/agreement": STAFF,
  "/projects/[slug]/agreement/disagreements": ADMIN,
  "/projects/[slug]/prompts/[promptId]": STAFF,
  "/projects/[slug]/verification": STAFF,
  "/projects/[slug]/verification/[setId]": STAFF,
  "/runs": STAFF,
  "/runs/[id]": STAFF,
};

/** Route handlers as "METHOD /api/…" (next-auth's own /api/auth/* is next-auth's business). */
export const ROUTES: Record<string, Caller[]> = {
  "GET /api/assignments/[id]": CLINICIAN,
  "PUT /api/assignments/[id]/draft": CLINICIAN,
  "POST /api/assignments/[id]/skip": CLINICIAN,
  "POST /api/assignments/[id]/submit": CLINICIAN,
  "GET /api/audit/export": ADMIN,
  "GET /api/exports": EXPORT_READERS,
  "GET /api/exports/[id]": EXPORT_READERS,
  "GET /api/exports/[id]/files/[...path]": EXPORT_READERS,
  "GET /api/exports/[id]/zip": EXPORT_READERS,
  "GET /api/health": EVERYONE,
  "GET /api/imports/[id]": ADMIN,
  "GET /api/leaderboards/[target]/[id]": STAFF_OR_TOKEN,
  "POST /api/leaderboards/[target]/[id]/evaluations": STAFF,
  "GET /api/imports/[id]/rejected": ADMIN,
  "GET /api/projects/[slug]/annotation/next": CLINICIAN,
  "GET /api/projects/[slug]/annotation/progress": CLINICIAN,
  "POST /api/projects/[slug]/imports": ADMIN,
  "GET /api/rankings/[id]": CLINICIAN,
  "PUT /api/rankings/[id]": CLINICIAN,
  "GET /api/projects/[slug]/verification/next": CLINICIAN,
  "GET /api/verification-assignments/[id]": CLINICIAN,
  "PUT /api/verification-assignments/[id]/draft": CLINICIAN,
  "POST /api/verification-assignments/[id]/submit": CLINICIAN,
  "POST /api/verification-assignments/[id]/skip": CLINICIAN,
  "GET /api/verification-votes/[id]": CLINICIAN,
  "PUT /api/verification-votes/[id]": CLINICIAN,
  "GET /api/runs/[id]": STAFF_OR_TOKEN,
  "GET /api/runs": STAFF_OR_TOKEN,
  "POST /api/runs/[id]/[command]": ADMIN,
  "POST /api/judge-runs": ADMIN,
  "POST /api/generation-runs": ADMIN,
  "GET /api/projects": STAFF_OR_TOKEN,
  "GET /api/endpoints": ADMIN,
  "POST /api/endpoints": ADMIN,
  "POST /api/endpoints/[id]/test": ADMIN,
  "GET /api/templates": ADMIN,
  "GET /api/templates/[key]": ADMIN,
  "GET /api/openapi.json": EVERYONE,
};

/** An argument of a server action call: a form (sent as FormData) or a fresh random id. */
export const FORM = { form: true } as const;
export const RANDOM_ID = { randomId: true } as const;
export type ActionArg = typeof FORM | typeof RANDOM_ID | string | number | boolean | null | Record<string, unknown>;

/**
 * Server actions as "file#export", with the arguments the test calls them with: harmless ones
 * (empty forms, ids that do not exist), so an allowed caller gets a validation error, not a change.
 */
export const ACTIONS: Record<string, { callers: Caller[]; args: ActionArg[]; endsCallersSessions?: true }> = {
  // Really ends the caller's sessions, so the test calls it from a session of its own.
  "app/(app)/account/actions.ts#signOutEverywhereAction": { callers: SIGNED_IN, args: [], endsCallersSessions: true },
  "app/(app)/admin/users/actions.ts#endSessionsAction": { callers: ADMIN, args: [RANDOM_ID] },
  "app/(app)/admin/judges/endpoint-actions.ts#archiveEndpointAction": { callers: ADMIN, args: [RANDOM_ID] },
  "app/(app)/admin/judges/endpoint-actions.ts#restoreEndpointAction": { callers: ADMIN, args: [RANDOM_ID] },
  "app/(app)/admin/judges/endpoint-actions.ts#testEndpointAction": { callers: ADMIN, args: [RANDOM_ID, "no-such-model"] },
  "app/(app)/admin/judges/endpoint-actions.ts#updateEndpointAction": { callers: ADMIN, args: [RANDOM_ID, null, FORM] },
  "app/theme-actions.ts#saveThemeAction": { callers: SIGNED_IN, args: ["no-such-theme"] },
  "app/(app)/admin/judges/actions.ts#createEndpointAction": { callers: ADMIN, args: [null, FORM] },
  "app/(app)/admin/judges/actions.ts#editTemplateAction": { callers: ADMIN, args: ["no-such-template", null, FORM] },
  "app/(app)/admin/users/actions.ts#createUserAction": { callers: ADMIN, args: [null, FORM] },
  "app/(app)/admin/users/actions.ts#changeRoleAction": { callers: ADMIN, args: [RANDOM_ID, "CLINICIAN"] },
  "app/(app)/admin/users/actions.ts#setActiveAction": { callers: ADMIN, args: [RANDOM_ID, true] },
  "app/(app)/admin/users/actions.ts#resetPasswordAction": { callers: ADMIN, args: [RANDOM_ID] },
  "app/(app)/exports/actions.ts#createExportAction": { callers: STAFF, args: [null, FORM] },
  "app/(app)/exports/actions.ts#createApiTokenAction": { callers: STAFF, args: [null, FORM] },
  "app/(app)/exports/actions.ts#revokeApiTokenAction": { callers: STAFF, args: [RANDOM_ID] },
  "app/(app)/projects/actions.ts#createProjectAction": { callers: ADMIN, args: [null, FORM] },
  "app/(app)/projects/[slug]/actions.ts#updateSettingsAction": { callers: ADMIN, args: ["no-such-project", null, FORM] },
  "app/(app)/projects/[slug]/actions.ts#assignBatchAction": { callers: ADMIN, args: ["no-such-project", null, FORM] },
  "app/(app)/projects/[slug]/actions.ts#saveTaxonomyAction": { callers: ADMIN, args: ["no-such-project", null, FORM] },
  // Starts a judge run that spends an endpoint's budget: admins only.
  "app/(app)/leaderboards/actions.ts#createJudgeEvaluationAction": { callers: ADMIN, args: [null, FORM] },
  "app/(app)/projects/[slug]/actions.ts#setReferenceRankingAction": {
    callers: ADMIN,
    args: ["no-such-project", RANDOM_ID, "GOLD", { tiers: [] }],
  },
  "app/(app)/projects/[slug]/actions.ts#sendBackAction": { callers: ADMIN, args: ["no-such-project", RANDOM_ID, null, FORM] },
  "app/(app)/projects/[slug]/verification/actions.ts#createVerificationSetAction": {
    callers: ADMIN,
    args: ["no-such-project", null, FORM],
  },
  "app/(app)/projects/[slug]/verification/actions.ts#adjudicatePairAction": {
    callers: ADMIN,
    args: ["no-such-project", RANDOM_ID, RANDOM_ID, null, FORM],
  },
  "app/(app)/projects/[slug]/verification/actions.ts#exportVerificationSetAction": { callers: STAFF, args: [RANDOM_ID, null, FORM] },
  "app/(app)/runs/actions.ts#createJudgeRunAction": { callers: ADMIN, args: [null, FORM] },
  "app/(app)/runs/actions.ts#createGenerationRunAction": { callers: ADMIN, args: [null, FORM] },
  "app/(app)/runs/actions.ts#controlRunAction": { callers: ADMIN, args: [RANDOM_ID, "pause"] },
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(full);
    return [full];
  });
}

/** "/annotate/[slug]" from "app/(app)/annotate/[slug]/page.tsx". */
function urlTemplate(file: string): string {
  const segments = path
    .dirname(file)
    .split(path.sep)
    .slice(1)
    .filter((s) => !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

/** Every page, route handler method and server action in the app, as keys of the tables above. */
export function discoverEntryPoints(root: string) {
  const appFiles = walk(path.join(root, "app")).map((f) => path.relative(root, f));
  const pages = appFiles.filter((f) => /[\\/]page\.(tsx|ts|jsx|js)$/.test(f)).map(urlTemplate);
  const routes = appFiles
    .filter((f) => /[\\/]route\.(ts|js)$/.test(f) && !f.split(path.sep).join("/").startsWith("app/api/auth/"))
    .flatMap((f) => {
      const source = fs.readFileSync(path.join(root, f), "utf8");
      const methods = [
        ...source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g),
      ].map((m) => m[1]!);
      const handlerExports = [...source.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) =>
        [...m[1]!.matchAll(/\bas\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)].map((x) => x[1]!),
      );
      return [...methods, ...handlerExports].map((method) => `${method} ${urlTemplate(f)}`);
    });
  const sourceFiles = ["app", "components", "lib"]
    .flatMap((d) => walk(path.join(root, d)))
    .map((f) => path.relative(root, f))
    .filter((f) => /\.(ts|tsx)$/.test(f));
  const actions = sourceFiles
    .filter((f) => /^\s*(\/\/[^\n]*\n\s*)*["']use server["']/.test(fs.readFileSync(path.join(root, f), "utf8")))
    .flatMap((f) =>
      [...fs.readFileSync(path.join(root, f), "utf8").matchAll(/export\s+(?:async\s+function|const)\s+(\w+)/g)].map(
        (m) => `${f.split(path.sep).join("/")}#${m[1]}`,
      ),
    );
  return { pages: pages.sort(), routes: routes.sort(), actions: actions.sort() };
}
