import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/guard";
import { listAuditEntries } from "@/lib/audit/list-audit";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

const show = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));

export default async function AuditPage() {
  await requireRole("ADMIN");
  const entries = await listAuditEntries();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="text-sm text-slate-600">The newest {entries.length} entries. Entries are append-only: the database refuses to change them.</p>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">Time (UTC)</th>
              <th className="px-3 py-2">Actor</th>
              <th className="px-3 py-2">Action</th>
              <th className="px-3 py-2">Entity</th>
              <th className="px-3 py-2">Before</th>
              <th className="px-3 py-2">After</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} className="border-t border-slate-100 align-top">
                <td className="whitespace-nowrap px-3 py-2">{e.createdAt.toISOString().slice(0, 19).replace("T", " ")}</td>
                <td className="px-3 py-2">{e.actor}</td>
                <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-3 py-2 font-mono text-xs">{e.entityType}{e.entityId ? ` ${e.entityId.slice(0, 8)}` : ""}</td>
                <td className="max-w-xs break-all px-3 py-2 font-mono text-xs">{show(e.before)}</td>
                <td className="max-w-xs break-all px-3 py-2 font-mono text-xs">{show(e.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
