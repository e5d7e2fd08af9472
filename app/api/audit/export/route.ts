import { authorizeApi } from "@/lib/auth/guard";
import { auditCsv, auditFilterSchema } from "@/lib/audit/list-audit";

export const dynamic = "force-dynamic";

/** GET /api/audit/export?actor=&action=&entityType=&entityId=&from=&to= — the filtered audit log as CSV (admins). */
export async function GET(request: Request) {
  const auth = await authorizeApi("ADMIN");
  if (!auth.ok) return auth.response;
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const parsed = auditFilterSchema.safeParse(params);
  if (!parsed.success)
    return Response.json({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, { status: 400 });
  const rows = auditCsv(parsed.data);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="medpref-audit-${stamp}.csv"` },
  });
}
