// GET /api/openapi.json - the OpenAPI 3.1 description of the REST API (built from lib/api/operations.ts).
import { openApiDocument } from "@/lib/api/openapi";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ roles: "public" }, async () => Response.json(openApiDocument()));
