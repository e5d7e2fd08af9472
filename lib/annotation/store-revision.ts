import "server-only";
import { newTimeOrderedId } from "@/lib/core/ids";
import { copyRowsInto } from "@/lib/db/copy-from";
import { copyTextRow } from "@/lib/db/copy-text";
import { kendallTauB, pairwiseAgreement, top1Match } from "@/lib/agreement/rank-agreement";
import { RankingKind } from "@/generated/prisma/enums";
import { execute, queryOne, queryRows, sql, type Sql } from "@/lib/db/sql";
import type { Tx } from "@/lib/db/transaction";
import type { JudgeEntry } from "@/lib/judge/judge-entries";
import { AppError } from "@/lib/errors/app-error";
import type { Submission, SubmittedSpan } from "@/lib/ranking/submission-schema";
import { currentTaxonomy } from "@/lib/critiques/project-taxonomy";
import { assertValidSpans, insertCritiqueSpans, insertOwnersCritiqueSpans, type CompletionSpan } from "@/lib/critiques/store-spans";
import { tiersToFractionalRanks, tiersToRanks } from "@/lib/ranking/tiers";
import { validateTiers } from "@/lib/ranking/validate-ranking";

/** Refuses a ranking that does not rank exactly `candidateIds` (labels as the rater saw them). */
export function assertValidSubmission(candidateIds: string[], submission: Submission, allowTies: boolean): void {
  const label = (id: string) => `Response ${candidateIds.indexOf(id) + 1}`;
  const problems = validateTiers(candidateIds, submission.tiers, allowTies, label);
  for (const id of Object.keys(submission.details)) {
    if (!candidateIds.includes(id))
      problems.push({ field: "ranking", message: `Scores or flags were given for a candidate that is not part of this prompt (${id}).` });
  }
  if (problems.length > 0) throw new AppError("INVALID_INPUT", problems[0]!.message, problems[0]!.field, problems);
}

interface RevisionContent {
  authorId: string | null;
  submission: Submission;
  /** The order the rater saw the candidates in; null when nobody knows (rankings imported from a file). */
  shownOrder: string[] | null;
  idempotencyKey: string | null;
  /** The scale of the scores, [min, max]; the rubric's 1–5 unless an imported file declared another. */
  scoreScale?: readonly [number, number];
}

/** The revision's entries: one per candidate (rank, details, the position it was shown at). */
function entryRows(submission: Submission, shownOrder: string[] | null) {
  const ranks = tiersToRanks(submission.tiers);
  return [...ranks.keys()].map((id) => {
    const d = submission.details[id];
    return {
      completion_id: id,
      rank: ranks.get(id)!,
      score: d?.score ?? null,
      comment: d?.comment?.trim() || null,
      flags: d?.flags ?? [],
      shown_position: shownOrder ? shownOrder.indexOf(id) : null,
    };
  });
}

/** The revision's entries as one JSON parameter. */
function entriesJson(submission: Submission, shownOrder: string[] | null): string {
  return JSON.stringify(entryRows(submission, shownOrder));
}

/** The revision (from CTE `ranking`, which the caller's statement defines first) and its entries, as CTEs. */
function revisionCtes(c: RevisionContent): Sql {
  const [scoreMin, scoreMax] = c.scoreScale ?? [1, 5];
  return sql`
  revision AS (
    INSERT INTO ranking_revisions (ranking_id, revision, author_id, rationale, time_on_task_ms, shown_order, idempotency_key, score_min, score_max)
    SELECT ranking.id, ranking.revision, ${c.authorId}, ${c.submission.rationale?.trim() || null}, ${c.submission.timeOnTaskMs}, ${c.shownOrder}::uuid[], ${c.idempotencyKey},
           ${scoreMin}::float8, ${scoreMax}::float8 FROM ranking RETURNING id),
  entries AS (
    INSERT INTO ranking_entries (revision_id, completion_id, rank, score, comment, flags, shown_position)
    SELECT revision.id, e.completion_id, e.rank, e.score, e.comment, ARRAY(SELECT jsonb_array_elements_text(e.flags)), e.shown_position
      FROM revision, jsonb_to_recordset(${entriesJson(c.submission, c.shownOrder)}::jsonb) AS e(completion_id uuid, rank int, score float8, comment text, flags jsonb, shown_position int))`;
}

