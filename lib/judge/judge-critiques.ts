import { critiqueJsonSchemaProperties, parseJudgeCritiques, type JudgeCritiques } from "@/lib/critiques/judge-critique-answer";
import type { CritiqueSpan } from "@/lib/critiques/spans";
import { DEFAULT_TAXONOMY, type CritiqueSeverity, type CritiqueTag, type CritiqueTaxonomy } from "@/lib/critiques/taxonomy";
import { judgeAnswerJsonSchema } from "@/lib/judge/judge-answer";

/**
 * Judges that mark critique spans (issue 18): a template asks for them by holding the placeholder
 * {{critiques}}, where the run's critique taxonomy (fixed when the run is created) goes as
 * instructions; the answer's quotes are mapped back to the candidates' offsets and stored as spans
 * of the judge's ranking, the unmatched ones reported.
 */
export const CRITIQUES_PLACEHOLDER = "{{critiques}}";

/** Whether a template asks the judge for critique spans. */
export function asksForCritiques(userTemplate: string): boolean {
  return userTemplate.includes(CRITIQUES_PLACEHOLDER);
}

/** The taxonomy a run asks its judge to tag in: its version (0: the default) and tags. */
export interface RunCritiqueTaxonomy {
  version: number;
  taxonomy: CritiqueTaxonomy;
}

/**
 * A run's critique taxonomy from what its loaders read: the version kept in the run's config (none:
 * the run asks for no critiques) and that version's tags (none stored: the default taxonomy).
 */
export function runCritiqueTaxonomy(
  version: number | null | undefined,
  tags: CritiqueTag[] | null | undefined,
): RunCritiqueTaxonomy | null {
  if (version === null || version === undefined) return null;
  return { version, taxonomy: tags ? { tags } : DEFAULT_TAXONOMY };
}

/** The response format sent with Structured Outputs: the ranking's schema, with the critiques list when the run asks for them. */
export function judgeResponseFormat(n: number, critiques: CritiqueTaxonomy | null) {
  const ranking = judgeAnswerJsonSchema(n);
  if (!critiques) return { type: "json_schema", json_schema: ranking } as const;
  const keys = critiques.tags.map((t) => t.key);
  return {
    type: "json_schema",
    json_schema: {
      ...ranking,
      schema: {
        ...ranking.schema,
        required: [...ranking.schema.required, "critiques"],
        properties: { ...ranking.schema.properties, ...critiqueJsonSchemaProperties(keys, n) },
      },
    },
  } as const;
}

/** A span the judge marked, on the completion it marks. */
export interface JudgeSpan extends CritiqueSpan {
  completionId: string;
}

/** A quote the judge gave that was found nowhere in the response it named. */
export interface JudgeUnmatchedQuote {
  completionId: string;
  quote: string;
  tag: string;
  severity: CritiqueSeverity;
  comment: string;
}

/** What one judge answer's critiques come to: the spans to store with its ranking, and how its quotes matched. */
export interface JudgeCritiqueOutcome {
  taxonomyVersion: number;
  spans: JudgeSpan[];
  matches: JudgeCritiques["matches"];
  unmatched: JudgeUnmatchedQuote[];
}

/**
 * The critiques of a judge's answer (its text) about the completions it was shown, in shown order
 * (`order[0]` is "Response 1", `texts[i]` the text of `order[i]`), tagged in the run's taxonomy.
 * Spans come per response in shown order, each response's in the judge's order. An answer without
 * a critiques list gives none (and counts nothing).
 */
export function judgeCritiquesOf(
  content: string,
  order: readonly string[],
  texts: readonly string[],
  run: RunCritiqueTaxonomy,
): JudgeCritiqueOutcome {
  const parsed = parseJudgeCritiques(content, texts, run.taxonomy);
  const spans: JudgeSpan[] = [];
  for (const position of [...parsed.spans.keys()].sort((a, b) => a - b))
    for (const span of parsed.spans.get(position)!) spans.push({ completionId: order[position - 1]!, ...span });
  return {
    taxonomyVersion: run.version,
    spans,
    matches: parsed.matches,
    unmatched: parsed.unmatched.map(({ position, ...quote }) => ({ completionId: order[position - 1]!, ...quote })),
  };
}

/** The sentence a repair message adds for a run that asks for critiques (an answer given again must keep them). */
export const KEEP_CRITIQUES = ' Keep the "critiques" list.';
