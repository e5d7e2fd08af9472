import { setAgreement, type SetAgreement } from "@/lib/verification/verification-agreement";
import type { VerifiedPairSource } from "@/lib/verification/verified-rows";

export type VerifiedAgreement = SetAgreement;

/**
 * The set's agreement as the card states it: setAgreement over every pair's votes (in the order
 * cast) with its default seed, as the set's page and `verification show` compute it.
 */
export function verifiedAgreement(pairs: readonly VerifiedPairSource[]): VerifiedAgreement {
  return setAgreement(pairs.map((p) => ({ votes: p.votes.map((v) => v.vote), outcome: p.outcome })));
}
