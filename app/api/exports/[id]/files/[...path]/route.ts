// GET /api/exports/:id/files/data/train.jsonl - one file of a ready package (session or API token).
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { AppError } from "@/lib/errors/app-error";
import { EXPORT_READERS, exportToRead } from "@/lib/export/export-access";
import { publishedFile } from "@/lib/export/export-views";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const TYPES: Record<string, string> = {
  jsonl: "application/jsonl",
  parquet: "application/vnd.apache.parquet",
  md: "text/markdown; charset=utf-8",
  json: "application/json",
};

export const GET = route<{ id: string; path: string[] }>(EXPORT_READERS, async ({ params }) => {
  const exp = await exportToRead(params.id);
  const filePath = params.path.join("/");
  // Only paths the package lists are served: no way out of the export's directory.
  const file = publishedFile(exp, filePath);
  if (!file)
    throw new AppError(
      "NOT_FOUND",
      exp.status === "READY" ? `The package has no file "${filePath}".` : `This export is ${exp.status.toLowerCase()}.`,
    );
  const extension = filePath.split(".").pop() ?? "";
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: {
      "content-type": TYPES[extension] ?? "application/octet-stream",
      "content-disposition": `attachment; filename="${filePath.split("/").pop()}"`,
    },
  });
});
