import "server-only";
import { listEndpoints } from "@/lib/judge/endpoints";
import { ensureBuiltInTemplates, latestTemplates } from "@/lib/judge/judge-templates";
import { listRuns } from "@/lib/judge/runs/run-views";
import { listProjects } from "@/lib/projects/queries";

/**
 * The lists scripts read, in one shape for the command line's --json and the REST API: the same
 * fields in both, so a script can move from one to the other.
 */

export async function projectListing() {
  return (await listProjects()).map((p) => ({ slug: p.slug, name: p.name, prompts: p.prompts, overlapK: p.overlapK }));
}

export async function endpointListing() {
  return (await listEndpoints()).map((e) => ({
    id: e.id,
    name: e.name,
    baseUrl: e.baseUrl,
    apiKeyEnv: e.apiKeyEnv,
    /** Whether the key variable is set where this answer was made (null: the variable is not an allowed one). */
    keyPresent: e.keyPresent,
    supportsBatch: e.supportsBatch,
    supportsStructuredOutput: e.supportsStructuredOutput,
    archived: e.archivedAt !== null,
  }));
}

/** The latest version of each template; built-ins are written first (a fresh install may not have run a worker yet). */
export async function templateListing() {
  await ensureBuiltInTemplates();
  return (await latestTemplates()).map((t) => ({
    id: t.id,
    key: t.key,
    version: t.version,
    name: t.name,
    style: t.style,
    systemPrompt: t.systemPrompt,
    userTemplate: t.userTemplate,
  }));
}

export async function runListing() {
  return (await listRuns()).map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    mode: r.mode,
    status: r.status,
    project: r.projectSlug,
    model: r.model,
    units: r.unitsTotal,
    done: r.unitsDone,
    failed: r.unitsFailed,
  }));
}
