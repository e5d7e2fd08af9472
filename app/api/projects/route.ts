// GET /api/projects - every project with its prompt count (session or API token with projects:read).
import { projectListing } from "@/lib/api/listings";
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { noStore, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(PIPELINE_ROUTES.projectsRead, async () => Response.json(await projectListing(), noStore));
