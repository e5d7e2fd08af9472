import type { ImportLimits, NormalizedPrompt } from "@/lib/import/types";
import { unsafeNameReason } from "@/lib/text/safe-text";

export interface FieldProblem {
  field: string;
  reason: string;
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** Names and labels are shown inline in tables and exports: short, and without bidi overrides. */
export const NAME_LIMITS = { modelName: 200, sourceOrType: 200, tags: 50, tag: 100, metadataKeys: 100, metadataKey: 200 } as const;

/** Rules every imported prompt obeys, whatever its file format. */
export function validateNormalizedPrompt(p: NormalizedPrompt, limits: ImportLimits): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  if (p.messages.length === 0) problems.push({ field: "prompt", reason: "missing prompt: no conversation turns" });
  const last = p.messages.at(-1);
  if (last && last.role !== "user") {
    problems.push({ field: "messages", reason: `the conversation must end with a user turn (it ends with "${last.role}")` });
  }
  p.messages.forEach((m, i) => {
    if (m.content.trim() === "") problems.push({ field: `messages[${i}].content`, reason: "empty message" });
    if (utf8Bytes(m.content) > limits.maxFieldBytes) {
      problems.push({
        field: `messages[${i}].content`,
        reason: `over the size limit of ${kb(limits.maxFieldBytes)} (${kb(utf8Bytes(m.content))})`,
      });
    }
  });
  if (p.referenceAnswer !== null && utf8Bytes(p.referenceAnswer) > limits.maxFieldBytes) {
    problems.push({ field: "reference", reason: `over the size limit of ${kb(limits.maxFieldBytes)}` });
  }
  for (const [field, value] of [
    ["source", p.source],
    ["type", p.promptType],
  ] as const) {
    if (value !== null && value.length > NAME_LIMITS.sourceOrType)
      problems.push({ field, reason: `longer than ${NAME_LIMITS.sourceOrType} characters` });
  }
  if (p.tags.length > NAME_LIMITS.tags) problems.push({ field: "tags", reason: `${p.tags.length} tags; at most ${NAME_LIMITS.tags}` });
  p.tags.forEach((tag, i) => {
    if (tag.length > NAME_LIMITS.tag) problems.push({ field: `tags[${i}]`, reason: `longer than ${NAME_LIMITS.tag} characters` });
  });
  const metadataKeys = Object.keys(p.metadata);
  if (metadataKeys.length > NAME_LIMITS.metadataKeys)
    problems.push({ field: "metadata", reason: `${metadataKeys.length} keys; at most ${NAME_LIMITS.metadataKeys}` });
  for (const key of metadataKeys) {
    if (key.length > NAME_LIMITS.metadataKey)
      problems.push({ field: "metadata", reason: `a key is longer than ${NAME_LIMITS.metadataKey} characters ("${key.slice(0, 40)}…")` });
  }
  const n = p.completions.length;
  if (n < limits.minCandidates || n > limits.maxCandidates) {
    problems.push({
      field: "completions",
      reason: `${n} candidate${n === 1 ? "" : "s"}; a prompt needs ${limits.minCandidates} to ${limits.maxCandidates}`,
    });
  }
  const seen = new Map<string, number>();
  p.completions.forEach((c, i) => {
    if (c.model.trim() === "") problems.push({ field: `completions[${i}].model`, reason: "empty model name" });
    if (c.model.length > NAME_LIMITS.modelName)
      problems.push({ field: `completions[${i}].model`, reason: `model name longer than ${NAME_LIMITS.modelName} characters` });
    const nameProblem = unsafeNameReason(c.model);
    if (nameProblem) problems.push({ field: `completions[${i}].model`, reason: `model name ${nameProblem}` });
    const first = seen.get(c.model);
    if (first !== undefined) {
      problems.push({ field: `completions[${i}].model`, reason: `duplicate model name "${c.model}" (also completions[${first}])` });
    } else {
      seen.set(c.model, i);
    }
    if (c.text.trim() === "") problems.push({ field: `completions[${i}].text`, reason: "empty completion" });
    const bytes = utf8Bytes(c.text);
    if (bytes > limits.maxFieldBytes) {
      problems.push({
        field: `completions[${i}].text`,
        reason: `over the size limit of ${kb(limits.maxFieldBytes)} per completion (${kb(bytes)})`,
      });
    }
  });
  return problems;
}
