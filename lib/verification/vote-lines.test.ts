import { describe, expect, it } from "vitest";
import { parseVoteLines, resolveVoteLines, type KnownPair, type RaterAccount } from "@/lib/verification/vote-lines";

const SET = "00000000-0000-4000-8000-000000000001";
const P1 = "10000000-0000-4000-8000-000000000001";
const P2 = "10000000-0000-4000-8000-000000000002";
const OTHER = "10000000-0000-4000-8000-000000000009";
const pair = (extra: Partial<KnownPair> = {}): KnownPair => ({
  setId: SET,
  chosenModel: "gpt",
  rejectedModel: "llama",
  promptModels: ["gpt", "llama", "mistral"],
  voters: [],
  voteCount: 0,
  ...extra,
});
const pairs = new Map([
  [P1, pair()],
  [P2, pair({ voters: ["ann@h.example"], voteCount: 1 })],
  [OTHER, pair({ setId: "00000000-0000-4000-8000-000000000002" })],
]);
const account = (rater: string): RaterAccount =>
  rater.includes("@")
    ? rater === "ann@h.example" || rater === "bob@h.example"
      ? { ok: true, email: rater, external: false }
      : { ok: false, reason: `no user with the email ${rater}` }
    : { ok: true, email: `${rater}@external-raters.invalid`, external: true };
const line = (o: object) => JSON.stringify(o);

describe("a votes file", () => {
  it("names each malformed line by its number", () => {
    const { lines, problems } = parseVoteLines(
      [
        line({ pair: P1, rater: "ann@h.example", better: "gpt" }),
        "{not json",
        "",
        "[1]",
        line({ pair: P1, better: "gpt" }),
        line({ pair: "x", rater: "r", better: "tie" }),
      ].join("\n"),
    );
    expect(lines).toEqual([{ line: 1, pair: P1, rater: "ann@h.example", better: "gpt" }]);
    expect(problems).toEqual([
      { line: 2, field: "line", reason: "not valid JSON" },
      { line: 4, field: "line", reason: 'not a JSON object {"pair", "rater", "better"}' },
      { line: 5, field: "rater", reason: "required: a non-empty string" },
      { line: 6, field: "pair", reason: '"x" is not a pair id' },
    ]);
  });

  it("turns the better model into a vote relative to the source's verdict", () => {
    const { lines } = parseVoteLines(
      [
        line({ pair: P1, rater: "ann@h.example", better: "gpt" }),
        line({ pair: P1, rater: "Dr Ext", better: "llama" }),
        line({ pair: P2, rater: "bob@h.example", better: "TIE" }),
      ].join("\n"),
    );
    const { votes, problems } = resolveVoteLines(lines, { setId: SET, raters: 3, pairs, account });
    expect(problems).toEqual([]);
    expect(votes.map((v) => [v.line, v.vote, v.email, v.external])).toEqual([
      [1, "CHOSEN", "ann@h.example", false],
      [2, "REJECTED", "Dr Ext@external-raters.invalid", true],
      [3, "TIE", "bob@h.example", false],
    ]);
  });

  it("refuses unknown pairs, another set's pairs, unknown models, models outside the pair, duplicates and votes past k", () => {
    const UNKNOWN = "10000000-0000-4000-8000-0000000000ff";
    const { lines } = parseVoteLines(
      [
        line({ pair: UNKNOWN, rater: "ann@h.example", better: "gpt" }),
        line({ pair: OTHER, rater: "ann@h.example", better: "gpt" }),
        line({ pair: P1, rater: "ann@h.example", better: "claude" }),
        line({ pair: P1, rater: "ann@h.example", better: "mistral" }),
        line({ pair: P1, rater: "ann@h.example", better: "both_bad" }),
        line({ pair: P1, rater: "ann@h.example", better: "gpt" }),
        line({ pair: P2, rater: "ann@h.example", better: "gpt" }),
        line({ pair: P2, rater: "bob@h.example", better: "gpt" }),
        line({ pair: P2, rater: "carol", better: "gpt" }),
        line({ pair: P1, rater: "zed@h.example", better: "gpt" }),
      ].join("\n"),
    );
    const { problems } = resolveVoteLines(lines, { setId: SET, raters: 2, pairs, account });
    expect(problems).toEqual([
      { line: 1, field: "pair", reason: `no pair ${UNKNOWN}` },
      { line: 2, field: "pair", reason: `pair ${OTHER} belongs to another verification set` },
      { line: 3, field: "better", reason: 'unknown model "claude" (give one of the pair\'s two models, "tie" or "both_bad")' },
      { line: 4, field: "better", reason: '"mistral" is a candidate of this prompt but not one of the pair\'s two completions' },
      { line: 6, field: "rater", reason: '"ann@h.example" already votes on this pair on line 5' },
      { line: 7, field: "rater", reason: '"ann@h.example" has already voted on this pair' },
      { line: 9, field: "pair", reason: "this vote would give the pair 3 votes; the set takes 2 per pair" },
      { line: 10, field: "rater", reason: "no user with the email zed@h.example" },
    ]);
  });
});
