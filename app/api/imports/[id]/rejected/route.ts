// GET /api/imports/:id/rejected - the rejected records of a "skip invalid" upload, with reasons (JSONL),
// streamed from the database (any web server can answer). Admins only.
import { readStoredRejectedReport } from "@/lib/import/rejected-report";
import { idParam, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ roles: ["ADMIN"] }, async ({ params }) => {
  const id = idParam(params.id, "an import");
  const report = await readStoredRejectedReport(id);
  return new Response(report.stream, {
    headers: {
      "content-type": "application/x-ndjson",
      "content-length": String(report.bytes),
      "content-disposition": `attachment; filename="rejected-${id}.jsonl"`,
    },
  });
});
