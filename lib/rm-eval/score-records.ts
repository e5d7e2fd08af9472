import { z } from "zod";
import { zodProblems } from "@/lib/errors/zod-problems";
import type { PairCategory } from "@/lib/export/pair-categories";
import { ProblemList } from "@/lib/import/problem-list";
import type { RawRecord } from "@/lib/import/read-records";
import type { EvaluationPair } from "@/lib/rm-eval/accuracy";

/** A pair a reward model is evaluated on, oriented as the benchmark keeps it (chosen = preferred). */
export interface TargetPair {
  /** What a `{pair_id, …}` line names: a verification pair's id, or an export's `pair` column or row number. */
  pair: string;
  promptId: string;
  /** The prompt's id in the file it was imported from, when it has one. */
  externalId: string | null;
  chosen: { completionId: string; model: string };
  rejected: { completionId: string; model: string };
  categories: PairCategory[];
  /** The model of every completion of the prompt (a score for one outside the pairs is accepted and unused). */
  promptModels: string[];
}

const score = z.number({ error: "must be a number" }).finite("must be a finite number");
const modelScoreLine = z.object({
  prompt_id: z.union([z.string().trim().min(1, "must not be blank"), z.number().transform(String)], { error: "required: the prompt's id" }),
  model: z.string({ error: "required: the candidate's model name" }).min(1, "must not be blank"),
  score,
});
const pairScoreLine = z.object({
  pair_id: z.union([z.string().trim().min(1, "must not be blank"), z.number().int().transform(String)], {
    error: "required: the pair's id",
  }),
  chosen_score: score,
  rejected_score: score,
});

type Shape = "model" | "pair";

/**
 * Reads a score file's records against a benchmark's pairs: every line of one shape —
 * `{prompt_id, model, score}` (prompt id as imported or MedPref's) or `{pair_id, chosen_score,
 * rejected_score}` — each known, none twice; then every pair must have its two scores. Problems are
 * named by line (or, for a pair left without a score, by the pair); any problem and nothing is evaluated.
 */
export class ScoreCollector {
  readonly problems = new ProblemList();
  records = 0;
  private shape: Shape | null = null;
  private readonly byPrompt = new Map<string, TargetPair[]>();
  private readonly byPair = new Map<string, TargetPair>();
  /** "promptId\0model" or "pair\0id" → the score and the line that gave it. */
  private readonly scores = new Map<string, { values: [number, number] | number; location: string }>();

  constructor(private readonly targets: readonly TargetPair[]) {
    for (const t of targets) {
      this.byPair.set(t.pair, t);
      for (const ref of t.externalId === null ? [t.promptId] : [t.promptId, t.externalId]) {
        const list = this.byPrompt.get(ref) ?? [];
        if (!list.includes(t)) list.push(t);
        this.byPrompt.set(ref, list);
      }
    }
  }

  add(raw: RawRecord): void {
    this.records++;
    if ("error" in raw) return this.problems.addRecord(raw.location, [{ field: raw.field ?? "record", reason: raw.error }]);
    const value = raw.value;
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return this.problems.addRecord(raw.location, [{ field: "record", reason: "must be a JSON object" }]);
    const shape: Shape = "pair_id" in value ? "pair" : "model";
    this.shape ??= shape;
    if (shape !== this.shape)
      return this.problems.addRecord(raw.location, [
        {
          field: shape === "pair" ? "pair_id" : "prompt_id",
          reason: `the file's first line is ${this.shape === "pair" ? "{pair_id, chosen_score, rejected_score}" : "{prompt_id, model, score}"}: every line must have that shape`,
        },
      ]);
    if (shape === "pair") this.addPairScore(raw.location, value);
    else this.addModelScore(raw.location, value);
  }

  private addPairScore(location: string, value: object): void {
    const parsed = pairScoreLine.safeParse(value);
    if (!parsed.success) return this.problems.addRecord(location, problemsOf(parsed.error));
    const { pair_id, chosen_score, rejected_score } = parsed.data;
    if (!this.byPair.has(pair_id))
      return this.problems.addRecord(location, [{ field: "pair_id", reason: `no pair "${pair_id}" in this benchmark` }]);
    this.remember(location, "pair_id", `pair\u0000${pair_id}`, [chosen_score, rejected_score], `pair "${pair_id}"`);
  }

  private addModelScore(location: string, value: object): void {
    const parsed = modelScoreLine.safeParse(value);
    if (!parsed.success) return this.problems.addRecord(location, problemsOf(parsed.error));
    const { prompt_id, model } = parsed.data;
    const pairs = this.byPrompt.get(prompt_id);
    if (!pairs)
      return this.problems.addRecord(location, [
        { field: "prompt_id", reason: `no pair of this benchmark has prompt "${prompt_id}" (matched by MedPref id or by the imported id)` },
      ]);
    const target = pairs[0]!;
    const completions = target.promptModels.filter((m) => m === model).length;
    if (completions === 0)
      return this.problems.addRecord(location, [
        { field: "model", reason: `prompt "${prompt_id}" has no completion from model "${model}"` },
      ]);
    const inPairs = pairs.some((p) => p.chosen.model === model || p.rejected.model === model);
    if (completions > 1 && inPairs)
      return this.problems.addRecord(location, [
        {
          field: "model",
          reason: `prompt "${prompt_id}" has ${completions} completions from model "${model}": score its pairs by pair_id instead`,
        },
      ]);
    this.remember(location, "model", `${target.promptId}\u0000${model}`, parsed.data.score, `model "${model}" on prompt "${prompt_id}"`);
  }

  private remember(location: string, field: string, key: string, values: [number, number] | number, what: string): void {
    const earlier = this.scores.get(key);
    if (earlier) return this.problems.addRecord(location, [{ field, reason: `${what} is scored twice (also at ${earlier.location})` }]);
    this.scores.set(key, { values, location });
  }

  /** The scored pairs, or null when the file has problems (then `problems` names every one, missing pairs included). */
  finish(): EvaluationPair[] | null {
    if (this.records === 0) this.problems.addRecord("file", [{ field: "file", reason: "holds no scores" }]);
    if (this.problems.total > 0) return null;
    const out: EvaluationPair[] = [];
    for (const t of this.targets) {
      const scored = this.shape === "pair" ? this.pairScores(t) : this.modelScores(t);
      if (scored) out.push({ pair: t.pair, categories: t.categories, chosenScore: scored[0], rejectedScore: scored[1] });
    }
    return this.problems.total > 0 ? null : out;
  }

  private pairScores(t: TargetPair): [number, number] | null {
    const found = this.scores.get(`pair\u0000${t.pair}`);
    if (found) return found.values as [number, number];
    this.problems.addRecord("file", [{ field: `pair ${t.pair}`, reason: "missing: no line scores this pair" }]);
    return null;
  }

  private modelScores(t: TargetPair): [number, number] | null {
    const prompt = t.externalId ?? t.promptId;
    const get = (side: "chosen" | "rejected") => {
      const found = this.scores.get(`${t.promptId}\u0000${t[side].model}`);
      if (found) return found.values as number;
      this.problems.addRecord("file", [
        {
          field: `pair ${t.pair}`,
          reason: `missing: no score for model "${t[side].model}" on prompt "${prompt}" (the pair's ${side} completion)`,
        },
      ]);
      return null;
    };
    const chosen = get("chosen");
    const rejected = get("rejected");
    return chosen === null || rejected === null ? null : [chosen, rejected];
  }
}

function problemsOf(error: z.ZodError) {
  return zodProblems(error, "record").map((p) => ({ field: p.field, reason: p.message }));
}
