import "server-only";
import { listEndpoints } from "@/lib/judge/endpoints";
import { ensureBuiltInTemplates, latestTemplates } from "@/lib/judge/judge-templates";

/** The endpoints a new run may use (archived ones stay with the runs that used them) and the latest templates, for the run forms. */
export async function judgeChoices() {
  await ensureBuiltInTemplates();
  const [endpoints, templates] = await Promise.all([listEndpoints(), latestTemplates()]);
  return {
    endpoints: endpoints
      .filter((e) => e.archivedAt === null)
      .map((e) => ({ id: e.id, name: e.name, supportsBatch: e.supportsBatch, models: Object.keys(e.modelPrices as object) })),
    templates: templates.map((t) => ({ id: t.id, name: t.name, version: t.version, style: t.style, key: t.key })),
  };
}
