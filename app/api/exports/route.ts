import { authorizeApiOrToken } from "@/lib/auth/guard";
import { listExports } from "@/lib/export/export-views";

export const dynamic = "force-dynamic";

/** GET /api/exports — every export with its status and files (researchers, admins; session or API token). */
export async function GET(request: Request) {
  const auth = await authorizeApiOrToken(request, "exports:read", "ADMIN", "RESEARCHER");
  if (!auth.ok) return auth.response;
  return Response.json(await listExports());
}
