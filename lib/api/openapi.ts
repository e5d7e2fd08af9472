import "server-only";
import { z } from "zod";
import { API_OPERATIONS, type ApiOperation } from "@/lib/api/operations";
import { API_TOKEN_SCOPES } from "@/lib/auth/api-tokens";
import { STATUS_OF } from "@/lib/errors/app-error";

/** A request body's JSON Schema as a client sends it (before coercion and defaults). */
export function requestSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return json;
}

const ERROR_SCHEMA = {
  type: "object",
  required: ["error", "code"],
  properties: {
    error: { type: "string", description: "The message for people." },
    code: { type: "string", enum: Object.keys(STATUS_OF), description: "What clients branch on." },
    field: { type: "string", description: "The input the error is about." },
    problems: {
      type: "array",
      items: { type: "object", required: ["field", "message"], properties: { field: { type: "string" }, message: { type: "string" } } },
    },
  },
};

const errorAnswer = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

function operationObject(op: ApiOperation) {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const parameters: object[] = names.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: op.pathValues?.[name] ? { type: "string", enum: op.pathValues[name] } : { type: "string" },
  }));
  if (op.idempotent)
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: true,
      description: "8 to 200 characters; a retry with the same key and body gets the first answer again.",
      schema: { type: "string", minLength: 8, maxLength: 200 },
    });
  const roles = op.roles === "public" ? "anyone" : op.roles.length ? op.roles.join(", ") : "any signed-in user";
  const scope = op.tokenScope ? `; or an API token with ${op.tokenScope}` : op.roles === "public" ? "" : "; browser session only";
  return {
    summary: op.summary,
    description: `Who: ${roles}${scope}.`,
    operationId: `${op.method.toLowerCase()}${op.path.replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    ...(parameters.length ? { parameters } : {}),
    ...(op.roles === "public"
      ? { security: [] }
      : { security: op.tokenScope ? [{ session: [] }, { bearer: [op.tokenScope] }] : [{ session: [] }] }),
    ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: requestSchema(op.body.schema) } } } } : {}),
    "x-medpref-roles": op.roles,
    ...(op.tokenScope ? { "x-medpref-token-scope": op.tokenScope } : {}),
    responses: {
      [op.idempotent ? "201" : "200"]: { description: "Done (JSON unless the summary says otherwise)." },
      ...(op.roles === "public"
        ? {}
        : {
            "401": errorAnswer("Not signed in, or the token is unknown, revoked or expired."),
            "403": errorAnswer("The role may not do this, or the token lacks the scope."),
          }),
      ...(op.body || op.idempotent || names.length ? { "422": errorAnswer("Invalid input; `field` names it.") } : {}),
    },
  };
}

/** The OpenAPI 3.1 description of MedPref's REST API, built from API_OPERATIONS. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method.toLowerCase()] = operationObject(op);
  return {
    openapi: "3.1.0",
    info: {
      title: "MedPref API",
      version: "1",
      description:
        "Pipelines without a browser: projects, endpoints, templates, judge and generation runs, exports. Scripts authenticate with a personal API token (Authorization: Bearer mpt_…) whose scopes its owner chose on /exports/tokens; a token never does more than its owner's role may. Errors have one shape (Error); validation failures are 422.",
    },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: `A personal API token. Scopes: ${API_TOKEN_SCOPES.join(", ")}.` },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "A browser session (next-auth's session cookie; __Secure- prefixed over HTTPS).",
        },
      },
    },
  };
}
