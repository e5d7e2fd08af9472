// GET /api/endpoints - the OpenAI-compatible endpoints; POST /api/endpoints - add one (Idempotency-Key).
import { endpointListing } from "@/lib/api/listings";
import { idempotentCreate } from "@/lib/api/idempotent-create";
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { noStore, route } from "@/lib/http/route";
import { createEndpoint } from "@/lib/judge/endpoints";

export const dynamic = "force-dynamic";

export const GET = route(PIPELINE_ROUTES.endpointsRead, async () => Response.json(await endpointListing(), noStore));

export const POST = route(PIPELINE_ROUTES.endpointCreate, async ({ request, user, body }) =>
  idempotentCreate(request, user.id, "endpoint.create", body, async () => {
    const endpoint = await createEndpoint(body, user.id);
    return { id: endpoint.id, name: endpoint.name };
  }),
);
