import type { Vote } from "@/lib/verification/pair-outcome";

/** One line of a votes file: `{"pair", "rater", "better"}`. */
export interface VoteLine {
  line: number;
  pair: string;
  rater: string;
  better: string;
}

export interface LineProblem {
  line: number;
  field: string;
  reason: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELDS = ["pair", "rater", "better"] as const;

/** Reads a JSONL votes file: each line's three fields, or what is wrong with it. Blank lines are skipped. */
export function parseVoteLines(text: string): { lines: VoteLine[]; problems: LineProblem[] } {
  const lines: VoteLine[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push({ line, field: "line", reason: "not valid JSON" });
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push({ line, field: "line", reason: 'not a JSON object {"pair", "rater", "better"}' });
      return;
    }
    const record = value as Record<string, unknown>;
    const missing = FIELDS.filter((f) => typeof record[f] !== "string" || (record[f] as string).trim() === "");
    for (const f of missing) problems.push({ line, field: f, reason: "required: a non-empty string" });
    if (missing.length > 0) return;
    const pair = (record.pair as string).trim();
    if (!UUID.test(pair)) {
      problems.push({ line, field: "pair", reason: `"${pair}" is not a pair id` });
      return;
    }
    lines.push({ line, pair: pair.toLowerCase(), rater: (record.rater as string).trim(), better: (record.better as string).trim() });
  });
  return { lines, problems };
}

/** What the import knows of a pair named in the file. */
export interface KnownPair {
  setId: string;
  chosenModel: string;
  rejectedModel: string;
  /** Every candidate model of the pair's prompt. */
  promptModels: readonly string[];
  /** Accounts (emails) that already voted on it. */
  voters: readonly string[];
  voteCount: number;
}

/** A rater's account: an existing user's email, or an outside rater's name and the account it maps to. */
export type RaterAccount = { ok: true; email: string; external: boolean } | { ok: false; reason: string };

export interface ResolvedVote {
  line: number;
  pairId: string;
  rater: string;
  email: string;
  external: boolean;
  vote: Vote;
}

/**
 * Checks every line against the set: the pair exists and is the set's, `better` is one of its two
 * models (or "tie" / "both_bad"), the rater is known (an email) or an outside rater (a name), no
 * rater votes twice on a pair (in the file or already stored) and no pair passes the set's k raters.
 */
export function resolveVoteLines(
  lines: readonly VoteLine[],
  context: { setId: string; raters: number; pairs: ReadonlyMap<string, KnownPair>; account: (rater: string) => RaterAccount },
): { votes: ResolvedVote[]; problems: LineProblem[] } {
  const votes: ResolvedVote[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  const added = new Map<string, number>();
  for (const l of lines) {
    const pair = context.pairs.get(l.pair);
    if (!pair) {
      problems.push({ line: l.line, field: "pair", reason: `no pair ${l.pair}` });
      continue;
    }
    if (pair.setId !== context.setId) {
      problems.push({ line: l.line, field: "pair", reason: `pair ${l.pair} belongs to another verification set` });
      continue;
    }
    const vote = voteOf(l.better, pair);
    if (typeof vote !== "string") problems.push({ line: l.line, field: "better", reason: vote.reason });
    const account = context.account(l.rater);
    if (!account.ok) problems.push({ line: l.line, field: "rater", reason: account.reason });
    if (typeof vote !== "string" || !account.ok) continue;
    const key = `${l.pair} ${account.email}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({ line: l.line, field: "rater", reason: `"${l.rater}" already votes on this pair on line ${earlier}` });
      continue;
    }
    if (pair.voters.includes(account.email)) {
      problems.push({ line: l.line, field: "rater", reason: `"${l.rater}" has already voted on this pair` });
      continue;
    }
    seen.set(key, l.line);
    const total = pair.voteCount + (added.get(l.pair) ?? 0) + 1;
    if (total > context.raters) {
      problems.push({
        line: l.line,
        field: "pair",
        reason: `this vote would give the pair ${total} votes; the set takes ${context.raters} per pair`,
      });
      continue;
    }
    added.set(l.pair, (added.get(l.pair) ?? 0) + 1);
    votes.push({ line: l.line, pairId: l.pair, rater: l.rater, email: account.email, external: account.external, vote });
  }
  return { votes, problems };
}

function voteOf(better: string, pair: KnownPair): Vote | { reason: string } {
  if (better === pair.chosenModel) return "CHOSEN";
  if (better === pair.rejectedModel) return "REJECTED";
  if (better.toLowerCase() === "tie") return "TIE";
  if (better.toLowerCase() === "both_bad") return "BOTH_BAD";
  if (pair.promptModels.includes(better))
    return { reason: `"${better}" is a candidate of this prompt but not one of the pair's two completions` };
  return { reason: `unknown model "${better}" (give one of the pair's two models, "tie" or "both_bad")` };
}
