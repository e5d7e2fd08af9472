import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { authorizeApiOrToken } from "@/lib/auth/guard";
import { getExport, publishedFile } from "@/lib/export/export-views";

export const dynamic = "force-dynamic";

const TYPES: Record<string, string> = { jsonl: "application/jsonl", parquet: "application/vnd.apache.parquet", md: "text/markdown; charset=utf-8", json: "application/json" };

/** GET /api/exports/:id/files/data/train.jsonl — one file of a ready package (session or API token). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string; path: string[] }> }) {
  const auth = await authorizeApiOrToken(request, "exports:read", "ADMIN", "RESEARCHER");
  if (!auth.ok) return auth.response;
  const { id, path } = await params;
  const exp = await getExport(id);
  if (!exp) return Response.json({ error: "No such export." }, { status: 404 });
  const filePath = path.join("/");
  // Only paths the package lists are served: no way out of the export's directory.
  const file = publishedFile(exp, filePath);
  if (!file) return Response.json({ error: exp.status === "READY" ? `The package has no file "${filePath}".` : `This export is ${exp.status.toLowerCase()}.` }, { status: 404 });
  const extension = filePath.split(".").pop() ?? "";
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: { "content-type": TYPES[extension] ?? "application/octet-stream", "content-disposition": `attachment; filename="${filePath.split("/").pop()}"` },
  });
}
