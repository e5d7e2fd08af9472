import type { AgreementFigures } from "@/lib/agreement/agreement-figures";
import { sameBest } from "@/lib/agreement/fractional-ranks";
import { countPairVerdicts, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import type { ReportPrompt, ReportRater, ReportRun } from "@/lib/agreement/report-data";
import { judgeAggregate, mean } from "@/lib/agreement/rating-views";
import { permutationConsistency } from "@/lib/judge/aggregate";

export interface PairAgreement {
  prompts: number;
  pairwiseAgreement: number | null;
  kendallTauB: number | null;
  top1Agreement: number | null;
}

/** Pooled agreement of two rankings per prompt, tallied pair by pair (no list of pairs kept). */
export class PairAgreementTally {
  private same = 0;
  private total = 0;
  private prompts = 0;
  private top = 0;
  private tauSum = 0;
  private tauCount = 0;
  private readonly verdicts: PairVerdictCounts = { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 };

  add(a: Float64Array, b: Float64Array): void {
    const v = countPairVerdicts(a, b, this.verdicts);
    this.same += v.same;
    this.total += v.pairs;
    this.prompts += 1;
    if (Number.isFinite(v.tauB)) {
      this.tauSum += v.tauB;
      this.tauCount += 1;
    }
    if (sameBest(a, b)) this.top += 1;
  }

  result(): PairAgreement {
    return {
      prompts: this.prompts,
      pairwiseAgreement: this.total ? this.same / this.total : null,
      kendallTauB: this.tauCount ? this.tauSum / this.tauCount : null,
      top1Agreement: this.prompts ? this.top / this.prompts : null,
    };
  }
}

/** Pooled agreement of two rankings per prompt (pairs pooled; tau-b and top-1 averaged over prompts). */
export function pairAgreement(pairs: Iterable<[Float64Array, Float64Array]>): PairAgreement {
  const tally = new PairAgreementTally();
  for (const [a, b] of pairs) tally.add(a, b);
  return tally.result();
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
  const perClinician = new Map<string, PairAgreementTally>();
  for (const p of prompts) {
    const judge = judgeAggregate(p, run.id);
    if (!judge) continue;
    for (const h of p.rankings) {
      if (h.kind !== "HUMAN") continue;
      let tally = perClinician.get(h.raterId!);
      if (!tally) perClinician.set(h.raterId!, (tally = new PairAgreementTally()));
      tally.add(h.ranks, judge);
    }
  }
  return {
    runId: run.id,
    name: run.name,
    model: run.model,
    vsConsensus,
    vsClinicians: [...perClinician].map(([raterId, tally]) => ({
      raterId,
      name: raters.get(raterId)?.name ?? "unknown",
      pseudonym: raters.get(raterId)?.pseudonym ?? "",
      ...tally.result(),
    })),
    positionConsistency: positionConsistency(prompts, run.id),
  };
}

/** Agreement between the aggregated rankings of every two judge runs, on the prompts both ranked. */
export function judgeVsJudge(prompts: readonly ReportPrompt[], runs: readonly ReportRun[]): (PairAgreement & { a: string; b: string })[] {
  const out: (PairAgreement & { a: string; b: string })[] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const tally = new PairAgreementTally();
      for (const p of prompts) {
        const a = judgeAggregate(p, runs[i]!.id);
        const b = a && judgeAggregate(p, runs[j]!.id);
        if (a && b) tally.add(a, b);
      }
      out.push({ a: runs[i]!.id, b: runs[j]!.id, ...tally.result() });
    }
  }
  return out;
}
