import { z } from "zod";
import { extractJson } from "@/lib/judge/extract-json";
import { normalizeJudgeAnswer } from "@/lib/judge/judge-answer";
import { critiqueSpanFields } from "@/lib/critiques/spans";
import { MAX_SPANS, type Submission, type SubmittedSpan } from "@/lib/ranking/submission-schema";
import { validateTiers } from "@/lib/ranking/validate-ranking";
import { safeName } from "@/lib/text/safe-text";
import { fieldPath, zodProblems } from "@/lib/errors/zod-problems";

/**
 * Rankings from outside MedPref, one per record, in two shapes:
 * - UltraMedical's judge output as its feedback script writes it: the pipeline record
 *   (`{id, conversations, model_outputs, ...}`) with `feedback` (a raw string with fenced JSON)
 *   and/or the parsed `feedback.json` (`{feedback: {"Model i": {Evaluation, Score}}, ranking:
 *   [{rank, model: "Model i"}]}`). "Model i" is the i-th candidate in file order, counting from 1,
 *   or from 0 when a "Model 0" appears (as UltraMedical's own script wrote).
 * - MedPref JSONL: `{prompt_id, annotator?, ranking: ["<model>", ["<tied>", "<models>"], ...],
 *   scores?: {"<model>": n}, spans?: [{model, start, end, text, tag, severity, comment?, correction?}]}`,
 *   best first; spans are critique spans in code points of the model's completion (lib/critiques/spans.ts),
 *   the shape the `rankings` export writes per ranking.
 * Either may declare its scores' scale, `score_scale: [min, max]` or `"min-max"`; without one the
 * importer's scale applies (the rubric's 1–5 unless the import says otherwise).
 */
export type RankingClaim = (
  | { shape: "ultramedical"; promptRef: string; annotator: string | null; modelOrder: string[] | null; answer: Record<string, unknown> }
  | {
      shape: "medpref";
      promptRef: string;
      annotator: string | null;
      tiers: string[][];
      scores: Record<string, number>;
      spans: ImportedSpan[];
    }
) & { scoreScale: ScoreScale | null };

/** The lowest and highest score of a scale, min < max. */
export type ScoreScale = readonly [number, number];

/** MedPref's rubric (UltraMedical's): 1 = inadequate … 5 = excellent. */
export const RUBRIC_SCALE: ScoreScale = [1, 5];

/** "0-10", "1–5", [0, 10] → a scale; null when it is not one. */
export function parseScoreScale(value: unknown): ScoreScale | null {
  let pair: unknown[] | null = null;
  if (Array.isArray(value)) pair = value;
  else if (typeof value === "string") {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:-|–|\.\.|,)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value);
    if (m) pair = [Number(m[1]), Number(m[2])];
  }
  if (!pair || pair.length !== 2) return null;
  const [min, max] = pair;
  if (typeof min !== "number" || typeof max !== "number" || !Number.isFinite(min) || !Number.isFinite(max) || min >= max) return null;
  return [min, max];
}

export const formatScale = (scale: ScoreScale) => `${scale[0]}–${scale[1]}`;

export interface Candidate {
  id: string;
  model: string;
  position: number;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

/** A critique span as import files and the `rankings` export give it: on the candidate of `model`. */
export const importedSpan = critiqueSpanFields.extend({ model: z.string({ error: "name the candidate's model" }).trim().min(1) });
export type ImportedSpan = z.infer<typeof importedSpan>;

const medprefRecord = z.object({
  prompt_id: z.union([z.string().trim().min(1), z.number()]).transform(String),
  annotator: safeName().trim().min(1).max(200).nullish(),
  ranking: z
    .array(z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)]))
    .min(2, "rank at least two candidates")
    .max(16),
  scores: z.record(z.string(), z.number({ error: "scores are numbers" })).optional(),
  spans: z.array(importedSpan).max(MAX_SPANS, `at most ${MAX_SPANS} marked spans per ranking`).optional(),
});

const lowerKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));

/** Reads one record into a claim (which prompt, whose ranking, what it says), or says what is wrong. */
export function parseRankingRecord(value: unknown): Parsed<RankingClaim> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, field: "record", reason: "is not a JSON object" };
  const record = value as Record<string, unknown>;
  const annotator = typeof record.annotator === "string" && record.annotator.trim() ? record.annotator.trim() : null;
  let scoreScale: ScoreScale | null = null;
  if (record.score_scale !== undefined && record.score_scale !== null) {
    scoreScale = parseScoreScale(record.score_scale);
    if (!scoreScale)
      return { ok: false, field: "score_scale", reason: 'is not a scale: give [min, max] or "min-max" with min < max, e.g. [0, 10]' };
  }
  if ("feedback" in record || "feedback.json" in record || "feedback_json" in record) {
    const id = record.id;
    if (typeof id !== "string" && typeof id !== "number")
      return { ok: false, field: "id", reason: "is missing: UltraMedical records are matched to prompts by their id" };
    let answer = record["feedback.json"] ?? record.feedback_json;
    if (answer === undefined && typeof record.feedback === "object") answer = record.feedback;
    if (answer === undefined || answer === null) {
      if (typeof record.feedback !== "string")
        return { ok: false, field: "feedback", reason: "is neither the judge's text nor its parsed JSON" };
      const extracted = extractJson(record.feedback);
      if (!extracted.ok) return { ok: false, field: "feedback", reason: `holds no readable JSON (${extracted.reason})` };
      answer = extracted.value;
    }
    if (typeof answer !== "object" || answer === null || Array.isArray(answer))
      return { ok: false, field: "feedback", reason: "is not a JSON object with feedback and ranking" };
    const outputs = record.model_outputs;
    const modelOrder = Array.isArray(outputs)
      ? outputs.map((o) => (typeof o === "object" && o !== null ? (Object.keys(o)[0] ?? "") : ""))
      : null;
    return {
      ok: true,
      value: {
        shape: "ultramedical",
        promptRef: String(id),
        annotator,
        modelOrder,
        answer: lowerKeys(answer as Record<string, unknown>),
        scoreScale,
      },
    };
  }
  const parsed = medprefRecord.safeParse(record);
  if (!parsed.success) {
    const problem = zodProblems(parsed.error, "record")[0]!;
    return { ok: false, field: problem.field, reason: problem.message };
  }
  const tiers = parsed.data.ranking.map((t) => (Array.isArray(t) ? t : [t]));
  return {
    ok: true,
    value: {
      shape: "medpref",
      promptRef: parsed.data.prompt_id,
      annotator: parsed.data.annotator ?? annotator,
      tiers,
      scores: parsed.data.scores ?? {},
      spans: parsed.data.spans ?? [],
      scoreScale,
    },
  };
}

