import { describe, expect, it } from "vitest";
import { setAgreement, type VotedPair } from "@/lib/verification/verification-agreement";
import type { Vote } from "@/lib/verification/pair-outcome";

const pair = (votes: Vote[], outcome: VotedPair["outcome"]): VotedPair => ({ votes, outcome });

describe("setAgreement", () => {
  // 10 pairs, two votes each: 6 agree on CHOSEN, 2 on REJECTED, 2 split.
  const pairs = [
    ...Array.from({ length: 6 }, () => pair(["CHOSEN", "CHOSEN"], "VERIFIED")),
    pair(["REJECTED", "REJECTED"], "OVERTURNED"),
    pair(["REJECTED", "REJECTED"], "OVERTURNED"),
    pair(["CHOSEN", "REJECTED"], "DISPUTED"),
    pair(["TIE", "CHOSEN"], "DISPUTED"),
    pair(["CHOSEN"], "PENDING"),
  ];

  it("gives Cohen's kappa for two votes per pair, computed by hand", () => {
    const a = setAgreement(pairs);
    // pₒ = 8/10. First votes: CHOSEN 7, REJECTED 2, TIE 1; second: CHOSEN 7, REJECTED 3.
    // pₑ = 0.7·0.7 + 0.2·0.3 + 0.1·0 = 0.55; κ = (0.8 − 0.55) / 0.45 = 0.5556.
    expect(a.humanHuman.agreement).toBeCloseTo(0.8, 12);
    expect(a.humanHuman.kappaKind).toBe("cohen");
    expect(a.humanHuman.kappa).toBeCloseTo(0.25 / 0.45, 12);
    expect(a.humanHuman.pairs).toBe(10);
    // Human–judge: 6 verified of 8 decided.
    expect(a.humanJudge.agreement).toBe(0.75);
    expect(a.humanJudge.pairs).toBe(8);
  });

  it("gives intervals around the figures, the same for the same seed", () => {
    const a = setAgreement(pairs, 3);
    const [lo, hi] = a.humanJudge.ci95!;
    expect(lo).toBeLessThanOrEqual(0.75);
    expect(hi).toBeGreaterThanOrEqual(0.75);
    expect(a.humanHuman.ci95![0]).toBeLessThan(a.humanHuman.ci95![1]);
    expect(setAgreement(pairs, 3)).toEqual(a);
  });

  it("gives Fleiss' kappa when pairs have more than two votes", () => {
    const three = [pair(["CHOSEN", "CHOSEN", "REJECTED"], "VERIFIED"), pair(["REJECTED", "REJECTED", "REJECTED"], "OVERTURNED")];
    const a = setAgreement(three);
    // Pᵢ = (4+1−3)/6 = 1/3 and 1; P̄ = 2/3. p = (2/6, 4/6); P̄ₑ = 1/9 + 4/9 = 5/9; κ = (2/3 − 5/9) / (4/9) = 0.25.
    expect(a.humanHuman.kappaKind).toBe("fleiss");
    expect(a.humanHuman.kappa).toBeCloseTo(0.25, 12);
    expect(a.humanHuman.agreement).toBeCloseTo((1 / 3 + 1) / 2, 12);
  });

  it("says null when nothing is known", () => {
    const a = setAgreement([pair(["CHOSEN"], "PENDING")]);
    expect(a.humanHuman).toMatchObject({ agreement: null, kappa: null, ci95: null, pairs: 0 });
    expect(a.humanJudge).toMatchObject({ agreement: null, ci95: null, pairs: 0 });
  });
});
