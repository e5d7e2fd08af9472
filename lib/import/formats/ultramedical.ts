import { z } from "zod";
import { canonicalPromptType, canonicalSource, idLike, parseWith, type NormalizeResult } from "@/lib/import/formats/common";
import type { Message } from "@/lib/core/messages";

/**
 * UltraMedical preference-pipeline records:
 * `{id, type, conversations: [{from, value}], answer, model_outputs: [{"<model>": "<text>"}, ...]}`.
 * A trailing "gpt" turn is the reference answer, not part of the prompt; the id's prefix
 * ("medqa,0") names the source dataset.
 */
const turn = z.object({ from: z.enum(["human", "gpt", "system"], { error: 'must be "human", "gpt" or "system"' }), value: z.string() });

const schema = z.looseObject({
  id: idLike,
  type: z.string().nullish(),
  conversations: z.array(turn).min(1, "missing prompt: conversations is empty"),
  answer: z.union([z.string(), z.number()]).nullish(),
  model_outputs: z.array(
    z.record(z.string(), z.string()).refine((o) => Object.keys(o).length === 1, 'each entry must be a single {"<model>": "<text>"} pair'),
  ),
});

const ROLE = { human: "user", gpt: "assistant", system: "system" } as const;

export function normalizeUltraMedical(raw: unknown): NormalizeResult {
  const result = parseWith(schema, raw, (r) => {
    const turns: Message[] = r.conversations.map((t) => ({ role: ROLE[t.from], content: t.value }));
    const last = turns.at(-1);
    const reference = last?.role === "assistant" && turns.length > 1 ? last.content : null;
    const messages = reference === null ? turns : turns.slice(0, -1);
    const { id, type, conversations: _c, answer, model_outputs, ...rest } = r;
    const sourcePrefix = id?.includes(",") ? (id.split(",")[0] ?? null) : null;
    return {
      externalId: id,
      messages,
      referenceAnswer: reference ?? (answer === null || answer === undefined ? null : String(answer)),
      source: canonicalSource(sourcePrefix),
      promptType: canonicalPromptType(type ?? null),
      tags: [],
      metadata: { ...rest, ...(answer !== undefined && answer !== null ? { answer } : {}), ...(type ? { originalType: type } : {}) },
      // Completions carry tokenizer-leading spaces in the released files; the ends are trimmed.
      completions: model_outputs.map((o) => {
        const [model, text] = Object.entries(o)[0] ?? ["", ""];
        return { model, text: text.trim() };
      }),
    };
  });
  return result.ok ? { ok: true, prompt: result.value } : result;
}
