import { authorizeApiOrToken } from "@/lib/auth/guard";
import { getExport } from "@/lib/export/export-views";

export const dynamic = "force-dynamic";

/** GET /api/exports/:id — status, progress and files of one export (session or API token). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApiOrToken(request, "exports:read", "ADMIN", "RESEARCHER");
  if (!auth.ok) return auth.response;
  const exp = await getExport((await params).id);
  if (!exp) return Response.json({ error: "No such export." }, { status: 404 });
  return Response.json(exp);
}
