import "server-only";
import { execute, queryRows, sql, type Queryable } from "@/lib/db/sql";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { fieldPath } from "@/lib/errors/zod-problems";
import { validateSpans, type CritiqueSpan } from "@/lib/critiques/spans";
import type { CritiqueSeverity, CritiqueTaxonomy } from "@/lib/critiques/taxonomy";

/** A span with the completion it marks. */
export interface CompletionSpan extends CritiqueSpan {
  completionId: string;
}

/** Who a span belongs to: a ranking revision, or a pair vote at one of its revisions. */
export type SpanOwner = { revisionId: string } | { voteId: string; voteRevision: number };

/**
 * What is wrong with spans against what was shown: a completion outside `texts` (the prompt's
 * candidates as the rater saw them), or a span validateSpans refuses (offsets, quote, tag,
 * duplicates). Each problem names the response as the rater saw it (`label`) and the span; `field`
 * is `spans[i].<field>` (as zod names fields) with i the span's index in `spans`. None: the spans fit.
 */
export function completionSpanProblems(
  spans: readonly CompletionSpan[],
  texts: ReadonlyMap<string, string>,
  taxonomy: CritiqueTaxonomy,
  label: (completionId: string) => string,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const byCompletion = new Map<string, number[]>();
  spans.forEach((s, i) => {
    if (!texts.has(s.completionId))
      problems.push({
        field: fieldPath(["spans", i, "completionId"]),
        message: `A marked span is on a response that is not part of this prompt (${s.completionId}).`,
      });
    else {
      const list = byCompletion.get(s.completionId);
      if (list) list.push(i);
      else byCompletion.set(s.completionId, [i]);
    }
  });
  for (const [completionId, indexes] of byCompletion) {
    const checked = validateSpans(
      texts.get(completionId)!,
      indexes.map((i) => spans[i]!),
      taxonomy,
    );
    if (!checked.ok)
      for (const p of checked.problems)
        problems.push({ field: fieldPath(["spans", indexes[p.index]!, p.field]), message: `${label(completionId)}, ${p.message}` });
  }
  return problems;
}

/** Refuses spans that do not fit what was shown (completionSpanProblems), naming the first problem. */
export function assertValidSpans(
  spans: readonly CompletionSpan[],
  texts: ReadonlyMap<string, string>,
  taxonomy: CritiqueTaxonomy,
  label: (completionId: string) => string,
): void {
  const problems = completionSpanProblems(spans, texts, taxonomy, label);
  if (problems.length > 0) throw new AppError("INVALID_INPUT", problems[0]!.message, problems[0]!.field, problems);
}

/** Stores an owner's spans in one statement (nothing when there are none), marked under taxonomy `taxonomyVersion`. */
export async function insertCritiqueSpans(tx: Tx | Queryable, owner: SpanOwner, spans: readonly CompletionSpan[], taxonomyVersion: number) {
  await insertOwnersCritiqueSpans(tx, [{ owner, spans, taxonomyVersion }]);
}

/**
 * Stores the spans of many owners in one statement (judge rankings stored together: a group commit
 * of live calls, a page of a Batch's results); nothing when there are none.
 */
export async function insertOwnersCritiqueSpans(
  tx: Tx | Queryable,
  groups: readonly { owner: SpanOwner; spans: readonly CompletionSpan[]; taxonomyVersion: number }[],
) {
  const rows = groups.flatMap(({ owner, spans, taxonomyVersion }) => {
    const ownerColumns = {
      revisionId: "revisionId" in owner ? owner.revisionId : null,
      voteId: "voteId" in owner ? owner.voteId : null,
      voteRevision: "voteId" in owner ? owner.voteRevision : null,
      taxonomyVersion,
    };
    return spans.map((s) => ({ ...s, ...ownerColumns }));
  });
  if (rows.length === 0) return;
  await execute(
    tx,
    sql`INSERT INTO critique_spans (revision_id, vote_id, vote_revision, completion_id, start_offset, end_offset, quote, tag, severity, comment, correction, taxonomy_version)
        SELECT s."revisionId", s."voteId", s."voteRevision", s."completionId", s.start, s."end", s.text, s.tag, s.severity, s.comment, s.correction, s."taxonomyVersion"
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
               AS s("revisionId" uuid, "voteId" uuid, "voteRevision" int, "completionId" uuid, start int, "end" int, text text, tag text, severity text,
                    comment text, correction text, "taxonomyVersion" int)`,
  );
}

/** A stored span with its owner's and marker's details, as pages and exports read them. */
export interface StoredSpan extends CompletionSpan {
  id: string;
  taxonomyVersion: number;
}

const SPAN_COLUMNS = sql`s.id, s.completion_id, s.start_offset AS start, s.end_offset AS "end", s.quote AS text, s.tag, s.severity, s.comment, s.correction, s.taxonomy_version`;

/** The spans of ranking revisions, by revision id, in the order they were marked in. */
export async function spansOfRevisions(db: Queryable, revisionIds: readonly string[]): Promise<Map<string, StoredSpan[]>> {
  const rows = await queryRows<StoredSpan & { revisionId: string; severity: CritiqueSeverity }>(
    db,
    sql`SELECT s.revision_id, ${SPAN_COLUMNS} FROM critique_spans s WHERE s.revision_id = ANY(${[...revisionIds]}::uuid[]) ORDER BY s.revision_id, s.start_offset, s.end_offset, s.id`,
  );
  return groupBy(rows, (r) => r.revisionId);
}

/** The spans of pair votes at their current revisions, by vote id. */
export async function spansOfVotes(db: Queryable, voteIds: readonly string[]): Promise<Map<string, StoredSpan[]>> {
  const rows = await queryRows<StoredSpan & { voteId: string; severity: CritiqueSeverity }>(
    db,
    sql`SELECT s.vote_id, ${SPAN_COLUMNS} FROM critique_spans s JOIN verification_votes v ON v.id = s.vote_id AND v.revision = s.vote_revision
         WHERE s.vote_id = ANY(${[...voteIds]}::uuid[]) ORDER BY s.vote_id, s.start_offset, s.end_offset, s.id`,
  );
  return groupBy(rows, (r) => r.voteId);
}

function groupBy<T extends CompletionSpan>(
  rows: (T & { revisionId?: string; voteId?: string })[],
  key: (r: T) => string,
): Map<string, StoredSpan[]> {
  const out = new Map<string, StoredSpan[]>();
  for (const r of rows) {
    const { revisionId: _r, voteId: _v, ...span } = r;
    const list = out.get(key(r));
    if (list) list.push(span as unknown as StoredSpan);
    else out.set(key(r), [span as unknown as StoredSpan]);
  }
  return out;
}
