import type { Metadata } from "next";
import Link from "next/link";
import { ApiTokenForm, RevokeTokenButton } from "@/components/exports/api-token-form";
import { listApiTokens, scopesForRole } from "@/lib/auth/api-tokens";
import { requireRole } from "@/lib/auth/guard";

export const metadata: Metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "—");

export default async function ApiTokensPage() {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const tokens = await listApiTokens(user.id);
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/exports" className="text-brand-700 underline">
          ← Exports
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">API tokens</h1>
      <p className="text-sm text-slate-600">
        Tokens let scripts call the REST API (described in{" "}
        <a href="/api/openapi.json" className="text-brand-700 underline">
          /api/openapi.json
        </a>
        ), e.g.{" "}
        <code className="rounded bg-slate-100 px-1">
          curl -H &quot;Authorization: Bearer mpt_…&quot; -o export.zip https://…/api/exports/ID/zip
        </code>
        . A token acts as you, only within the scopes you give it (never more than your role may do); it is shown once and stored only as a
        hash.
      </p>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <ApiTokenForm scopes={scopesForRole(user.role)} />
      </section>
      <section aria-labelledby="tokens-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="tokens-heading" className="mb-2 font-semibold">
          Your tokens
        </h2>
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-600">No tokens yet.</p>
        ) : (
          // Seven columns do not fit a phone: the table scrolls inside its card, not the page.
          <div className="overflow-x-auto" role="region" aria-labelledby="tokens-heading" tabIndex={0}>
            <table className="w-full text-sm">
              <thead className="bg-slate-50 text-left">
                <tr>
                  <th className="px-2 py-1">Name</th>
                  <th className="px-2 py-1">Starts with</th>
                  <th className="px-2 py-1">Scopes</th>
                  <th className="px-2 py-1">Created</th>
                  <th className="px-2 py-1">Last used</th>
                  <th className="px-2 py-1">Expires</th>
                  <th className="px-2 py-1">Status</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id} className="border-t border-slate-100">
                    <td className="px-2 py-1">{t.name}</td>
                    <td className="px-2 py-1 font-mono">{t.prefix}…</td>
                    <td className="px-2 py-1">{t.scopes.join(", ")}</td>
                    <td className="px-2 py-1">{day(t.createdAt)}</td>
                    <td className="px-2 py-1">{day(t.lastUsedAt)}</td>
                    <td className="px-2 py-1">{day(t.expiresAt)}</td>
                    <td className="px-2 py-1">{t.revokedAt ? `revoked ${day(t.revokedAt)}` : <RevokeTokenButton tokenId={t.id} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
