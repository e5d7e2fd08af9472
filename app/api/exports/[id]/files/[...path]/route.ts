import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { authorizeExportRead } from "@/lib/export/export-access";
import { publishedFile } from "@/lib/export/export-views";

export const dynamic = "force-dynamic";

const TYPES: Record<string, string> = {
  jsonl: "application/jsonl",
  parquet: "application/vnd.apache.parquet",
  md: "text/markdown; charset=utf-8",
  json: "application/json",
};

/** GET /api/exports/:id/files/data/train.jsonl — one file of a ready package (session or API token). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string; path: string[] }> }) {
  const { id, path } = await params;
  const access = await authorizeExportRead(request, id);
  if (!access.ok) return access.response;
  const { exp } = access;
  const filePath = path.join("/");
  // Only paths the package lists are served: no way out of the export's directory.
  const file = publishedFile(exp, filePath);
  if (!file)
    return Response.json(
      { error: exp.status === "READY" ? `The package has no file "${filePath}".` : `This export is ${exp.status.toLowerCase()}.` },
      { status: 404 },
    );
  const extension = filePath.split(".").pop() ?? "";
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: {
      "content-type": TYPES[extension] ?? "application/octet-stream",
      "content-disposition": `attachment; filename="${filePath.split("/").pop()}"`,
    },
  });
}
