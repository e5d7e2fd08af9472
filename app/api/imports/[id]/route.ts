// GET /api/imports/:id - progress and result of an import, polled by the upload page. Admins only.
import { z } from "zod";
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";
import { getImportStatus } from "@/lib/import/import-upload";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApi("ADMIN");
  if (!auth.ok) return auth.response;
  try {
    const id = z.uuid("not an import id").parse((await params).id);
    return Response.json(await getImportStatus(id));
  } catch (error) {
    return errorResponse(error);
  }
}
