import { Readable } from "node:stream";
import { authorizeExportRead } from "@/lib/export/export-access";
import { exportZipStream } from "@/lib/export/export-views";

export const dynamic = "force-dynamic";

/** GET /api/exports/:id/zip — the whole package as a streamed zip (session or API token). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const access = await authorizeExportRead(request, (await params).id);
  if (!access.ok) return access.response;
  const { exp } = access;
  if (exp.status !== "READY")
    return Response.json({ error: `This export is ${exp.status.toLowerCase()}; it can be downloaded once ready.` }, { status: 409 });
  const name = `medpref-export-${exp.exportVersion ?? exp.id}.zip`;
  return new Response(Readable.toWeb(exportZipStream(exp)) as ReadableStream, {
    headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${name}"` },
  });
}
