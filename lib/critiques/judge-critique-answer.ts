import { codePointLength, sliceCodePoints } from "@/lib/critiques/code-points";
import { quoteMatcher, type QuoteMatch } from "@/lib/critiques/quote-match";
import { MAX_SPAN_NOTE, type CritiqueSpan } from "@/lib/critiques/spans";
import { CRITIQUE_SEVERITIES, OTHER_TAG, SEVERITY_LABELS, type CritiqueSeverity, type CritiqueTaxonomy } from "@/lib/critiques/taxonomy";
import { extractJson } from "@/lib/judge/extract-json";
import { positionOf } from "@/lib/judge/judge-answer";

/** A judge's critique whose quote was found in no part of its response: kept to be reported, never stored as a span. */
export interface UnmatchedQuote {
  position: number;
  quote: string;
  tag: string;
  severity: CritiqueSeverity;
  comment: string;
}

/** The critique part of a judge's answer, its quotes mapped to the shown completions' offsets. */
export interface JudgeCritiques {
  /** Per shown position (1 = "Response 1"), the spans in the judge's order; positions without spans are absent. */
  spans: Map<number, CritiqueSpan[]>;
  unmatched: UnmatchedQuote[];
  /** How many quotes were matched in each way (for the run's report). */
  matches: Record<QuoteMatch["kind"], number>;
  /** What was changed or left out, one line each ("critique 2: …", counting from 1). */
  notes: string[];
}

type Loose = Record<string, unknown>;

const lowerKeys = (o: Loose): Loose => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
const text = (value: unknown) => (typeof value === "string" ? value : "");

/** At most MAX_SPAN_NOTE code points (a judge's comment is stored as a span's comment). */
function capped(value: string): string {
  return codePointLength(value) <= MAX_SPAN_NOTE ? value : sliceCodePoints(value, 0, MAX_SPAN_NOTE);
}

/** A tag key of the taxonomy for the judge's tag: its key, or its label in any case, else "other". */
function tagOf(raw: unknown, taxonomy: CritiqueTaxonomy): string | null {
  const wanted = text(raw).trim().toLowerCase();
  return taxonomy.tags.find((t) => t.key === wanted || t.label.toLowerCase() === wanted)?.key ?? null;
}

function severityOf(raw: unknown): CritiqueSeverity | null {
  const wanted = text(raw).trim().toLowerCase();
  return CRITIQUE_SEVERITIES.find((s) => s === wanted) ?? null;
}

/**
 * Reads `{"critiques": [{"response", "quote", "tag", "severity", "comment"}]}` from a judge's answer
 * (its text, or the JSON object already extracted), for the completions in the order they were shown
 * (`shownCompletions[0]` is "Response 1"). Never fails: what it cannot use is noted.
 * - a tag that is not a key (nor, in any case, a label) of the taxonomy becomes "other", noted;
 * - a severity other than minor, major or critical becomes major, noted;
 * - a critique naming no shown response, or without a quote, is left out, noted;
 * - each quote is mapped to offsets by quoteMatcher, in the judge's order per response (a quote
 *   repeated in a response lands on its next occurrence); the span's text is the completion's text
 *   there, which for a fuzzy match differs from the quote; unmatched quotes go to `unmatched`;
 * - a critique of the same text with the same tag as an earlier one is left out, noted (spans are unique by start, end and tag);
 * - comments (and a correction, if the judge gave one) are cut to 2,000 code points.
 */
