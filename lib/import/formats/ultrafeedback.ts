import { z } from "zod";
import { canonicalSource, idLike, parseWith, userPrompt, type NormalizeResult } from "@/lib/import/formats/common";

/**
 * UltraFeedback-style records: `{instruction, completions: [{model, response, ...}], ...}`.
 * Every other field is kept as metadata (per-completion extras under `completionExtras`).
 */
const schema = z.looseObject({
  id: idLike.optional(),
  source: z.string().nullish(),
  instruction: z.string({ error: (i) => (i.input === undefined ? "missing prompt: no instruction" : "wrong type: expected string") }),
  completions: z.array(z.looseObject({ model: z.string(), response: z.string() })),
});

export function normalizeUltraFeedback(raw: unknown): NormalizeResult {
  const result = parseWith(schema, raw, (r) => {
    const { id, source, instruction, completions, ...rest } = r;
    const extras = completions.map(({ model, response: _r, ...extra }) => ({ model, ...extra }));
    const hasExtras = extras.some((e) => Object.keys(e).length > 1);
    return {
      externalId: id ?? null,
      messages: userPrompt(instruction),
      referenceAnswer: null,
      source: canonicalSource(source ?? null),
      promptType: null,
      tags: [],
      metadata: { ...rest, ...(source ? { source } : {}), ...(hasExtras ? { completionExtras: extras } : {}) },
      completions: completions.map((c) => ({ model: c.model, text: c.response.trim() })),
    };
  });
  return result.ok ? { ok: true, prompt: result.value } : result;
}
