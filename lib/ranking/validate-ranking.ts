import type { Tiers } from "@/lib/ranking/tiers";

export interface RankingProblem {
  /** Where the UI shows it: "ranking", or a candidate id. */
  field: string;
  message: string;
}

/**
 * A ranking is valid when it ranks exactly the shown candidates, each once, in non-empty tiers,
 * with ties only where the project allows them. `label` turns a candidate id into what the
 * clinician sees ("Response 3").
 */
export function validateTiers(
  candidateIds: readonly string[],
  tiers: Tiers,
  allowTies: boolean,
  label: (id: string) => string = (id) => id,
): RankingProblem[] {
  const problems: RankingProblem[] = [];
  const known = new Set(candidateIds);
  const seen = new Set<string>();
  tiers.forEach((tier, i) => {
    if (tier.length === 0) problems.push({ field: "ranking", message: `Place ${i + 1} of the ranking is empty.` });
    if (tier.length > 1 && !allowTies)
      problems.push({
        field: "ranking",
        message: `Ties are not allowed in this project: ${tier.map(label).join(" and ")} share place ${i + 1}.`,
      });
    for (const id of tier) {
      if (!known.has(id))
        problems.push({ field: "ranking", message: `The ranking contains a candidate that is not part of this prompt (${id}).` });
      else if (seen.has(id)) problems.push({ field: id, message: `${label(id)} is ranked more than once.` });
      seen.add(id);
    }
  });
  const missing = candidateIds.filter((id) => !seen.has(id));
  if (missing.length > 0)
    problems.push({
      field: "ranking",
      message: `Rank every candidate: ${missing.map(label).join(", ")} ${missing.length === 1 ? "is" : "are"} not ranked yet.`,
    });
  return problems;
}