export interface ResolveOptions {
  /** The scale of claims that declare none (the importer's flag, else the rubric's 1–5). */
  defaultScale: ScoreScale;
  /** The project's rule: a project without ties refuses tied rankings. */
  allowTies: boolean;
}

/** A resolved ranking: what to store, and the scale its scores are on. */
export interface ResolvedRanking {
  submission: Submission;
  scoreScale: ScoreScale;
}

/**
 * Turns a claim into a ranking of the prompt's candidates (completion ids), checking that it
 * ranks exactly those candidates, each once (tied only where the project allows ties), and that
 * every score lies on its scale. Scores are kept as given, on that scale.
 */
export function resolveRankingClaim(
  claim: RankingClaim,
  candidates: Candidate[],
  options: ResolveOptions = { defaultScale: RUBRIC_SCALE, allowTies: true },
): Parsed<ResolvedRanking> {
  const scale = claim.scoreScale ?? options.defaultScale;
  const outside = (score: number) => score < scale[0] || score > scale[1];
  const scaleHint = claim.scoreScale
    ? "the record's score_scale"
    : "the import's scale (declare another with score_scale in the record or --score-scale)";
  const byPosition = [...candidates].sort((a, b) => a.position - b.position);
  const byModel = new Map(candidates.map((c) => [c.model, c]));
  let tiers: string[][];
  const details: Submission["details"] = {};
  const spans: SubmittedSpan[] = [];
  if (claim.shape === "ultramedical") {
    const n = claim.modelOrder?.length || candidates.length;
    if (n !== candidates.length)
      return { ok: false, field: "model_outputs", reason: `lists ${n} candidates, the prompt has ${candidates.length}` };
    const answer = normalizeJudgeAnswer(claim.answer, n);
    if (!answer.ok) return { ok: false, field: "feedback", reason: answer.problems.join("; ").replaceAll("Response ", "Model ") };
    // "Model i" is the i-th candidate of the file: by its model name when the record lists them.
    const candidateAt = (position: number): Candidate | undefined => {
      const name = claim.modelOrder?.[position - 1];
      return name ? byModel.get(name) : byPosition[position - 1];
    };
    const unknown = claim.modelOrder?.find((m) => !byModel.has(m));
    if (unknown !== undefined)
      return { ok: false, field: "model_outputs", reason: `names the model "${unknown}", which is not a candidate of the prompt` };
    const ranks = [...new Set(answer.answer.ranks.values())].sort((a, b) => a - b);
    tiers = ranks.map((rank) => [...answer.answer.ranks].filter(([, r]) => r === rank).map(([p]) => candidateAt(p)!.id));
    for (const f of answer.answer.feedback) {
      const c = candidateAt(f.position);
      if (f.score !== null && outside(f.score))
        return {
          ok: false,
          field: "feedback",
          reason: `Model ${f.position} has the score ${f.score}, outside ${formatScale(scale)}, ${scaleHint}`,
        };
      if (c) details[c.id] = { score: f.score, flags: [], comment: f.evaluation.slice(0, 5000) || null };
    }
  } else {
    const unknown = claim.tiers.flat().find((m) => !byModel.has(m));
    if (unknown !== undefined)
      return {
        ok: false,
        field: "ranking",
        reason: `names "${unknown}", which is not a model of this prompt's candidates (${candidates.map((c) => c.model).join(", ")})`,
      };
    tiers = claim.tiers.map((t) => t.map((m) => byModel.get(m)!.id));
    for (const [model, score] of Object.entries(claim.scores)) {
      const c = byModel.get(model);
      if (!c) return { ok: false, field: "scores", reason: `names "${model}", which is not a model of this prompt's candidates` };
      if (outside(score))
        return { ok: false, field: "scores", reason: `"${model}" has the score ${score}, outside ${formatScale(scale)}, ${scaleHint}` };
      details[c.id] = { score, flags: [], comment: null };
    }
    for (const [i, { model, ...span }] of claim.spans.entries()) {
      const c = byModel.get(model);
      if (!c)
        return {
          ok: false,
          field: fieldPath(["spans", i, "model"]),
          reason: `names "${model}", which is not a model of this prompt's candidates`,
        };
      spans.push({ ...span, completionId: c.id });
    }
  }
  const modelOf = new Map(candidates.map((c) => [c.id, c.model]));
  const problems = validateTiers(
    candidates.map((c) => c.id),
    tiers,
    options.allowTies,
    (id) => `"${modelOf.get(id)}"`,
  );
  if (problems.length) return { ok: false, field: "ranking", reason: problems.map((p) => p.message).join(" ") };
  const submission: Submission = { tiers, details, rationale: null, timeOnTaskMs: 0, ...(spans.length ? { spans } : {}) };
  return { ok: true, value: { submission, scoreScale: scale } };
}
