import { BOOTSTRAP_RESAMPLES, bootstrapWeights, percentileInterval } from "@/lib/agreement/bootstrap";
import { fleissItem, fleissKappa } from "@/lib/agreement/fleiss-kappa";
import type { Outcome, Vote } from "@/lib/verification/pair-outcome";

/** One pair's votes in the order they were cast, and its outcome. */
export interface VotedPair {
  votes: readonly Vote[];
  outcome: Outcome;
}

export type Interval = [number, number] | null;

export interface SetAgreement {
  humanHuman: {
    /** Mean share of rater pairs on a pair who voted alike (pairs with at least two votes). */
    agreement: number | null;
    /** Cohen's kappa when every pair has two votes (first vote against second), Fleiss' kappa otherwise. */
    kappa: number | null;
    kappaKind: "cohen" | "fleiss";
    /** 95% bootstrap interval of the kappa. */
    ci95: Interval;
    agreementCi95: Interval;
    pairs: number;
  };
  humanJudge: {
    /** Share of the pairs the raters decided (verified or overturned) that they decided for the judge. */
    agreement: number | null;
    ci95: Interval;
    pairs: number;
  };
}

const VOTES: readonly Vote[] = ["CHOSEN", "REJECTED", "TIE", "BOTH_BAD"];

/**
 * A set's agreement as every view states it (its page, `verification show`, the benchmark's card):
 * every pair's votes in the order cast, seeded by the set's seed; an adjudicated pair counts as
 * disputed, since an admin's decision is not the raters' agreement with the judge.
 */
export function setAgreementOf(
  pairs: readonly { votes: readonly { vote: Vote }[]; outcome: Outcome; adjudicated: boolean }[],
  setConfig: Record<string, unknown>,
): SetAgreement {
  const seed = typeof setConfig.seed === "number" || typeof setConfig.seed === "string" ? setConfig.seed : 0;
  return setAgreement(
    pairs.map((p) => ({ votes: p.votes.map((v) => v.vote), outcome: p.adjudicated ? "DISPUTED" : p.outcome })),
    String(seed),
  );
}

/**
 * Human–human and human–judge agreement of a verification set, with 95% percentile bootstrap
 * intervals over pairs (seeded: the same votes and seed give the same intervals).
 */
export function setAgreement(pairs: readonly VotedPair[], seed: string | number = 0): SetAgreement {
  const rated = pairs.filter((p) => p.votes.length >= 2);
  const cohen = rated.length > 0 && rated.every((p) => p.votes.length === 2);
  const kappaOf = cohen
    ? cohenKappa
    : (items: readonly VotedPair[]) => fleissKappa(items.map((p) => fleissItem(p.votes.map((v) => VOTES.indexOf(v)))));
  const decided = pairs.filter((p) => p.outcome === "VERIFIED" || p.outcome === "OVERTURNED");
  const upheld = decided.map((p) => (p.outcome === "VERIFIED" ? 1 : 0));
  const agreements = rated.map(pairAgreement);
  return {
    humanHuman: {
      agreement: meanOrNull(agreements),
      kappa: finiteOrNull(kappaOf(rated)),
      kappaKind: cohen ? "cohen" : "fleiss",
      ci95: bootstrapInterval(rated.length, seed, (w) => kappaOf(resampled(rated, w))),
      agreementCi95: bootstrapInterval(rated.length, seed, (w) => weightedMean(agreements, w)),
      pairs: rated.length,
    },
    humanJudge: {
      agreement: meanOrNull(upheld),
      ci95: bootstrapInterval(decided.length, seed, (w) => weightedMean(upheld, w)),
      pairs: decided.length,
    },
  };
}

/** Share of the pair's rater pairs that voted alike. */
function pairAgreement(p: VotedPair): number {
  let same = 0;
  let all = 0;
  for (let a = 0; a < p.votes.length; a++)
    for (let b = a + 1; b < p.votes.length; b++) {
      all++;
      if (p.votes[a] === p.votes[b]) same++;
    }
  return same / all;
}

/** Cohen's kappa of the first and the second vote of each pair: (pₒ − pₑ) / (1 − pₑ), pₑ from each position's marginals. */
export function cohenKappa(pairs: readonly VotedPair[]): number {
  if (pairs.length === 0) return Number.NaN;
  const first = new Map<Vote, number>();
  const second = new Map<Vote, number>();
  let same = 0;
  for (const p of pairs) {
    const [a, b] = p.votes as [Vote, Vote];
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
    if (a === b) same++;
  }
  const n = pairs.length;
  const observed = same / n;
  let chance = 0;
  for (const [vote, count] of first) chance += (count / n) * ((second.get(vote) ?? 0) / n);
  return chance >= 1 ? Number.NaN : (observed - chance) / (1 - chance);
}

function resampled<T>(items: readonly T[], weights: Uint16Array): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) for (let k = 0; k < weights[i]!; k++) out.push(items[i]!);
  return out;
}

function bootstrapInterval(n: number, seed: string | number, statistic: (weights: Uint16Array) => number): Interval {
  if (n === 0) return null;
  const values: number[] = [];
  for (const weights of bootstrapWeights(n, BOOTSTRAP_RESAMPLES, `verification:${seed}`)) values.push(statistic(weights));
  return percentileInterval(values);
}

function weightedMean(values: readonly number[], weights: Uint16Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]! * weights[i]!;
    count += weights[i]!;
  }
  return count ? sum / count : Number.NaN;
}

const meanOrNull = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);
