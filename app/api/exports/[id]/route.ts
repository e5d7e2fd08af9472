// GET /api/exports/:id - status, progress and files of one export (session or API token).
import { EXPORT_READERS, exportToRead } from "@/lib/export/export-access";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(EXPORT_READERS, async ({ params }) => Response.json(await exportToRead(params.id)));
