import "server-only";
import { UsageError } from "@/lib/cli/command";
import { isId } from "@/lib/core/ids";
import { listEndpoints } from "@/lib/judge/endpoints";
import { ensureBuiltInTemplates, latestTemplates } from "@/lib/judge/judge-templates";

/** An endpoint named on the command line by name or id; an unknown one is a usage error naming the flag and the choices. */
export async function endpointFromFlag(flag: string, value: string) {
  const endpoints = await listEndpoints();
  const found = endpoints.find((e) => e.name === value || (isId(value) && e.id === value));
  if (!found) {
    const names = endpoints.filter((e) => !e.archivedAt).map((e) => e.name);
    throw new UsageError(
      `${flag}: no endpoint named "${value}" (${names.length ? `endpoints: ${names.join(", ")}` : "add one with endpoint add"})`,
    );
  }
  return found;
}

/** The latest version of a template named by key, or a template version by id. */
export async function templateFromFlag(flag: string, value: string) {
  const templates = await templatesOnRecord();
  const found = templates.find((t) => t.key === value || (isId(value) && t.id === value));
  if (!found) throw new UsageError(`${flag}: no template "${value}" (templates: ${templates.map((t) => t.key).join(", ")})`);
  return found;
}

/** The latest templates, built-ins written first (a command line may run before any worker has started). */
export async function templatesOnRecord() {
  await ensureBuiltInTemplates();
  return latestTemplates();
}
