import type { Metadata } from "next";
import { EndpointForm } from "@/components/judges/endpoint-form";
import { EndpointRow } from "@/components/judges/endpoint-row";
import { TemplateForm } from "@/components/judges/template-form";
import { requireRole } from "@/lib/auth/guard";
import { formatPrices } from "@/lib/judge/endpoint-prices";
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
        <h2 id="endpoints-heading" className="font-semibold">
          Endpoints
        </h2>
        <p className="text-sm text-slate-600">
          Any OpenAI-compatible API (OpenAI, Azure OpenAI, vLLM, Ollama, a gateway). API keys are never stored: give the name of the
          environment variable that holds the key on the servers, starting with <code>MEDPREF_KEY_</code> or ending in <code>_API_KEY</code>{" "}
          unless the operator set <code>MEDPREF_ENDPOINT_KEY_VARS</code>. Link-local and cloud metadata addresses are refused.
        </p>
        {endpoints.length > 0 && (
          <ul className="divide-y divide-slate-100" aria-label="Endpoints">
            {[...endpoints]
              .sort((a, b) => Number(Boolean(a.archivedAt)) - Number(Boolean(b.archivedAt)))
              .map((e) => (
                <EndpointRow
                  key={e.id}
                  endpoint={{
                    id: e.id,
                    name: e.name,
                    baseUrl: e.baseUrl,
                    apiKeyEnv: e.apiKeyEnv,
                    keyPresent: e.keyPresent === true,
                    keyRefused: e.keyRefused,
                    supportsStructuredOutput: e.supportsStructuredOutput,
                    supportsBatch: e.supportsBatch,
                    models: Object.keys(e.modelPrices as object),
                    prices: formatPrices(e.modelPrices),
                    archived: e.archivedAt !== null,
                  }}
                />
              ))}
          </ul>
        )}
        <EndpointForm />
      </section>
      <section aria-labelledby="templates-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="templates-heading" className="font-semibold">
          Judge templates
        </h2>
        <p className="text-sm text-slate-600">Editing saves a new version; runs record the version they used.</p>
        {templates.map((t) => (
          <details key={t.id} className="rounded border border-slate-200 p-3">
            <summary className="cursor-pointer font-medium">
              {t.name}{" "}
              <span className="text-sm font-normal text-slate-500">
                ({t.key}, version {t.version}, {t.style.toLowerCase()})
              </span>
            </summary>
            <div className="mt-3">
              <TemplateForm template={t} />
            </div>
          </details>
        ))}
      </section>
    </div>
  );
}
