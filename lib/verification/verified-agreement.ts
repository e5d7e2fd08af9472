import type { VerifiedPairSource } from "@/lib/verification/verified-rows";

/** The agreement the card states: human–human (percent and kappa) and human–judge, fractions 0–1 with 95% intervals. */
export interface VerifiedAgreement {
  humanHuman: { agreement: number | null; kappa: number | null; ci95: [number, number] | null };
  humanJudge: { agreement: number | null; ci95: [number, number] | null };
}

/**
 * The set's agreement for the card, from one call. Stand-in until the lead's setAgreement
 * (lib/verification/verification-agreement.ts) lands on main: every number unknown.
 */
export function verifiedAgreement(_pairs: readonly VerifiedPairSource[], _seed: number): VerifiedAgreement {
  return { humanHuman: { agreement: null, kappa: null, ci95: null }, humanJudge: { agreement: null, ci95: null } };
}
