import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ranksToTiers, tiersToFractionalRanks, tiersToRanks } from "@/lib/ranking/tiers";
import { validateTiers } from "@/lib/ranking/validate-ranking";

const ids = ["a", "b", "c", "d"];
const label = (id: string) => `Response ${ids.indexOf(id) + 1}`;

describe("validating a submitted ranking", () => {
  it("accepts every permutation of the shown candidates", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(ids, { minLength: 4, maxLength: 4 }), (perm) => {
        expect(
          validateTiers(
            ids,
            perm.map((id) => [id]),
            false,
          ),
        ).toEqual([]);
      }),
    );
  });

  it("refuses ties when the project forbids them and accepts them when it allows them", () => {
    const tiers = [["a"], ["b", "c"], ["d"]];
    expect(validateTiers(ids, tiers, false, label)).toEqual([
      { field: "ranking", message: "Ties are not allowed in this project: Response 2 and Response 3 share place 2." },
    ]);
    expect(validateTiers(ids, tiers, true, label)).toEqual([]);
  });

  it("names the candidates that are missing", () => {
    expect(validateTiers(ids, [["a"], ["b"]], false, label)).toEqual([
      { field: "ranking", message: "Rank every candidate: Response 3, Response 4 are not ranked yet." },
    ]);
  });

  it("refuses an extra candidate that is not part of the prompt", () => {
    const problems = validateTiers(ids, [["a"], ["b"], ["c"], ["d"], ["z"]], false);
    expect(problems).toEqual([{ field: "ranking", message: "The ranking contains a candidate that is not part of this prompt (z)." }]);
  });

  it("refuses a candidate ranked twice, pointing at it", () => {
    const problems = validateTiers(ids, [["a"], ["b"], ["a"], ["c"], ["d"]], false, label);
    expect(problems).toEqual([{ field: "a", message: "Response 1 is ranked more than once." }]);
  });

  it("refuses an empty place", () => {
    expect(validateTiers(ids, [["a"], [], ["b"], ["c"], ["d"]], false)).toEqual([
      { field: "ranking", message: "Place 2 of the ranking is empty." },
    ]);
  });
});

describe("ties as ranks", () => {
  it("gives tied candidates the same competition rank and skips the places they span", () => {
    expect(Object.fromEntries(tiersToRanks([["a"], ["b", "c"], ["d"]]))).toEqual({ a: 1, b: 2, c: 2, d: 4 });
  });

  it("gives tied candidates the mean of the places they span as fractional ranks", () => {
    expect(Object.fromEntries(tiersToFractionalRanks([["a", "b", "c"], ["d"]]))).toEqual({ a: 2, b: 2, c: 2, d: 4 });
  });

  it("turns ranks back into the same tiers", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(ids, { minLength: 4, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        (perm, cuts) => {
          const tiers: string[][] = [[perm[0]!]];
          perm.slice(1).forEach((id, i) => (cuts[i] ? tiers.push([id]) : tiers.at(-1)!.push(id)));
          const back = ranksToTiers(tiersToRanks(tiers));
          expect(back.map((t) => [...t].sort())).toEqual(tiers.map((t) => [...t].sort()));
        },
      ),
    );
  });
});
