import type { AgreementFigures } from "@/lib/agreement/agreement-figures";
import { sameBestAt } from "@/lib/agreement/fractional-ranks";
import { countPairVerdictsAt, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import { HUMAN, JUDGE, type ReportColumns, type ReportRun } from "@/lib/agreement/report-data";
import { mean, type ReportViews } from "@/lib/agreement/rating-views";

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
    this.addAt(a, 0, b, 0, a.length);
  }

  /** The n ranks from a[ai] against the n from b[bi] (read in place). */
  addAt(a: Float64Array, ai: number, b: Float64Array, bi: number, n: number): void {
    const v = countPairVerdictsAt(a, ai, b, bi, n, this.verdicts);
    this.same += v.same;
    this.total += v.pairs;
    this.prompts += 1;
    if (Number.isFinite(v.tauB)) {
      this.tauSum += v.tauB;
      this.tauCount += 1;
    }
    if (sameBestAt(a, ai, b, bi, n)) this.top += 1;
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

const consistencyVerdicts: PairVerdictCounts = { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 };

/**
 * Position consistency of a run (index into data.runIds) over the prompts it ranked in at least
 * two permutations, per prompt by the rule of `permutationConsistency` (the run page's), read in place.
 */
export function positionConsistency(data: ReportColumns, runIndex: number): JudgeAgreement["positionConsistency"] {
  const taus: number[] = [];
  let compared = 0;
  let sameTop = 0;
  const at: number[] = [];
  const promptTaus: number[] = [];
  for (let p = 0; p < data.promptCount; p++) {
    at.length = 0;
    for (let r = data.rankingStart[p]!; r < data.rankingStart[p + 1]!; r++)
      if (data.kind[r] === JUDGE && data.run[r] === runIndex) at.push(data.rankOffset[r]!);
    if (at.length < 2) continue;
    compared += 1;
    const n = data.candidateStart[p + 1]! - data.candidateStart[p]!;
    promptTaus.length = 0;
    let promptSameTop = true;
    for (let i = 0; i < at.length; i++)
      for (let j = i + 1; j < at.length; j++) {
        const tau = countPairVerdictsAt(data.ranks, at[i]!, data.ranks, at[j]!, n, consistencyVerdicts).tauB;
        if (Number.isFinite(tau)) promptTaus.push(tau);
        if (!sameBestAt(data.ranks, at[i]!, data.ranks, at[j]!, n)) promptSameTop = false;
      }
    if (promptTaus.length) taus.push(promptTaus.reduce((x, y) => x + y, 0) / promptTaus.length);
    if (promptSameTop) sameTop += 1;
  }
  return { prompts: compared, kendallTauB: mean(taus), top1Agreement: compared ? sameTop / compared : null };
}

/** A judge run (index into views.data.runIds) against each clinician and its position consistency. */
export function judgeAgreement(views: ReportViews, runIndex: number, run: ReportRun, vsConsensus: AgreementFigures): JudgeAgreement {
  const { data } = views;
  const judge = views.judge[runIndex]!;
  const hasJudge = views.hasJudge[runIndex]!;
  // Clinicians in order of first appearance.
  const tallies: (PairAgreementTally | undefined)[] = [];
  const order: number[] = [];
  for (let p = 0; p < data.promptCount; p++) {
    if (!hasJudge[p]) continue;
    const c0 = data.candidateStart[p]!;
    const n = data.candidateStart[p + 1]! - c0;
    for (let r = data.rankingStart[p]!; r < data.rankingStart[p + 1]!; r++) {
      if (data.kind[r] !== HUMAN) continue;
      const rater = data.rater[r]!;
      let tally = tallies[rater];
      if (!tally) {
        tallies[rater] = tally = new PairAgreementTally();
        order.push(rater);
      }
      tally.addAt(data.ranks, data.rankOffset[r]!, judge, c0, n);
    }
  }
  return {
    runId: run.id,
    name: run.name,
    model: run.model,
    vsConsensus,
    vsClinicians: order.map((rater) => {
      const raterId = data.raterIds[rater]!;
      return {
        raterId,
        name: data.raters.get(raterId)?.name ?? "unknown",
        pseudonym: data.raters.get(raterId)?.pseudonym ?? "",
        ...tallies[rater]!.result(),
      };
    }),
    positionConsistency: positionConsistency(data, runIndex),
  };
}

/** Agreement between the aggregated rankings of every two judge runs (indices into data.runIds), on the prompts both ranked. */
export function judgeVsJudge(views: ReportViews, runIndices: readonly number[]): (PairAgreement & { a: string; b: string })[] {
  const { data } = views;
  const out: (PairAgreement & { a: string; b: string })[] = [];
  for (let i = 0; i < runIndices.length; i++) {
    for (let j = i + 1; j < runIndices.length; j++) {
      const [a, b] = [runIndices[i]!, runIndices[j]!];
      const tally = new PairAgreementTally();
      for (let p = 0; p < data.promptCount; p++) {
        if (!views.hasJudge[a]![p] || !views.hasJudge[b]![p]) continue;
        const c0 = data.candidateStart[p]!;
        tally.addAt(views.judge[a]!, c0, views.judge[b]!, c0, data.candidateStart[p + 1]! - c0);
      }
      out.push({ a: data.runIds[a]!, b: data.runIds[b]!, ...tally.result() });
    }
  }
  return out;
}
