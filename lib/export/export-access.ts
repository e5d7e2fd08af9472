import "server-only";
import { authorizeApiOrToken } from "@/lib/auth/guard";
import { getExport, type ExportView } from "@/lib/export/export-views";

/** For export routes: a researcher's or admin's session or API token, and the export itself (404 if none). */
export async function authorizeExportRead(
  request: Request,
  id: string,
): Promise<{ ok: true; exp: ExportView } | { ok: false; response: Response }> {
  const auth = await authorizeApiOrToken(request, "exports:read", "ADMIN", "RESEARCHER");
  if (!auth.ok) return auth;
  const exp = await getExport(id);
  if (!exp) return { ok: false, response: Response.json({ error: "No such export." }, { status: 404 }) };
  return { ok: true, exp };
}
