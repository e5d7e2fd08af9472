import "server-only";
import { z } from "zod";
import type { Role } from "@/generated/prisma/client";
import type { ApiTokenScope } from "@/lib/auth/api-tokens";
import { EXPORT_READERS } from "@/lib/export/export-access";
import type { JsonBody } from "@/lib/http/route";
import { endpointInput } from "@/lib/judge/endpoints";
import { generationRunInput } from "@/lib/judge/runs/create-generation-run";
import { judgeRunInput } from "@/lib/judge/runs/create-judge-run";
import { DRAFT_BODY, SKIP_BODY, SUBMISSION_BODY } from "@/lib/ranking/submission-schema";
import { LEADERBOARD_READERS, SCORE_UPLOADERS } from "@/lib/rm-eval/leaderboard-routes";
import { PAIR_ANSWER_BODY, PAIR_DRAFT_BODY } from "@/lib/verification/pair-answer";

/**
 * Every route under app/api (but next-auth's own /api/auth/*): its method and path, who may call
 * it (the same options object, or an equal one, that the route passes to route()) and the JSON
 * body it validates. /api/openapi.json is built from this list, and tests/integration/openapi.test.ts
 * checks it against the route files, so the description cannot drift from what the routes do.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI form: /api/runs/{id}. */
  path: string;
  summary: string;
  roles: readonly Role[] | "public";
  tokenScope?: ApiTokenScope;
  body?: JsonBody;
  /** Needs an Idempotency-Key header: a retry with the same key answers the same and creates nothing twice. */
  idempotent?: true;
  /** Path parameters that take a fixed set of values. */
  pathValues?: Record<string, readonly string[]>;
}

const KB = 1024;

/** Route options of the pipeline routes (route() gets these very objects). */
export const PIPELINE_ROUTES = {
  projectsRead: { roles: ["ADMIN", "RESEARCHER"], tokenScope: "projects:read" },
  runsRead: { roles: ["ADMIN", "RESEARCHER"], tokenScope: "runs:read" },
  judgeRunCreate: { roles: ["ADMIN"], tokenScope: "runs:write", body: { schema: judgeRunInput, maxBytes: 64 * KB } },
  generationRunCreate: { roles: ["ADMIN"], tokenScope: "runs:write", body: { schema: generationRunInput, maxBytes: 256 * KB } },
  runControl: { roles: ["ADMIN"], tokenScope: "runs:write", contentTypes: null },
  endpointsRead: { roles: ["ADMIN"], tokenScope: "endpoints:read" },
  endpointCreate: { roles: ["ADMIN"], tokenScope: "endpoints:write", body: { schema: endpointInput, maxBytes: 64 * KB } },
  endpointTest: {
    roles: ["ADMIN"],
    tokenScope: "endpoints:write",
    body: { schema: z.object({ model: z.string().trim().max(200).optional() }), maxBytes: 4 * KB },
  },
  templatesRead: { roles: ["ADMIN"], tokenScope: "templates:read" },
} as const satisfies Record<string, { roles: readonly Role[]; tokenScope: ApiTokenScope; body?: JsonBody; contentTypes?: null }>;

const R = PIPELINE_ROUTES;

