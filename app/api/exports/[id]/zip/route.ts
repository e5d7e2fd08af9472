// GET /api/exports/:id/zip - the whole package as a streamed zip (session or API token).
import { Readable } from "node:stream";
import { AppError } from "@/lib/errors/app-error";
import { EXPORT_READERS, exportToRead } from "@/lib/export/export-access";
import { exportZipStream } from "@/lib/export/export-views";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(EXPORT_READERS, async ({ params }) => {
  const exp = await exportToRead(params.id);
  if (exp.status !== "READY")
    throw new AppError("CONFLICT", `This export is ${exp.status.toLowerCase()}; it can be downloaded once ready.`);
  const name = `medpref-export-${exp.exportVersion ?? exp.id}.zip`;
  return new Response(Readable.toWeb(exportZipStream(exp)) as ReadableStream, {
    headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${name}"` },
  });
});
