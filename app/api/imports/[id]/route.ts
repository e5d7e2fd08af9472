// GET /api/imports/:id - progress and result of an import, polled by the upload page. Admins only.
import { getImportStatus } from "@/lib/import/import-upload";
import { idParam, noStore, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ roles: ["ADMIN"] }, async ({ params }) =>
  Response.json(await getImportStatus(idParam(params.id, "an import")), noStore),
);