/** Creates a ranking with its first revision and one entry per candidate, in one statement. */
export async function insertRankingWithRevision(
  tx: Tx,
  options: RevisionContent & { promptId: string; kind: Exclude<RankingKind, "JUDGE">; raterId: string; assignmentId: string | null },
): Promise<{ rankingId: string; revisionId: string }> {
  const row = await queryOne<{ rankingId: string; revisionId: string }>(
    tx,
    sql`WITH ranking AS (INSERT INTO rankings (prompt_id, kind, rater_id, assignment_id) VALUES (${options.promptId}, ${options.kind}, ${options.raterId}, ${options.assignmentId}) RETURNING id, revision),
     ${revisionCtes(options)}
     SELECT ranking.id AS ranking_id, revision.id AS revision_id FROM ranking, revision`,
  );
  return row!;
}

/**
 * Stores one judge permutation's ranking unless it is already stored: a retried job, a crash
 * after the call or a duplicate delivery never stores twice. Returns null when it was there.
 */
export async function insertJudgeRanking(
  tx: Tx,
  options: RevisionContent & { promptId: string; judgeRunId: string; permutationIndex: number },
): Promise<{ rankingId: string; revisionId: string } | null> {
  const row = await queryOne<{ rankingId: string; revisionId: string }>(
    tx,
    sql`WITH ranking AS (
       INSERT INTO rankings (prompt_id, kind, judge_run_id, permutation_index) VALUES (${options.promptId}, ${RankingKind.JUDGE}, ${options.judgeRunId}, ${options.permutationIndex})
       ON CONFLICT (judge_run_id, prompt_id, permutation_index) DO NOTHING RETURNING id, revision),
     ${revisionCtes(options)}
     SELECT ranking.id AS ranking_id, revision.id AS revision_id FROM ranking, revision`,
    { name: "insert-judge-ranking" },
  );
  return row ?? null;
}

const JUDGE_REVISION_COLUMNS = ["id", "ranking_id", "revision", "time_on_task_ms", "shown_order", "score_min", "score_max"] as const;
const ENTRY_COLUMNS = ["revision_id", "completion_id", "rank", "score", "comment", "flags", "shown_position"] as const;

/** A judge permutation's ranking as stored: one revision with an entry per ranked candidate. */
export interface JudgeRankingRow {
  promptId: string;
  judgeRunId: string;
  permutationIndex: number;
  shownOrder: string[];
  timeOnTaskMs: number;
  entries: JudgeEntry[];
  /** The critique spans the judge marked (a template asking for critiques), stored with the revision under the run's taxonomy version. */
  critiqueSpans?: { taxonomyVersion: number; spans: CompletionSpan[] };
}

/** The entries of new judge revisions as COPY text lines (a judge sets no flags). */
function* judgeEntryLines(revisions: (JudgeRankingRow & { revisionId: string })[]): Generator<string> {
  for (const r of revisions)
    for (const e of r.entries) yield copyTextRow([r.revisionId, e.completionId, e.rank, e.score, e.comment, NO_FLAGS, e.shownPosition]);
}
const NO_FLAGS: readonly string[] = [];

/**
 * Stores many judge permutations' rankings (a batch's results, a group commit of live calls),
 * each unless it is already stored, like insertJudgeRanking. Returns the keys
 * (`judgeRunId:promptId:permutationIndex`) of those it stored. Three plain statements with ids
 * made here: a multi-row insert of the rankings (those already stored are skipped), then COPY of
 * their revisions and of their entries — no statement joins what another inserted (the CTE form
 * of this cost a batch's ingestion more than every other write together) — and, when the judge
 * marked critique spans, one multi-row insert of the new revisions' spans.
 */
export async function insertJudgeRankings(tx: Tx, rankings: JudgeRankingRow[]): Promise<Set<string>> {
  if (rankings.length === 0) return new Set();
  // Time-ordered ids: the rankings, their revisions and entries go to the right end of their
  // primary-key indexes (random ids scattered each page's 32,000 entries over the whole index).
  const ids = rankings.map(() => newTimeOrderedId());
  const inserted = await queryRows<{ id: string }>(
    tx,
    sql`INSERT INTO rankings (id, prompt_id, kind, judge_run_id, permutation_index)
        SELECT id, prompt_id, ${RankingKind.JUDGE}, judge_run_id, permutation_index
          FROM unnest(${ids}::uuid[], ${rankings.map((r) => r.promptId)}::uuid[], ${rankings.map((r) => r.judgeRunId)}::uuid[],
                      ${rankings.map((r) => r.permutationIndex)}::int[]) AS x(id, prompt_id, judge_run_id, permutation_index)
        ON CONFLICT (judge_run_id, prompt_id, permutation_index) DO NOTHING RETURNING id`,
    { name: "insert-judge-rankings" },
  );
  const kept = new Set(inserted.map((r) => r.id));
  const fresh = rankings.flatMap((r, i) => (kept.has(ids[i]!) ? [{ ...r, rankingId: ids[i]!, revisionId: newTimeOrderedId() }] : []));
  if (fresh.length === 0) return new Set();
  // Revisions and entries of rankings this statement just created: nothing to skip, so they are
  // streamed in with COPY (no arrays of 8,000 values to encode and parse again; the entries'
  // statement triggers check and summarize them as for any insert).
  await copyRowsInto(
    tx,
    "ranking_revisions",
    JUDGE_REVISION_COLUMNS,
    fresh.map((r) => copyTextRow([r.revisionId, r.rankingId, 1, r.timeOnTaskMs, r.shownOrder, 1, 5])),
  );
  await copyRowsInto(tx, "ranking_entries", ENTRY_COLUMNS, judgeEntryLines(fresh));
  await insertOwnersCritiqueSpans(
    tx,
    fresh.flatMap((r) => (r.critiqueSpans?.spans.length ? [{ owner: { revisionId: r.revisionId }, ...r.critiqueSpans }] : [])),
  );
  return new Set(fresh.map((r) => `${r.judgeRunId}:${r.promptId}:${r.permutationIndex}`));
}

