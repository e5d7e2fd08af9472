import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_OPERATIONS, type HttpMethod } from "@/lib/api/operations";
import { openApiDocument, requestSchema } from "@/lib/api/openapi";
import type { PublicRouteOptions, SignedInRouteOptions } from "@/lib/http/route";

/**
 * /api/openapi.json cannot drift from the routes: every route file under app/api (next-auth's own
 * /api/auth/* aside) is described with each of its methods, the same roles and token scope, and
 * the very request schema the route validates with.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const METHODS: HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** app/api/exports/[id]/files/[...path]/route.ts → /api/exports/{id}/files/{path} */
const apiPath = (file: string) =>
  "/" +
  path
    .relative(path.join(ROOT, "app"), path.dirname(file))
    .split(path.sep)
    .map((part) => part.replace(/^\[(?:\.\.\.)?(\w+)\]$/, "{$1}"))
    .join("/");

type Tagged = { routeOptions?: PublicRouteOptions | SignedInRouteOptions };

async function routeMethods() {
  const files = routeFiles(path.join(ROOT, "app/api")).filter((f) => !f.includes(`${path.sep}api${path.sep}auth${path.sep}`));
  const found: { path: string; method: HttpMethod; options: PublicRouteOptions | SignedInRouteOptions | undefined }[] = [];
  for (const file of files) {
    const routeModule = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      const handler = routeModule[method] as Tagged | undefined;
      if (handler) found.push({ path: apiPath(file), method, options: handler.routeOptions });
    }
  }
  return found;
}

describe("the OpenAPI description", () => {
  it("describes every route file's methods with the roles, token scope and request schema the route itself uses", async () => {
    const doc = openApiDocument();
    const routes = await routeMethods();
    expect(routes.length).toBeGreaterThan(20);
    for (const r of routes) {
      const where = `${r.method} ${r.path}`;
      expect(r.options, `${where} is not made with route()`).toBeDefined();
      const described = (doc.paths[r.path] as Record<string, { requestBody?: { content: { "application/json": { schema: unknown } } } }>)?.[
        r.method.toLowerCase()
      ];
      expect(described, `${where} is missing from /api/openapi.json`).toBeDefined();
      const op = API_OPERATIONS.find((o) => o.method === r.method && o.path === r.path)!;
      expect(op.roles, where).toEqual(r.options!.roles);
      const options = r.options as SignedInRouteOptions;
      expect(op.tokenScope, where).toBe(options.tokenScope);
      // The very schema object, and its JSON Schema in the description.
      expect(op.body?.schema, where).toBe(options.body?.schema);
      expect(described!.requestBody?.content["application/json"].schema, where).toEqual(
        options.body ? requestSchema(options.body.schema) : undefined,
      );
    }
    // Nothing described that no route serves.
    expect(API_OPERATIONS.map((o) => `${o.method} ${o.path}`).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("is served at GET /api/openapi.json as OpenAPI 3.1, with the token scopes and the judge run's fields", async () => {
    const { GET } = (await import("@/app/api/openapi.json/route")) as {
      GET: (r: Request, c: { params: Promise<object> }) => Promise<Response>;
    };
    const response = await GET(new Request("http://medpref.test/api/openapi.json"), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    const served = (await response.json()) as ReturnType<typeof openApiDocument>;
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(served.openapi).toBe("3.1.0");
    const createRun = served.paths["/api/judge-runs"]!.post as {
      security: object[];
      parameters: { name: string; in: string; required: boolean }[];
      requestBody: { content: { "application/json": { schema: { required: string[]; properties: Record<string, { enum?: string[] }> } } } };
    };
    expect(createRun.security).toEqual([{ session: [] }, { bearer: ["runs:write"] }]);
    expect(createRun.parameters).toEqual([expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true })]);
    const body = createRun.requestBody.content["application/json"].schema;
    expect(body.required.sort()).toEqual(["endpointId", "model", "name", "projectSlug", "templateId"]);
    expect(body.properties.mode!.enum).toEqual(["REALTIME", "BATCH"]);
  });
});