export function parseJudgeCritiques(
  answer: string | Loose,
  shownCompletions: readonly string[],
  taxonomy: CritiqueTaxonomy,
): JudgeCritiques {
  const result: JudgeCritiques = {
    spans: new Map(),
    unmatched: [],
    matches: { exact: 0, normalized: 0, fuzzy: 0, unmatched: 0 },
    notes: [],
  };
  let raw: Loose;
  if (typeof answer === "string") {
    const extracted = extractJson(answer);
    if (!extracted.ok) return { ...result, notes: [extracted.reason] };
    if (typeof extracted.value !== "object" || extracted.value === null || Array.isArray(extracted.value))
      return { ...result, notes: ["the answer is not a JSON object"] };
    raw = extracted.value as Loose;
  } else raw = answer;
  const list = lowerKeys(raw).critiques;
  if (list === undefined) return { ...result, notes: ['the answer has no "critiques" list'] };
  if (!Array.isArray(list)) return { ...result, notes: ['"critiques" is not a list'] };

  const n = shownCompletions.length;
  const matchers = new Map<number, ReturnType<typeof quoteMatcher>>();
  const previousStart = new Map<number, number>();
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    const note = (message: string): void => void result.notes.push(`critique ${i + 1}: ${message}`);
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return note("not an object; left out");
    const c = lowerKeys(entry as Loose);
    const position = positionOf(c.response);
    if (position === null || position < 1 || position > n) return note(`names no shown response (Response 1 to Response ${n}); left out`);
    const quote = text(c.quote);
    if (quote.trim() === "") return note("has no quote; left out");
    let tag = tagOf(c.tag, taxonomy);
    if (tag === null) {
      note(`the tag ${JSON.stringify(c.tag ?? null)} is not in the taxonomy; taken as "${OTHER_TAG}"`);
      tag = OTHER_TAG;
    }
    let severity = severityOf(c.severity);
    if (severity === null) {
      note(
        `the severity ${JSON.stringify(c.severity ?? null)} is not minor, major or critical; taken as ${SEVERITY_LABELS.major.label.toLowerCase()}`,
      );
      severity = "major";
    }
    const comment = capped(text(c.comment ?? c.explanation));
    const completion = shownCompletions[position - 1]!;
    const matcher = matchers.get(position) ?? matchers.set(position, quoteMatcher(completion)).get(position)!;
    const match = matcher(quote, previousStart.get(position));
    result.matches[match.kind] += 1;
    if (match.kind === "unmatched") {
      result.unmatched.push({ position, quote, tag, severity, comment });
      return;
    }
    previousStart.set(position, match.start);
    const key = `${position}:${match.start}:${match.end}:${tag}`;
    if (seen.has(key)) return note(`repeats an earlier critique of the same text with the same tag; left out`);
    seen.add(key);
    const span: CritiqueSpan = {
      start: match.start,
      end: match.end,
      text: sliceCodePoints(completion, match.start, match.end),
      tag,
      severity,
      comment,
      correction: capped(text(c.correction)),
    };
    result.spans.set(position, [...(result.spans.get(position) ?? []), span]);
  });
  return result;
}

/**
 * The `critiques` property for the judge's Structured Outputs schema (merge it into the answer
 * schema's `properties` and add "critiques" to its `required`): tags limited to the taxonomy's keys,
 * responses to 1..n when n is given.
 */
export function critiqueJsonSchemaProperties(taxonomyKeys: readonly string[], n?: number) {
  return {
    critiques: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["response", "quote", "tag", "severity", "comment"],
        properties: {
          response: n === undefined ? { type: "integer", minimum: 1 } : { type: "integer", minimum: 1, maximum: n },
          quote: { type: "string" },
          tag: { type: "string", enum: [...taxonomyKeys] },
          severity: { type: "string", enum: [...CRITIQUE_SEVERITIES] },
          comment: { type: "string" },
        },
      },
    },
  } as const;
}

/** The paragraph a critique template adds to its output instructions: the answer's shape, the tags and the severities. */
export function critiqueInstructions(taxonomy: CritiqueTaxonomy): string {
  const tags = taxonomy.tags.map((t) => `- ${t.key}: ${t.label}`).join("\n");
  return `Also add to the JSON object a "critiques" list of the passages of the responses that are wrong, unsafe or otherwise faulty:
"critiques": [{"response": <number>, "quote": "<the faulty words>", "tag": "<tag>", "severity": "minor|major|critical", "comment": "<why, 1-2 sentences>"}, ...]
Copy each quote exactly as it appears in the response (no ellipses, no rewording), and quote only the words at fault, at most one sentence. Give one critique per fault; the list is empty when nothing is wrong.
Tags:
${tags}
Severities: minor (imprecise or unclear, unlikely to mislead), major (wrong or missing in a way that misleads), critical (could harm a patient if followed).`;
}
