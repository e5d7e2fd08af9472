import { z } from "zod";
import {
  canonicalPromptType,
  canonicalSource,
  idLike,
  metadataObject,
  optionalText,
  parseWith,
  userPrompt,
  type NormalizeResult,
} from "@/lib/import/formats/common";

/**
 * MedPref's own records: `{id?, prompt | messages, reference?, source?, type?, tags?, metadata?,
 * completions: [{model, text}]}`.
 */
const message = z.object({
  role: z.enum(["system", "user", "assistant"], { error: 'must be "system", "user" or "assistant"' }),
  content: z.string(),
});

const schema = z
  .object({
    id: idLike.optional(),
    prompt: z.string().optional(),
    messages: z.array(message).optional(),
    reference: optionalText.optional(),
    source: optionalText.optional(),
    type: optionalText.optional(),
    tags: z.array(z.string()).optional(),
    metadata: metadataObject.optional(),
    completions: z.array(z.object({ model: z.string(), text: z.string() })),
  })
  .check((ctx) => {
    const v = ctx.value;
    if (v.prompt === undefined && v.messages === undefined) {
      ctx.issues.push({ code: "custom", path: ["prompt"], message: "missing prompt: give `prompt` (a string) or `messages`", input: v });
    }
    if (v.prompt !== undefined && v.messages !== undefined) {
      ctx.issues.push({ code: "custom", path: ["messages"], message: "give either `prompt` or `messages`, not both", input: v });
    }
  });

export function normalizeMedPrefRecord(raw: unknown): NormalizeResult {
  const result = parseWith(schema, raw, (r) => ({
    externalId: r.id ?? null,
    messages: r.messages ?? userPrompt(r.prompt ?? ""),
    referenceAnswer: r.reference ?? null,
    source: canonicalSource(r.source ?? null),
    promptType: canonicalPromptType(r.type ?? null),
    tags: r.tags ?? [],
    metadata: r.metadata ?? {},
    completions: r.completions.map((c) => ({ model: c.model, text: c.text.trim() })),
  }));
  return result.ok ? { ok: true, prompt: result.value } : result;
}
