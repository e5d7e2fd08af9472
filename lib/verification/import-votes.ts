import "server-only";
import { writeAudit } from "@/lib/audit/audit-entry";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { ProblemList } from "@/lib/import/problem-list";
import { externalRater, externalRaterEmail } from "@/lib/import/rankings/import-rankings";
import type { RecordProblem } from "@/lib/import/types";
import type { Outcome } from "@/lib/verification/pair-outcome";
import { recordVote } from "@/lib/verification/record-vote";
import { parseVoteLines, resolveVoteLines, type KnownPair, type RaterAccount } from "@/lib/verification/vote-lines";

export interface VoteImportSummary {
  ok: boolean;
  imported: number;
  pairs: number;
  /** The touched pairs' outcomes after the import. */
  outcomes: Record<Outcome, number>;
  problems: RecordProblem[];
  problemsNotShown: number;
  message: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Loads votes made outside MedPref into a verification set: every line is checked first (see
 * resolveVoteLines); any problem and nothing is stored. Otherwise one transaction stores every
 * vote through recordVote (the clinicians' task's writer), creating outside raters' accounts as the
 * rankings import does, and recomputes each pair's outcome.
 */
export async function importVotes(options: { setId: string; text: string; actorId: string | null }): Promise<VoteImportSummary> {
  return withTransaction(async (tx) => {
    const set = await queryOne<{ id: string; raters: number }>(
      tx,
      sql`SELECT id, raters FROM verification_sets WHERE id = ${options.setId}::uuid`,
    );
    if (!set) throw new AppError("NOT_FOUND", `No verification set ${options.setId}.`);
    const parsed = parseVoteLines(options.text);
    const pairs = await knownPairs(tx, [...new Set(parsed.lines.map((l) => l.pair))]);
    const accounts = await knownAccounts(
      tx,
      parsed.lines.map((l) => l.rater),
    );
    const resolved = resolveVoteLines(parsed.lines, { setId: set.id, raters: set.raters, pairs, account: accounts });
    const problems = new ProblemList();
    for (const p of [...parsed.problems, ...resolved.problems].sort((a, b) => a.line - b.line))
      problems.addRecord(`line ${p.line}`, [{ field: p.field, reason: p.reason }]);
    if (problems.total > 0 || resolved.votes.length === 0) {
      return {
        ok: false,
        imported: 0,
        pairs: 0,
        outcomes: emptyOutcomes(),
        problems: problems.shown,
        problemsNotShown: problems.notShown,
        message:
          problems.total > 0
            ? `Nothing imported: ${problems.total} problem${problems.total === 1 ? "" : "s"} in ${problems.rejectedRecords} line${problems.rejectedRecords === 1 ? "" : "s"}.`
            : "Nothing imported: the file has no votes.",
      };
    }
    const userIds = new Map<string, string>();
    for (const v of resolved.votes) {
      if (userIds.has(v.email)) continue;
      userIds.set(v.email, v.external ? await externalRater(tx, v.rater) : accounts.userId(v.email)!);
    }
    const outcomes = new Map<string, Outcome>();
    for (const v of resolved.votes) {
      const { outcome } = await recordVote(tx, {
        pairId: v.pairId,
        userId: userIds.get(v.email)!,
        vote: v.vote,
        chosenShownFirst: null,
        imported: true,
      });
      outcomes.set(v.pairId, outcome);
    }
    const counts = emptyOutcomes();
    for (const o of outcomes.values()) counts[o] += 1;
    await writeAudit(tx, {
      actorId: options.actorId,
      action: "verification.votes.import",
      entityType: "verification_set",
      entityId: set.id,
      after: { votes: resolved.votes.length, pairs: outcomes.size, outcomes: counts },
    });
    return {
      ok: true,
      imported: resolved.votes.length,
      pairs: outcomes.size,
      outcomes: counts,
      problems: [],
      problemsNotShown: 0,
      message: `Imported ${resolved.votes.length} vote${resolved.votes.length === 1 ? "" : "s"} on ${outcomes.size} pair${outcomes.size === 1 ? "" : "s"}: ${counts.VERIFIED} verified, ${counts.OVERTURNED} overturned, ${counts.DISPUTED} disputed, ${counts.PENDING} pending.`,
    };
  });
}

const emptyOutcomes = (): Record<Outcome, number> => ({ PENDING: 0, VERIFIED: 0, OVERTURNED: 0, DISPUTED: 0 });

/** The pairs the file names, locked (no claim or vote changes their counts under the import), with models and voters. */
async function knownPairs(tx: Tx, ids: string[]): Promise<Map<string, KnownPair>> {
  const rows = await queryRows<KnownPair & { id: string }>(
    tx,
    sql`SELECT v.id, v.set_id, ch.model AS chosen_model, rj.model AS rejected_model, v.vote_count,
            ARRAY(SELECT c.model FROM completions c WHERE c.prompt_id = v.prompt_id) AS prompt_models,
            ARRAY(SELECT lower(u.email) FROM verification_votes o JOIN users u ON u.id = o.user_id WHERE o.pair_id = v.id) AS voters
       FROM verification_pairs v JOIN completions ch ON ch.id = v.chosen_completion_id JOIN completions rj ON rj.id = v.rejected_completion_id
      WHERE v.id = ANY(${ids}::uuid[]) ORDER BY v.id FOR UPDATE OF v`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Raters as accounts: something shaped like an email must be an existing user's; anything else is
 * an outside rater's name (its account exists already or is created by the import).
 */
async function knownAccounts(tx: Tx, raters: string[]) {
  const emails = raters.filter((r) => EMAIL.test(r)).map((r) => r.toLowerCase());
  const rows = await queryRows<{ id: string; email: string }>(
    tx,
    sql`SELECT id, lower(email) AS email FROM users WHERE lower(email) = ANY(${[...new Set(emails)]}::text[])`,
  );
  const users = new Map(rows.map((r) => [r.email, r.id]));
  const account = (rater: string): RaterAccount => {
    if (!EMAIL.test(rater)) return { ok: true, email: externalRaterEmail(rater).toLowerCase(), external: true };
    const email = rater.toLowerCase();
    return users.has(email) ? { ok: true, email, external: false } : { ok: false, reason: `no user with the email ${rater}` };
  };
  return Object.assign(account, { userId: (email: string) => users.get(email) });
}
