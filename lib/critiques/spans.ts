import { z } from "zod";
import { codePointLength, sliceCodePoints } from "@/lib/critiques/code-points";
import { CRITIQUE_SEVERITIES, findTag, TAG_KEY, type CritiqueSeverity, type CritiqueTaxonomy } from "@/lib/critiques/taxonomy";
import { safeText } from "@/lib/text/safe-text";

/**
 * One marked span of a completion: `[start, end)` in code points of the stored completion text
 * (lib/critiques/code-points.ts), the quoted `text` (= sliceCodePoints(completion, start, end)),
 * a tag key of the project's taxonomy, a severity, and the clinician's comment and suggested
 * correction ("" when none). Spans may overlap.
 */
export interface CritiqueSpan {
  start: number;
  end: number;
  text: string;
  tag: string;
  severity: CritiqueSeverity;
  comment: string;
  correction: string;
}

/** Longest comment and correction, in code points. */
export const MAX_SPAN_NOTE = 2000;

const note = (what: string) =>
  safeText()
    .refine(
      (value) => codePointLength(value) <= MAX_SPAN_NOTE,
      `the ${what} is limited to ${MAX_SPAN_NOTE.toLocaleString("en")} characters`,
    )
    .default("");

/**
 * The shape of one span as a client sends it, whatever the project's taxonomy: integer offsets,
 * non-empty quoted text, a tag key, a severity, and an optional comment and correction (≤ 2,000
 * code points each, "" when left out). Whether the offsets and the quote fit the completion, and
 * the tag the taxonomy, is validateSpans' part.
 */
export const critiqueSpanFields = z.object({
  start: z.number().int("offsets are whole numbers").min(0, "offsets start at 0"),
  end: z.number().int("offsets are whole numbers").min(1, "a span covers at least one character"),
  text: safeText().min(1, "quote the marked text"),
  tag: z.string().regex(TAG_KEY, "a tag key is 1–40 lower-case letters, digits or hyphens"),
  severity: z.enum(CRITIQUE_SEVERITIES, { error: "the severity is minor, major or critical" }),
  comment: note("comment"),
  correction: note("correction"),
});

/** critiqueSpanFields with the tag one of `taxonomy`'s. */
export function critiqueSpanSchema(taxonomy: CritiqueTaxonomy) {
  const keys = taxonomy.tags.map((tag) => tag.key);
  return critiqueSpanFields.extend({
    tag: z.string().refine((key) => keys.includes(key), `pick one of the tags: ${keys.join(", ")}`),
  });
}
export type CritiqueSpanInput = z.input<ReturnType<typeof critiqueSpanSchema>>;

/** A problem with one span: its index in the list (from 0), the field to fix, and the message (which counts spans from 1). */
export interface SpanProblem {
  index: number;
  field: "start" | "end" | "text" | "tag" | "severity";
  message: string;
}

export type SpanValidation = { ok: true } | { ok: false; problems: SpanProblem[] };

/** A quote as messages show it: whitespace runs as one space, at most 40 code points. */
function shown(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  const points = Array.from(flat);
  return points.length <= 40 ? flat : `${points.slice(0, 39).join("")}…`;
}

/** Problems with one span's offsets, tag and quote, alone. */
function spanProblems(completion: string, length: number, span: CritiqueSpan, taxonomy: CritiqueTaxonomy): Omit<SpanProblem, "index">[] {
  const problems: Omit<SpanProblem, "index">[] = [];
  if (!findTag(taxonomy, span.tag))
    problems.push({ field: "tag", message: `"${shown(span.tag)}" is not a tag of this project's taxonomy; pick one of the listed tags` });
  if (!CRITIQUE_SEVERITIES.includes(span.severity))
    problems.push({ field: "severity", message: "the severity is minor, major or critical" });
  if (!Number.isInteger(span.start) || span.start < 0)
    problems.push({ field: "start", message: `the start (${span.start}) is not a position in the response; select the text again` });
  else if (!Number.isInteger(span.end) || span.end > length)
    problems.push({
      field: "end",
      message: `the span ends at ${span.end}, after the end of the response (${length} characters); select the text again`,
    });
  else if (span.start >= span.end)
    problems.push({
      field: "end",
      message: `the span is empty (it starts at ${span.start} and ends at ${span.end}); select at least one character`,
    });
  else {
    const actual = sliceCodePoints(completion, span.start, span.end);
    if (actual !== span.text)
      problems.push({
        field: "text",
        message: `the quoted text "${shown(span.text)}" does not match the text at ${span.start}–${span.end} ("${shown(actual)}"); select the text again`,
      });
  }
  return problems;
}

/**
 * Checks spans against the completion they mark and the project's taxonomy: each span's tag is a
 * key of the taxonomy, its offsets are whole code-point offsets with 0 ≤ start < end ≤ the
 * completion's length, its quoted text is exactly the completion's text there, and no two spans
 * have the same start, end and tag (overlapping spans, and the same text under two tags, are
 * allowed). Every problem names the span ("span 2: …", counting from 1) and the field to fix.
 */
export function validateSpans(completionText: string, spans: readonly CritiqueSpan[], taxonomy: CritiqueTaxonomy): SpanValidation {
  const length = codePointLength(completionText);
  const problems: SpanProblem[] = [];
  const firstOf = new Map<string, number>();
  spans.forEach((span, index) => {
    const own = spanProblems(completionText, length, span, taxonomy);
    for (const p of own) problems.push({ index, field: p.field, message: `span ${index + 1}: ${p.message}` });
    if (own.length) return;
    const key = `${span.start}:${span.end}:${span.tag}`;
    const first = firstOf.get(key);
    if (first === undefined) firstOf.set(key, index);
    else
      problems.push({
        index,
        field: "tag",
        message: `span ${index + 1}: the same text (${span.start}–${span.end}) is already marked "${findTag(taxonomy, span.tag)!.label}" by span ${first + 1}; edit that span instead`,
      });
  });
  return problems.length ? { ok: false, problems } : { ok: true };
}

/** Whether any span is critical (a candidate ranked first with one asks for confirmation; exports may drop it as chosen). */
export function hasCriticalSpan(spans: readonly Pick<CritiqueSpan, "severity">[]): boolean {
  return spans.some((span) => span.severity === "critical");
}
