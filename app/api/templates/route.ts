// GET /api/templates - the latest version of every judge template.
import { templateListing } from "@/lib/api/listings";
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { noStore, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(PIPELINE_ROUTES.templatesRead, async () => Response.json(await templateListing(), noStore));
