// GET /api/imports/:id/rejected - the rejected records of a --skip-invalid upload, with reasons (JSONL). Admins only.
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { Readable } from "node:stream";
import { z } from "zod";
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";
import { rejectedReportPath } from "@/lib/import/import-upload";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApi("ADMIN");
  if (!auth.ok) return auth.response;
  try {
    const id = z.uuid("not an import id").parse((await params).id);
    const file = rejectedReportPath(id);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat) return Response.json({ error: "This import has no rejected records on this server." }, { status: 404 });
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
      headers: { "content-type": "application/x-ndjson", "content-length": String(stat.size), "content-disposition": `attachment; filename="rejected-${id}.jsonl"` },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
