import { authorizeExportRead } from "@/lib/export/export-access";

export const dynamic = "force-dynamic";

/** GET /api/exports/:id — status, progress and files of one export (session or API token). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const access = await authorizeExportRead(request, (await params).id);
  if (!access.ok) return access.response;
  return Response.json(access.exp);
}
