import "server-only";
import { writeAudit } from "@/lib/audit/audit-entry";
import { queryOne, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";

/**
 * An admin's decision on a disputed pair of a set that sends disputes to adjudication: the source's
 * verdict upheld (VERIFIED) or reversed (OVERTURNED). The raters' votes stay as they were; the pair
 * records who decided and when, and the audit log what.
 */
export async function adjudicatePair(setId: string, pairId: string, decision: "VERIFIED" | "OVERTURNED", actorId: string): Promise<void> {
  await withTransaction(async (tx) => {
    const pair = await queryOne<{ outcome: string; disputed: string; adjudicated: boolean }>(
      tx,
      sql`SELECT vp.outcome, vs.disputed, vp.adjudicated_by_id IS NOT NULL AS adjudicated
            FROM verification_pairs vp JOIN verification_sets vs ON vs.id = vp.set_id
           WHERE vp.id = ${pairId} AND vp.set_id = ${setId} FOR UPDATE OF vp`,
    );
    if (!pair) throw new AppError("NOT_FOUND", "No such pair in this verification set.", "pair");
    if (pair.disputed !== "adjudicate") throw new AppError("CONFLICT", "This set leaves disputed pairs out; it has no adjudication.");
    if (pair.outcome !== "DISPUTED" || pair.adjudicated) throw new AppError("CONFLICT", "Only a disputed pair can be adjudicated, once.");
    await queryOne(
      tx,
      sql`UPDATE verification_pairs SET outcome = ${decision}::verification_outcome, adjudicated_by_id = ${actorId}, adjudicated_at = now() WHERE id = ${pairId}`,
    );
    await writeAudit(tx, {
      actorId,
      action: "verification-pair.adjudicate",
      entityType: "verification_pair",
      entityId: pairId,
      before: { outcome: "DISPUTED" },
      after: { outcome: decision },
    });
  });
}
