// GET /api/runs - the latest judge and generation runs (session or API token with runs:read).
import { runListing } from "@/lib/api/listings";
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { noStore, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(PIPELINE_ROUTES.runsRead, async () => Response.json(await runListing(), noStore));
