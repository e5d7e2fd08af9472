import type { AgreementFigures } from "./agreement-figures";
import { sameBest } from "@/lib/agreement/fractional-ranks";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";
import type { ReportPrompt, ReportRater, ReportRun } from "@/lib/agreement/report-data";
import { humanRankings, judgeAggregate, mean } from "./rating-views";
import { permutationConsistency } from "@/lib/judge/aggregate";

export interface PairAgreement {
  prompts: number;
  pairwiseAgreement: number | null;
  kendallTauB: number | null;
  top1Agreement: number | null;
}

/** Pooled agreement of two rankings per prompt (pairs pooled; tau-b and top-1 averaged over prompts). */
export function pairAgreement(pairs: Iterable<[Float64Array, Float64Array]>): PairAgreement {
  let same = 0,
    total = 0,
    prompts = 0,
    top = 0;
  const taus: number[] = [];
  for (const [a, b] of pairs) {
    const v = pairVerdicts(a, b);
    same += v.same;
    total += v.pairs;
    prompts += 1;
    if (Number.isFinite(v.tauB)) taus.push(v.tauB);
    if (sameBest(a, b)) top += 1;
  }
  return {
    prompts,
    pairwiseAgreement: total ? same / total : null,
    kendallTauB: mean(taus),
    top1Agreement: prompts ? top / prompts : null,
  };
}

export interface JudgeAgreement {
  runId: string;
  name: string;
  model: string | null;
  /** The run's aggregated ranking against the clinicians' consensus, as two raters. */
  vsConsensus: AgreementFigures;
  /** Against each clinician, on the prompts both ranked. */
  vsClinicians: (PairAgreement & { raterId: string; name: string; pseudonym: string })[];
  /** Between the run's permutations of each prompt (tau-b averaged over permutation pairs, then prompts). */
  positionConsistency: { prompts: number; kendallTauB: number | null; top1Agreement: number | null };
}

/** Position consistency of a run over the prompts it ranked in at least two permutations (per prompt by `permutationConsistency`, the run page's rule). */
export function positionConsistency(prompts: readonly ReportPrompt[], runId: string): JudgeAgreement["positionConsistency"] {
  const taus: number[] = [];
  let compared = 0;
  let sameTop = 0;
  for (const p of prompts) {
    const perms = p.rankings.filter((r) => r.kind === "JUDGE" && r.runId === runId);
    if (perms.length < 2) continue;
    compared += 1;
    const c = permutationConsistency(perms.map((r) => r.ranks));
    if (c.kendallTauB !== null) taus.push(c.kendallTauB);
    if (c.top1Agreement) sameTop += 1;
  }
  return { prompts: compared, kendallTauB: mean(taus), top1Agreement: compared ? sameTop / compared : null };
}

export function judgeAgreement(
  prompts: readonly ReportPrompt[],
  run: ReportRun,
  raters: ReadonlyMap<string, ReportRater>,
  vsConsensus: AgreementFigures,
): JudgeAgreement {
  const perClinician = new Map<string, [Float64Array, Float64Array][]>();
  for (const p of prompts) {
    const judge = judgeAggregate(p, run.id);
    if (!judge) continue;
    for (const h of humanRankings(p)) {
      const list = perClinician.get(h.raterId!) ?? [];
      list.push([h.ranks, judge]);
      perClinician.set(h.raterId!, list);
    }
  }
  return {
    runId: run.id,
    name: run.name,
    model: run.model,
    vsConsensus,
    vsClinicians: [...perClinician].map(([raterId, pairs]) => ({
      raterId,
      name: raters.get(raterId)?.name ?? "unknown",
      pseudonym: raters.get(raterId)?.pseudonym ?? "",
      ...pairAgreement(pairs),
    })),
    positionConsistency: positionConsistency(prompts, run.id),
  };
}

/** Agreement between the aggregated rankings of every two judge runs, on the prompts both ranked. */
export function judgeVsJudge(prompts: readonly ReportPrompt[], runs: readonly ReportRun[]): (PairAgreement & { a: string; b: string })[] {
  const out: (PairAgreement & { a: string; b: string })[] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const pairs: [Float64Array, Float64Array][] = [];
      for (const p of prompts) {
        const a = judgeAggregate(p, runs[i]!.id);
        const b = a && judgeAggregate(p, runs[j]!.id);
        if (a && b) pairs.push([a, b]);
      }
      out.push({ a: runs[i]!.id, b: runs[j]!.id, ...pairAgreement(pairs) });
    }
  }
  return out;
}
