import { setAgreement, type SetAgreement } from "@/lib/verification/verification-agreement";
import type { VerifiedPairSource } from "@/lib/verification/verified-rows";

export type VerifiedAgreement = SetAgreement;

/**
 * The set's agreement as the card states it, by the rule of the set's page and `verification show`
 * (lib/verification/queries.ts): setAgreement over every pair's votes in the order cast, seeded by
 * the set's seed; an adjudicated pair counts as disputed (an admin's decision is not the raters').
 */
export function verifiedAgreement(pairs: readonly VerifiedPairSource[], setConfig: Record<string, unknown>): VerifiedAgreement {
  const seed = typeof setConfig.seed === "number" || typeof setConfig.seed === "string" ? setConfig.seed : 0;
  return setAgreement(
    pairs.map((p) => ({ votes: p.votes.map((v) => v.vote), outcome: p.adjudicated ? "DISPUTED" : p.outcome })),
    String(seed),
  );
}
