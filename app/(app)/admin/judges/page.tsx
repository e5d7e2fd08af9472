import type { Metadata } from "next";
import { EndpointForm } from "@/components/judges/endpoint-form";
import { TemplateForm } from "@/components/judges/template-form";
import { requireRole } from "@/lib/auth/guard";
import { listEndpoints } from "@/lib/judge/endpoints";
import { ensureBuiltInTemplates, latestTemplates } from "@/lib/judge/judge-templates";

export const metadata: Metadata = { title: "LLM judges" };
export const dynamic = "force-dynamic";

export default async function JudgesPage() {
  await requireRole("ADMIN");
  await ensureBuiltInTemplates();
  const [endpoints, templates] = await Promise.all([listEndpoints(), latestTemplates()]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">LLM judges</h1>
      <section aria-labelledby="endpoints-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="endpoints-heading" className="font-semibold">Endpoints</h2>
        <p className="text-sm text-slate-600">Any OpenAI-compatible API (OpenAI, Azure OpenAI, vLLM, Ollama, a gateway). API keys are never stored: give the name of the environment variable that holds the key on the servers, starting with <code>MEDPREF_KEY_</code> or ending in <code>_API_KEY</code> unless the operator set <code>MEDPREF_ENDPOINT_KEY_VARS</code>. Link-local and cloud metadata addresses are refused.</p>
        {endpoints.length > 0 && (
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left"><tr><th className="px-2 py-1">Name</th><th className="px-2 py-1">Base URL</th><th className="px-2 py-1">Key variable</th><th className="px-2 py-1">Structured Outputs</th><th className="px-2 py-1">Batch</th><th className="px-2 py-1">Priced models</th></tr></thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id} className="border-t border-slate-100">
                  <td className="px-2 py-1 font-medium">{e.name}</td>
                  <td className="px-2 py-1 font-mono text-xs">{e.baseUrl}</td>
                  <td className="px-2 py-1 font-mono text-xs">{e.apiKeyEnv} {e.keyRefused ? <span className="text-red-700">(not an allowed key variable: never sent)</span> : e.keyPresent ? <span className="text-emerald-700">(set)</span> : <span className="text-red-700">(not set on this server)</span>}</td>
                  <td className="px-2 py-1">{e.supportsStructuredOutput ? "yes" : "no"}</td>
                  <td className="px-2 py-1">{e.supportsBatch ? "yes" : "no"}</td>
                  <td className="px-2 py-1">{Object.keys(e.modelPrices as object).join(", ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <EndpointForm />
      </section>
      <section aria-labelledby="templates-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="templates-heading" className="font-semibold">Judge templates</h2>
        <p className="text-sm text-slate-600">Editing saves a new version; runs record the version they used.</p>
        {templates.map((t) => (
          <details key={t.id} className="rounded border border-slate-200 p-3">
            <summary className="cursor-pointer font-medium">{t.name} <span className="text-sm font-normal text-slate-500">({t.key}, version {t.version}, {t.style.toLowerCase()})</span></summary>
            <div className="mt-3"><TemplateForm template={t} /></div>
          </details>
        ))}
      </section>
    </div>
  );
}
