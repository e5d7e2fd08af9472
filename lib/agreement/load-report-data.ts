import "server-only";
import { RunKind } from "@/generated/prisma/enums";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { ColumnsBuilder, HUMAN, JUDGE, type ReportColumns } from "@/lib/agreement/report-data";
import { pool } from "@/lib/db/pool";
import { forEachRow } from "@/lib/db/row-stream";
import { queryRows, execute, sql, type Sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";

/** Which rankings the report looks at. Dates bound when human rankings were (last) submitted. */
export interface ReportFilter {
  from?: string | null;
  to?: string | null;
  annotatorIds?: string[];
  runIds?: string[];
}

/**
 * Aliased in camelCase like RankingRow: rows come back from pg without a renaming copy. The
 * per-candidate lists are json_agg, not array_agg: pg parses json natively (JSON.parse), arrays
 * in JavaScript character by character (400k arrays at 100k prompts).
 */
interface PromptRow {
  id: string;
  preview: string;
  source: string | null;
  promptType: string | null;
  models: string[];
  lengths: number[];
  positions: number[];
  /** Each candidate's position, candidates in completion-id order (the order of a ranking's `entries`). */
  positionsById: number[];
}

/**
 * A prompt's rankings in one text, as kept in `prompt_report_rankings` for the clinicians' rankings and
 * `judge_report_rankings` for the judges' (one row per prompt, or per prompt and run, not per ranking: pg
 * makes an object of every row, 600k at 100k prompts), in a fixed order — kind (HUMAN,
 * GOLD, ADJUDICATED, JUDGE), rater, run, permutation, id — rather than the order PostgreSQL happens to
 * return them in: the report lists clinicians and heatmap cells in order of first appearance and sums a
 * prompt's figures in its rankings' order, so the same data always gives the same report. Rankings are
 * separated by "|", each "kind rater run permutation fromAssignment timeOnTaskMs flagged createdMs entries"
 * ("-" for none; createdMs only for human rankings), `entries` being "rank shown;…" per entry in
 * completion-id order (kept per revision in `revision_ranks`; the prompt's `positionsById` maps the
 * k-th entry to its candidate). Migrations 20261201065000_prompt_report_rankings and
 * 20261201094105_judge_report_rankings write them.
 */
interface RankingsRow {
  promptId: string;
  rankings: string;
}

/**
 * The filter as the parser applies it to each ranking: human rankings made in [fromMs, toMs) by one of
 * `annotators`, judge rankings of one of `runs` (null: no bound). Dates and ids are read by PostgreSQL,
 * as a query comparing them would (a date without a zone is in the session's time zone; a malformed
 * one is refused), into milliseconds since 1970 and canonical id text.
 */
export interface RankingFilter {
  fromMs: number | null;
  toMs: number | null;
  annotators: Set<string> | null;
  runs: Set<string> | null;
}

async function rankingFilter(filter: ReportFilter): Promise<RankingFilter | null> {
  const from = filter.from ?? null;
  const to = filter.to ?? null;
  const annotatorIds = filter.annotatorIds?.length ? filter.annotatorIds : null;
  const runIds = filter.runIds?.length ? filter.runIds : null;
  if (from === null && to === null && annotatorIds === null && runIds === null) return null;
  const [row] = await queryRows<{ fromMs: string | null; toMs: string | null; annotators: string[] | null; runs: string[] | null }>(
    pool(),
    sql`SELECT extract(epoch FROM ${from}::timestamptz) * 1000 AS "fromMs", extract(epoch FROM ${to}::timestamptz) * 1000 AS "toMs",
               ${annotatorIds}::uuid[]::text[] AS annotators, ${runIds}::uuid[]::text[] AS runs`,
  );
  return {
    fromMs: row!.fromMs === null ? null : Number(row!.fromMs),
    toMs: row!.toMs === null ? null : Number(row!.toMs),
    annotators: row!.annotators && new Set(row!.annotators),
    runs: row!.runs && new Set(row!.runs),
  };
}

/**
 * Runs `statement` in a transaction without JIT, handing each row to `onRow` as it arrives (the caller
 * parses rows while PostgreSQL sends the rest): both of the load's large reads cross JIT's cost
 * threshold, and compiling them would take longer than running them.
 */
function streamRows<Row>(statement: Sql, onRow: (row: Row) => void): Promise<void> {
  return withTransaction(async (tx) => {
    await execute(tx, sql`SET LOCAL jit = off`);
    await forEachRow(tx, statement, onRow);
  });
}

/** One of the rankings reads, in prompt order: the rows received and not yet handed over. */
class RankingsStream {
  readonly rows: (RankingsRow | undefined)[] = [];
  at = 0;
  done = false;
}

/**
 * Rows of the prompts read and of the rankings reads (the clinicians' rankings, then the judges'), all in
 * prompt order, joined as they arrive: each prompt is handed over once its row of every rankings read (if
 * any) is known, so the prompts are parsed while PostgreSQL still sends the reads. A prompt's texts are
 * joined in the reads' order, which is the rankings' order (judge rankings come last). A rankings row of a
 * prompt the prompts read does not have (added between the reads) is left out.
 */
class PromptMerge {
  private readonly prompts: (PromptRow | undefined)[] = [];
  private p = 0;
  readonly clinicians = new RankingsStream();
  readonly judges = new RankingsStream();
  /** Set once the builder exists: rows arriving before then wait. */
  onPrompt: ((prompt: PromptRow, rankings: string | undefined) => void) | null = null;

  addPrompt(row: PromptRow): void {
    this.prompts.push(row);
    this.advance();
  }

  addRankings(stream: RankingsStream, row: RankingsRow): void {
    stream.rows.push(row);
    this.advance();
  }

  endRankings(stream: RankingsStream): void {
    stream.done = true;
    this.advance();
  }

  advance(): void {
    const onPrompt = this.onPrompt;
    if (onPrompt === null) return;
    const { prompts, clinicians, judges } = this;
    while (this.p < prompts.length) {
      const prompt = prompts[this.p]!;
      const clinicianText = textOf(clinicians, prompt.id);
      if (clinicianText === null) return;
      const judgeText = textOf(judges, prompt.id);
      if (judgeText === null) return;
      if (clinicianText !== undefined) clinicians.rows[clinicians.at++] = undefined;
      if (judgeText !== undefined) judges.rows[judges.at++] = undefined;
      onPrompt(prompt, clinicianText === undefined ? judgeText : judgeText === undefined ? clinicianText : `${clinicianText}|${judgeText}`);
      // Handed over: not kept (100k prompts' rows).
      prompts[this.p++] = undefined;
    }
  }
}

/**
 * The stream's text for the prompt (rows of earlier prompts skipped), without taking it: undefined when it
 * has none, null when that is not known yet.
 */
function textOf(stream: RankingsStream, promptId: string): string | undefined | null {
  const { rows } = stream;
  while (stream.at < rows.length && rows[stream.at]!.promptId < promptId) rows[stream.at++] = undefined;
  if (stream.at < rows.length) {
    const row = rows[stream.at]!;
    return row.promptId === promptId ? row.rankings : undefined;
  }
  return stream.done ? undefined : null;
}

/**
 * Loads a project's prompts and the latest revision of each ranking: the prompts with their candidates
 * in one read, their rankings from prompt_report_rankings and judge_report_rankings in two others, all in prompt order and parsed
 * as they stream in. Prompt ids compare the same as text here and as uuids in PostgreSQL (lower-case
 * hex): both orders agree.
 */
export async function loadReportData(projectId: string, filter: ReportFilter = {}): Promise<ReportColumns> {
  const merge = new PromptMerge();
  const promptsRead = streamRows<PromptRow>(
    sql`SELECT p.id, left(coalesce(p.messages -> -1 ->> 'content', ''), 160) AS preview, p.source, p.prompt_type AS "promptType",
            json_agg(c.model ORDER BY c.position) AS models, json_agg(c.text_bytes ORDER BY c.position) AS lengths,
            json_agg(c.position ORDER BY c.position) AS positions, json_agg(c.position ORDER BY c.id) AS "positionsById"
       FROM prompts p JOIN completions c ON c.prompt_id = p.id
      WHERE p.project_id = ${projectId} GROUP BY p.id ORDER BY p.id`,
    (row) => merge.addPrompt(row),
  );
  const cliniciansRead = streamRows<RankingsRow>(
    sql`SELECT prompt_id AS "promptId", rankings FROM prompt_report_rankings WHERE project_id = ${projectId} ORDER BY prompt_id`,
    (row) => merge.addRankings(merge.clinicians, row),
  ).then(() => merge.endRankings(merge.clinicians));
  // A prompt's judge rankings: its rows, one per run, in run order (the rankings' order: run, then permutation).
  const judgesRead = streamRows<RankingsRow>(
    sql`SELECT prompt_id AS "promptId", string_agg(rankings, '|' ORDER BY judge_run_id) AS rankings
          FROM judge_report_rankings WHERE project_id = ${projectId} GROUP BY prompt_id ORDER BY prompt_id`,
    (row) => merge.addRankings(merge.judges, row),
  ).then(() => merge.endRankings(merge.judges));
  // Awaited below, after the other queries: a failure before then is not left unhandled.
  promptsRead.catch(() => undefined);
  cliniciansRead.catch(() => undefined);
  judgesRead.catch(() => undefined);
  const [raters, runs, keep] = await Promise.all([
    queryRows<{ id: string; name: string; pseudonym: string; isExternal: boolean }>(
      pool(),
      sql`SELECT u.id, u.name, u.pseudonym, u.is_external FROM users u
        WHERE EXISTS (SELECT 1 FROM rankings r JOIN prompts p ON p.id = r.prompt_id WHERE r.rater_id = u.id AND p.project_id = ${projectId})`,
    ),
    queryRows<{ id: string; name: string; model: string | null }>(
      pool(),
      sql`SELECT id, name, model FROM judge_runs WHERE project_id = ${projectId} AND kind = ${RunKind.JUDGE} ORDER BY created_at`,
    ),
    rankingFilter(filter),
  ]);
  const builder = new ColumnsBuilder(
    new Map(raters.map((r) => [r.id, { id: r.id, name: r.name, pseudonym: r.pseudonym, external: r.isExternal }])),
    new Map(runs.map((r) => [r.id, { id: r.id, name: r.name, model: r.model }])),
  );
  const raw = new Float64Array(64);
  const known = { raters: new KnownIds(), runs: new KnownIds() };
  merge.onPrompt = (prompt, text) => {
    builder.addPrompt(prompt.id, prompt.preview, prompt.source, prompt.promptType, prompt.models, prompt.lengths);
    if (text !== undefined) addRankings(builder, prompt, text, raw, known, keep);
  };
  merge.advance();
  await Promise.all([promptsRead, cliniciansRead, judgesRead]);
  return builder.build();
}

/**
 * Ids (raters, runs) already met in rankings text: an id field is matched against them in place
 * (a handful per project) rather than cut out and looked up, 600k times at 100k prompts.
 */
export class KnownIds {
  private readonly ids: string[] = [];

  /** The id of the field text[from, to) ("-" for none: null), the same string each time it recurs. */
  at(text: string, from: number, to: number): string | null {
    if (to - from === 1 && text.charCodeAt(from) === 45) return null;
    const { ids } = this;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id.length === to - from && text.startsWith(id, from)) return id;
    }
    const id = text.slice(from, to);
    ids.push(id);
    return id;
  }
}

