// GET /api/exports - every export with its status and files (researchers, admins; session or API token).
import { EXPORT_READERS } from "@/lib/export/export-access";
import { listExports } from "@/lib/export/export-views";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(EXPORT_READERS, async () => Response.json(await listExports()));
