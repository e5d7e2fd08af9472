// POST /api/endpoints/:id/test - one cheap call to the endpoint (does it answer, how fast, which model).
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { idParam, noStore, route } from "@/lib/http/route";
import { testEndpointConnection } from "@/lib/judge/endpoint-admin";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }, typeof PIPELINE_ROUTES.endpointTest.body>(
  PIPELINE_ROUTES.endpointTest,
  async ({ params, body }) => Response.json(await testEndpointConnection(idParam(params.id, "an endpoint"), body.model), noStore),
);
