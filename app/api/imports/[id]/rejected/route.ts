// GET /api/imports/:id/rejected - the rejected records of a --skip-invalid upload, with reasons (JSONL). Admins only.
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { Readable } from "node:stream";
import { AppError } from "@/lib/errors/app-error";
import { rejectedReportPath } from "@/lib/import/import-upload";
import { idParam, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ roles: ["ADMIN"] }, async ({ params }) => {
  const id = idParam(params.id, "an import");
  const file = rejectedReportPath(id);
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw new AppError("NOT_FOUND", "This import has no rejected records on this server.");
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: {
      "content-type": "application/x-ndjson",
      "content-length": String(stat.size),
      "content-disposition": `attachment; filename="rejected-${id}.jsonl"`,
    },
  });
});