/** The integer text[from, to) ("-" for none: null). */
function integerAt(text: string, from: number, to: number): number | null {
  if (to - from === 1 && text.charCodeAt(from) === 45) return null;
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/** Parses a prompt's rankings text (RankingsRow) into the builder, after the prompt itself. */
export function addRankings(
  builder: ColumnsBuilder,
  prompt: PromptRow,
  text: string,
  raw: Float64Array,
  known: { raters: KnownIds; runs: KnownIds } = { raters: new KnownIds(), runs: new KnownIds() },
  filter: RankingFilter | null = null,
): void {
  const n = prompt.models.length;
  // slots[k]: the candidate (in position order) of a ranking's k-th entry.
  const slots = new Int32Array(n);
  for (let k = 0; k < n; k++) slots[k] = prompt.positions.indexOf(prompt.positionsById[k]!);
  const scratch = n <= raw.length ? raw.subarray(0, n) : new Float64Array(n);
  for (let at = 0; at < text.length;) {
    let end = text.indexOf("|", at);
    if (end === -1) end = text.length;
    // Eight fields, each up to the next space, then the entries (which hold spaces themselves).
    const code = text.charCodeAt(at) - 48;
    let from = at + 2;
    let space = text.indexOf(" ", from);
    const rater = known.raters.at(text, from, space);
    from = space + 1;
    space = text.indexOf(" ", from);
    const run = known.runs.at(text, from, space);
    from = space + 1;
    space = text.indexOf(" ", from);
    const permutation = integerAt(text, from, space);
    from = space + 1;
    const fromAssignment = text.charCodeAt(from) === 49;
    from += 2;
    space = text.indexOf(" ", from);
    const time = integerAt(text, from, space);
    from = space + 1;
    const flagged = text.charCodeAt(from) === 49;
    from += 2;
    space = text.indexOf(" ", from);
    const createdMs = integerAt(text, from, space);
    from = space + 1;
    if (filter !== null && !kept(filter, code, rater, run, createdMs)) {
      at = end + 1;
      continue;
    }
    const target = builder.addRanking(code, rater, run, permutation, fromAssignment, time, flagged);
    // A human ranking not made through an assignment was imported: whatever order was stored
    // with it (files imported before shown orders were left out kept the file's) nobody saw.
    const shownKnown = code !== HUMAN || fromAssignment;
    // A ranking covers the candidates it saw; one made before a candidate was added is left out.
    if (!parseEntries(text, slots, scratch, shownKnown ? target.shown : null, target.at, from, end)) builder.dropLastRanking();
    else fractionalRanks(scratch, target.ranks, target.at);
    at = end + 1;
  }
}

/** Whether the filter keeps a ranking: it bounds human rankings (date, annotator) and judge rankings (run). */
function kept(filter: RankingFilter, code: number, rater: string | null, run: string | null, createdMs: number | null): boolean {
  if (code === HUMAN)
    return (
      (filter.fromMs === null || createdMs! >= filter.fromMs) &&
      (filter.toMs === null || createdMs! < filter.toMs) &&
      (filter.annotators === null || filter.annotators.has(rater!))
    );
  return code !== JUDGE || filter.runs === null || filter.runs.has(run!);
}

/**
 * Reads "rank shown;rank shown;…" (integers, shown may be −1; text[from, to)) into `ranks[slots[k]]` and
 * `shown[shownAt + slots[k]]` for the k-th entry, without splitting strings (600k rankings at 100k prompts).
 * False when the entries are not exactly one per candidate.
 */
export function parseEntries(
  text: string,
  slots: Int32Array,
  ranks: Float64Array,
  shown: Int16Array | null,
  shownAt = 0,
  from = 0,
  to = text.length,
): boolean {
  let k = 0;
  let field = 0;
  let value = 0;
  let negative = false;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : 59; // ';' ends the last entry
    if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else if (c === 45) negative = true;
    else {
      if (k >= slots.length) return false;
      const x = negative ? -value : value;
      if (field === 0) ranks[slots[k]!] = x;
      else if (shown) shown[shownAt + slots[k]!] = x;
      value = 0;
      negative = false;
      if (c === 32) field = 1;
      else {
        field = 0;
        k += 1;
      }
    }
  }
  return k === slots.length;
}
