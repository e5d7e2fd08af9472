import { extractJson } from "@/lib/judge/extract-json";

/**
 * A judge's answer about N candidates shown as "Response 1".."Response N": per shown position a
 * feedback text and a score, and a rank (1 = best; equal ranks are ties). Accepts MedPref's
 * structured-output shape and UltraMedical's ("Model i" keys, Evaluation/Score, counting from 1,
 * or from 0 as UltraMedical's own script did).
 */
export interface JudgeAnswer {
  feedback: { position: number; evaluation: string; score: number | null }[];
  ranks: Map<number, number>;
}

export type ParsedJudgeAnswer = { ok: true; answer: JudgeAnswer } | { ok: false; problems: string[] };

/** The JSON schema sent as Structured Outputs where the endpoint supports them. */
export function judgeAnswerJsonSchema(n: number) {
  return {
    name: "ranking",
    strict: true,
    schema: {
      type: "object",
      additionalProperties: false,
      required: ["feedback", "ranking"],
      properties: {
        feedback: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["response", "evaluation", "score"],
            properties: {
              response: { type: "integer", minimum: 1, maximum: n },
              evaluation: { type: "string" },
              score: { type: "integer", minimum: 1, maximum: 5 },
            },
          },
        },
        ranking: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["rank", "response"],
            properties: { rank: { type: "integer", minimum: 1, maximum: n }, response: { type: "integer", minimum: 1, maximum: n } },
          },
        },
      },
    },
  } as const;
}

type Loose = Record<string, unknown>;
/** The object with its keys lower-cased; itself when they already are (a judge's usual answer: no copy). */
const lower = (o: Loose): Loose =>
  Object.keys(o).every((k) => k === k.toLowerCase()) ? o : Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));

/** "Response 3", "Model 3", "3", 3 → 3 (or null). */
export function positionOf(label: unknown): number | null {
  if (typeof label === "number" && Number.isInteger(label)) return label;
  if (typeof label !== "string") return null;
  const m = /^\s*(?:response|model|candidate|answer)?\s*#?\s*(\d+)\s*$/i.exec(label);
  return m ? Number(m[1]) : null;
}

function numberOf(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

export function parseJudgeAnswer(text: string, n: number): ParsedJudgeAnswer {
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, problems: [extracted.reason] };
  if (typeof extracted.value !== "object" || extracted.value === null || Array.isArray(extracted.value))
    return { ok: false, problems: ["the answer is not a JSON object"] };
  return normalizeJudgeAnswer(lower(extracted.value as Loose), n);
}

export function normalizeJudgeAnswer(raw: Loose, n: number): ParsedJudgeAnswer {
  const problems: string[] = [];
  const feedbackRaw = raw.feedback ?? raw.feedbacks ?? raw.evaluations;
  const entries: [unknown, Loose][] = Array.isArray(feedbackRaw)
    ? feedbackRaw
        .filter((f): f is Loose => typeof f === "object" && f !== null)
        .map((f) => {
          const o = lower(f);
          return [o.response ?? o.model ?? o.position, o];
        })
    : typeof feedbackRaw === "object" && feedbackRaw !== null
      ? Object.entries(feedbackRaw as Loose).map(([k, v]) => [
          k,
          typeof v === "object" && v !== null ? lower(v as Loose) : { evaluation: v },
        ])
      : [];
  const rankingRaw = Array.isArray(raw.ranking) ? raw.ranking : Array.isArray(raw.rankings) ? raw.rankings : null;
  if (!rankingRaw) return { ok: false, problems: ['the answer has no "ranking" list'] };
  const rankingPairs = rankingRaw.map((r) => {
    if (typeof r === "object" && r !== null) {
      const o = lower(r as Loose);
      return [positionOf(o.response ?? o.model ?? o.candidate), numberOf(o.rank)] as const;
    }
    return [positionOf(r), null] as const;
  });
  // A ranking given as a plain list, best first, gets ranks from its order.
  const pairs = rankingPairs.every(([, rank]) => rank === null) ? rankingPairs.map(([p], i) => [p, i + 1] as const) : rankingPairs;
  // Files counting from 0 ("Model 0") are shifted to count from 1.
  const positions = [...pairs.map(([p]) => p), ...entries.map(([k]) => positionOf(k))].filter((p): p is number => p !== null);
  const offset = positions.includes(0) ? 1 : 0;
  const ranks = new Map<number, number>();
  const flagged = new Set<number>();
  for (const [p, rank] of pairs) {
    if (p === null) {
      problems.push("a ranking entry does not name a response");
      continue;
    }
    const position = p + offset;
    if (position < 1 || position > n) problems.push(`the ranking names Response ${position}, but only Response 1 to Response ${n} exist`);
    else if (ranks.has(position)) problems.push(`the ranking lists Response ${position} more than once`);
    else if (rank === null || !Number.isInteger(rank) || rank < 1 || rank > n) {
      flagged.add(position);
      problems.push(`Response ${position} has no valid rank (1 to ${n})`);
    } else ranks.set(position, rank);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((p) => !ranks.has(p) && !flagged.has(p));
  if (missing.length) problems.push(`the ranking leaves out ${missing.map((p) => `Response ${p}`).join(", ")}`);
  const feedback = entries
    .map(([k, v]) => {
      const p = positionOf(k);
      return p === null
        ? null
        : {
            position: p + offset,
            evaluation: String(v.evaluation ?? v.feedback ?? v.explanation ?? ""),
            score: numberOf(v.score ?? v.rating),
          };
    })
    .filter((f): f is JudgeAnswer["feedback"][number] => f !== null && f.position >= 1 && f.position <= n);
  for (const f of feedback)
    if (f.score !== null && (f.score < 0 || f.score > 10)) problems.push(`Response ${f.position} has a score outside 0–10`);
  // Ties are accepted only where the scores agree that the responses are equally good.
  const scoreOf = new Map(feedback.map((f) => [f.position, f.score]));
  const byRank = new Map<number, number[]>();
  for (const [p, r] of ranks) byRank.set(r, [...(byRank.get(r) ?? []), p]);
  for (const [rank, tied] of byRank) {
    if (tied.length < 2) continue;
    const scores = new Set(tied.map((p) => scoreOf.get(p) ?? null));
    if (scores.size > 1 || scores.has(null)) problems.push(`Responses ${tied.join(", ")} share rank ${rank} but do not have equal scores`);
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, answer: { feedback: feedback.sort((a, b) => a.position - b.position), ranks } };
}

/** The short message sent back to the judge after an invalid answer. */
export function repairMessage(problems: string[], n: number): string {
  return `Your answer could not be used: ${problems.join("; ")}. Answer again with only the JSON object: feedback and a 1–5 score for each of Response 1 to Response ${n}, and a ranking that lists each of them exactly once (rank 1 = best; equal ranks only for equal scores).`;
}
