import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/guard";
import { auditChanges } from "@/lib/audit/audit-diff";
import { auditActions, auditFilterSchema, auditNames, listAuditEntries } from "@/lib/audit/list-audit";
import { describeProblems, zodProblems } from "@/lib/errors/zod-problems";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

const PAGE = 200;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireRole("ADMIN");
  const raw = Object.fromEntries(
    Object.entries(await searchParams)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
      .filter(([, v]) => v),
  );
  const parsed = auditFilterSchema.safeParse(raw);
  const filter = parsed.success ? parsed.data : {};
  const beforeId = typeof raw.before === "string" && /^\d+$/.test(raw.before) ? raw.before : undefined;
  const [entries, actions] = await Promise.all([listAuditEntries(filter, { limit: PAGE, beforeId }), auditActions()]);
  const names = await auditNames(entries);
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
  const input = "mt-1 block rounded-md border border-slate-300 px-2 py-1";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="text-sm text-slate-600">
        Who did what and when: imports, submissions, revisions, judge runs, exports, user and role changes. Entries are append-only: the
        database refuses to change them.
      </p>
      <form
        method="get"
        aria-label="Filter the audit log"
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
      >
        <label>
          Actor (email or name)
          <input name="actor" defaultValue={filter.actor ?? ""} className={input} />
        </label>
        <label>
          Action
          <input
            name="action"
            list="audit-actions"
            defaultValue={filter.action ?? ""}
            placeholder="e.g. user. or ranking.submit"
            className={input}
          />
          <datalist id="audit-actions">
            {actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label>
          Entity type
          <input name="entityType" defaultValue={filter.entityType ?? ""} placeholder="user, prompt, judge_run…" className={input} />
        </label>
        <label>
          Entity id
          <input name="entityId" defaultValue={filter.entityId ?? ""} className={input} />
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={filter.from ?? ""} className={input} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={filter.to ?? ""} className={input} />
        </label>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          Filter
        </button>
        <Link href="/admin/audit" className="px-2 py-2 text-brand-700 underline">
          Clear
        </Link>
        <a
          href={`/api/audit/export?${query}`}
          className="ml-auto rounded-md border border-brand-600 px-4 py-2 font-medium text-brand-700 hover:bg-brand-50"
          download
        >
          Download CSV
        </a>
        {!parsed.success && (
          <p role="alert" className="w-full rounded-md bg-red-50 px-3 py-2 text-red-800">
            Filter ignored: {describeProblems(zodProblems(parsed.error))}
          </p>
        )}
      </form>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" aria-label="Audit entries">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">Time (UTC)</th>
              <th className="px-3 py-2">Actor</th>
              <th className="px-3 py-2">Action</th>
              <th className="px-3 py-2">Entity</th>
              <th className="px-3 py-2">Changes</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && (
              <tr>
                <td colSpan={5} className="px-3 py-3 text-slate-600">
                  No entries match.
                </td>
              </tr>
            )}
            {entries.map((e) => (
              <tr key={e.id} className="border-t border-slate-100 align-top">
                <td className="whitespace-nowrap px-3 py-2">{e.createdAt.toISOString().slice(0, 19).replace("T", " ")}</td>
                <td className="px-3 py-2">{e.actor}</td>
                <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-3 py-2 text-xs">
                  <span className="font-mono">{e.entityType}</span>
                  {e.entityId ? (
                    <> {names.get(e.entityId.toLowerCase()) ?? <span className="font-mono">#{e.entityId.slice(0, 8)}</span>}</>
                  ) : (
                    ""
                  )}
                </td>
                <td className="min-w-[16rem] px-3 py-2 text-xs">
                  <ul className="space-y-0.5">
                    {auditChanges(e.before, e.after, names).map((c) => (
                      <li key={c.field} className="[overflow-wrap:anywhere]">
                        <span className="font-medium">{c.field}:</span>{" "}
                        {c.before !== null && (
                          <>
                            <del className="text-red-800">{c.before}</del>
                            {c.after !== null && " → "}
                          </>
                        )}
                        {c.after !== null && <ins className="text-emerald-800 no-underline">{c.after}</ins>}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {entries.length === PAGE && (
        <p>
          <Link
            href={`/admin/audit?${new URLSearchParams([...query, ["before", entries.at(-1)!.id]])}`}
            className="text-brand-700 underline"
          >
            Older entries →
          </Link>
        </p>
      )}
    </div>
  );
}