/** Adds the next revision to an existing ranking (and moves its pointer), in one statement. */
export async function insertNextRevision(
  tx: Tx,
  options: RevisionContent & { rankingId: string },
): Promise<{ revisionId: string; revision: number }> {
  const row = await queryOne<{ revisionId: string; revision: number }>(
    tx,
    sql`WITH ranking AS (UPDATE rankings SET revision = revision + 1, updated_at = now() WHERE id = ${options.rankingId} RETURNING id, revision),
     ${revisionCtes(options)}
     SELECT revision.id AS revision_id, ranking.revision FROM ranking, revision`,
  );
  return row!;
}

/**
 * Checks a revision's marked spans against the candidates as the rater saw them (Response 1..N of
 * `shownOrder`) and the project's current critique taxonomy, and stores them with the revision, in
 * the caller's transaction (a refused span refuses the whole submission).
 */
export async function storeRevisionSpans(
  tx: Tx,
  o: { revisionId: string; promptId: string; shownOrder: string[]; spans: readonly SubmittedSpan[] | undefined },
): Promise<void> {
  if (!o.spans?.length) return;
  const rows = await queryRows<{ id: string; text: string; projectId: string }>(
    tx,
    sql`SELECT c.id, c.text, p.project_id FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE c.id = ANY(${o.shownOrder}::uuid[])`,
  );
  const { version, taxonomy } = await currentTaxonomy(tx, rows[0]!.projectId);
  assertValidSpans(o.spans, new Map(rows.map((r) => [r.id, r.text])), taxonomy, (id) => `Response ${o.shownOrder.indexOf(id) + 1}`);
  await insertCritiqueSpans(tx, { revisionId: o.revisionId }, o.spans, version);
}

/** When the prompt has a gold ranking, stores how this revision agrees with it. */
export async function compareWithGold(
  tx: Tx,
  options: { promptId: string; revisionId: string; userId: string; tiers: string[][] },
): Promise<void> {
  const rows = await queryRows<{ revisionId: string; completionId: string; rank: number }>(
    tx,
    sql`SELECT rr.id AS revision_id, e.completion_id, e.rank
       FROM rankings g JOIN ranking_revisions rr ON rr.ranking_id = g.id AND rr.revision = g.revision
       JOIN ranking_entries e ON e.revision_id = rr.id
      WHERE g.prompt_id = ${options.promptId} AND g.kind = ${RankingKind.GOLD}`,
  );
  if (rows.length === 0) return;
  const gold = new Map(rows.map((r) => [r.completionId, r.rank]));
  // Fractional ranks for both: tau-b and pairwise agreement treat ties the same way either way.
  const goldTiers = [...new Set(rows.map((r) => r.rank))]
    .sort((a, b) => a - b)
    .map((rank) => rows.filter((r) => r.rank === rank).map((r) => r.completionId));
  const goldRanks = tiersToFractionalRanks(goldTiers);
  const mine = tiersToFractionalRanks(options.tiers);
  const tau = kendallTauB(mine, goldRanks);
  await execute(
    tx,
    sql`INSERT INTO gold_comparisons (revision_id, gold_revision_id, user_id, prompt_id, kendall_tau_b, pairwise_agreement, top1_match)
     VALUES (${options.revisionId}, ${rows[0]!.revisionId}, ${options.userId}, ${options.promptId}, ${Number.isNaN(tau) ? null : tau},
             ${pairwiseAgreement(mine, goldRanks)}, ${top1Match(mine, gold)}) ON CONFLICT DO NOTHING`,
  );
}
