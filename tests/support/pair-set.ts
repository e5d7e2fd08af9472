import { randomUUID } from "node:crypto";
import type { ClaimUser } from "@/lib/annotation/claim-next-assignment";
import { pool } from "@/lib/db/pool";
import { createUser } from "@/lib/users/manage-users";

export async function pairClinicians(n: number, specialties: string[] = []): Promise<(ClaimUser & { email: string })[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const email = `v-${randomUUID()}@hospital.example`;
      const { user } = await createUser({ email, role: "clinician", specialties }, null);
      return { id: user.id, specialties: user.specialties, email };
    }),
  );
}

/** A pair assignment's pair and stored A/B order (what the test knows and the clinician does not). */
export async function assignmentTruth(assignmentId: string) {
  const { rows } = await pool().query<{ pairId: string; position: number; chosenShownFirst: boolean }>(
    `SELECT a.pair_id AS "pairId", v.position, a.chosen_shown_first AS "chosenShownFirst"
       FROM verification_assignments a JOIN verification_pairs v ON v.id = a.pair_id WHERE a.id = $1`,
    [assignmentId],
  );
  return rows[0]!;
}