export const API_OPERATIONS: readonly ApiOperation[] = [
  { method: "GET", path: "/api/openapi.json", summary: "This description of the API (OpenAPI 3.1).", roles: "public" },
  { method: "GET", path: "/api/health", summary: "Liveness and database reachability.", roles: "public" },
  // Pipelines: projects, endpoints, templates, runs.
  { method: "GET", path: "/api/projects", summary: "Every project with its prompt count.", ...R.projectsRead },
  {
    method: "GET",
    path: "/api/endpoints",
    summary: "The OpenAI-compatible endpoints (keys are never shown: only their variable's name).",
    ...R.endpointsRead,
  },
  { method: "POST", path: "/api/endpoints", summary: "Add an endpoint.", ...R.endpointCreate, idempotent: true },
  {
    method: "POST",
    path: "/api/endpoints/{id}/test",
    summary: "One cheap call to the endpoint: does it answer, how fast, which model.",
    ...R.endpointTest,
  },
  { method: "GET", path: "/api/templates", summary: "The latest version of every judge template.", ...R.templatesRead },
  {
    method: "GET",
    path: "/api/templates/{key}",
    summary: "The latest version of one judge template, with its prompts.",
    ...R.templatesRead,
  },
  { method: "GET", path: "/api/runs", summary: "The latest 200 judge and generation runs.", ...R.runsRead },
  { method: "GET", path: "/api/runs/{id}", summary: "A run's progress: counters, spending, pace, ETA.", ...R.runsRead },
  {
    method: "POST",
    path: "/api/runs/{id}/{command}",
    summary: "Start, pause, resume or cancel a run.",
    ...R.runControl,
    pathValues: { command: ["start", "pause", "resume", "cancel"] },
  },
  { method: "POST", path: "/api/judge-runs", summary: "Create a judge run and start it.", ...R.judgeRunCreate, idempotent: true },
  {
    method: "POST",
    path: "/api/generation-runs",
    summary: "Create a generation run and start it.",
    ...R.generationRunCreate,
    idempotent: true,
  },
  // Exports.
  { method: "GET", path: "/api/exports", summary: "Every export with its status and files.", ...EXPORT_READERS },
  { method: "GET", path: "/api/exports/{id}", summary: "One export: status, configuration, manifest.", ...EXPORT_READERS },
  { method: "GET", path: "/api/exports/{id}/files/{path}", summary: "One file of an export.", ...EXPORT_READERS },
  { method: "GET", path: "/api/exports/{id}/zip", summary: "An export as one zip file.", ...EXPORT_READERS },
  // Reward-model leaderboards (issue 17): a verification set's or an export's test split.
  {
    method: "GET",
    path: "/api/leaderboards/{target}/{id}",
    summary: "A benchmark's reward-model leaderboard, with the judge and clinicians as reference rows (?format=json|csv).",
    ...LEADERBOARD_READERS,
    pathValues: { target: ["set", "export"] },
  },
  {
    method: "POST",
    path: "/api/leaderboards/{target}/{id}/evaluations",
    summary:
      "Evaluate a reward model's score file (JSONL body; ?evaluationId&name&notes, the client-chosen id making a retry harmless) on the benchmark and store it.",
    ...SCORE_UPLOADERS,
    pathValues: { target: ["set", "export"] },
  },
  // Imports and audit (admins, browser session).
  {
    method: "POST",
    path: "/api/projects/{slug}/imports",
    summary: "Upload a prompt file (multipart or raw JSONL/JSON/Parquet).",
    roles: ["ADMIN"],
  },
  { method: "GET", path: "/api/imports/{id}", summary: "An import's progress and outcome.", roles: ["ADMIN"] },
  { method: "GET", path: "/api/imports/{id}/rejected", summary: "An import's rejected records.", roles: ["ADMIN"] },
  { method: "GET", path: "/api/audit/export", summary: "The audit log as CSV.", roles: ["ADMIN"] },
  // Annotation (clinicians, browser session).
  { method: "GET", path: "/api/projects/{slug}/annotation/next", summary: "Claim the next assignment.", roles: ["CLINICIAN"] },
  { method: "GET", path: "/api/projects/{slug}/annotation/progress", summary: "One's own progress in a project.", roles: ["CLINICIAN"] },
  { method: "GET", path: "/api/assignments/{id}", summary: "An assignment as the ranking screen shows it.", roles: ["CLINICIAN"] },
  { method: "PUT", path: "/api/assignments/{id}/draft", summary: "Autosave a draft ranking.", roles: ["CLINICIAN"], body: DRAFT_BODY },
  {
    method: "POST",
    path: "/api/assignments/{id}/submit",
    summary: "Submit a ranking.",
    roles: ["CLINICIAN"],
    body: SUBMISSION_BODY,
    idempotent: true,
  },
  { method: "POST", path: "/api/assignments/{id}/skip", summary: "Skip a prompt, with a reason.", roles: ["CLINICIAN"], body: SKIP_BODY },
  { method: "GET", path: "/api/rankings/{id}", summary: "One's own submitted ranking.", roles: ["CLINICIAN"] },
  {
    method: "PUT",
    path: "/api/rankings/{id}",
    summary: "Revise one's own ranking.",
    roles: ["CLINICIAN"],
    body: SUBMISSION_BODY,
    idempotent: true,
  },
  // Pair verification (clinicians, browser session; issue 17).
  {
    method: "GET",
    path: "/api/projects/{slug}/verification/next",
    summary: "Claim the next pair to verify (?set=ID for one verification set).",
    roles: ["CLINICIAN"],
  },
  {
    method: "GET",
    path: "/api/verification-assignments/{id}",
    summary: "A pair assignment as the pair screen shows it.",
    roles: ["CLINICIAN"],
  },
  {
    method: "PUT",
    path: "/api/verification-assignments/{id}/draft",
    summary: "Autosave a draft answer on a pair.",
    roles: ["CLINICIAN"],
    body: PAIR_DRAFT_BODY,
  },
  {
    method: "POST",
    path: "/api/verification-assignments/{id}/submit",
    summary: "Answer a pair: A better, B better, tie or both unacceptable.",
    roles: ["CLINICIAN"],
    body: PAIR_ANSWER_BODY,
    idempotent: true,
  },
  {
    method: "POST",
    path: "/api/verification-assignments/{id}/skip",
    summary: "Skip a pair, with a reason.",
    roles: ["CLINICIAN"],
    body: SKIP_BODY,
  },
  { method: "GET", path: "/api/verification-votes/{id}", summary: "One's own answer on a pair.", roles: ["CLINICIAN"] },
  {
    method: "PUT",
    path: "/api/verification-votes/{id}",
    summary: "Revise one's own answer on a pair.",
    roles: ["CLINICIAN"],
    body: PAIR_ANSWER_BODY,
    idempotent: true,
  },
];
