import "server-only";
import type { ReportFilter } from "@/lib/agreement/load-report-data";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql, type Queryable } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { spanDashboardFigures, type CandidateRanker, type DashboardSpan, type SpanDashboardFigures } from "@/lib/critiques/span-dashboard";
import type { CritiqueSpan } from "@/lib/critiques/spans";
import { DEFAULT_TAXONOMY, type CritiqueColour, type CritiqueSeverity, type CritiqueTaxonomy } from "@/lib/critiques/taxonomy";
import { raterLabel } from "@/lib/projects/prompt-detail";

/** A tag as pages show it: the taxonomy's label, marker and colour (the key itself, "?" and slate for a key no version has). */
export interface TagDisplay {
  key: string;
  label: string;
  marker: string;
  colour: CritiqueColour;
}

/** Who sees what: admins read names (with the pseudonym), researchers pseudonyms only. */
export interface CritiqueViewer {
  showRaterNames: boolean;
}

/** Every taxonomy version of a project, 0 (the default) included, oldest first. */
async function projectTaxonomies(db: Queryable, projectId: string): Promise<Map<number, CritiqueTaxonomy>> {
  const rows = await queryRows<{ version: number; tags: CritiqueTaxonomy["tags"] }>(
    db,
    sql`SELECT version, tags FROM critique_taxonomies WHERE project_id = ${projectId}::uuid ORDER BY version`,
  );
  return new Map([[0, DEFAULT_TAXONOMY], ...rows.map((r): [number, CritiqueTaxonomy] => [r.version, { tags: r.tags }])]);
}

/** Tag displays by key, the latest version's winning (keys are stable across versions; labels may change). */
function latestDisplays(taxonomies: Map<number, CritiqueTaxonomy>): Map<string, TagDisplay> {
  const displays = new Map<string, TagDisplay>();
  for (const taxonomy of taxonomies.values()) for (const tag of taxonomy.tags) displays.set(tag.key, { ...tag });
  return displays;
}

const unknownTag = (key: string): TagDisplay => ({ key, label: key, marker: "?", colour: "slate" });

/** One span on the prompt page, with the tag as its own taxonomy version shows it and who marked it. */
export interface PromptCritique extends CritiqueSpan {
  id: string;
  completionId: string;
  tagDisplay: TagDisplay;
  /** "clinician" for human rankings and pair votes, "judge" for a judge run, "gold"/"adjudicated" for an admin's reference ranking. */
  raterKind: "clinician" | "judge" | "gold" | "adjudicated";
  /** The rater as the viewer may read them: a pseudonym for researchers; "Judge: <run> (<model>)" for judges. */
  rater: string;
  /** "ranking" or "pair vote". */
  via: "ranking" | "pair vote";
}

interface PromptSpanRow {
  id: string;
  completionId: string;
  start: number;
  end: number;
  text: string;
  tag: string;
  severity: CritiqueSeverity;
  comment: string;
  correction: string;
  taxonomyVersion: number;
  ownerKind: "HUMAN" | "JUDGE" | "GOLD" | "ADJUDICATED" | "VOTE";
  permutationIndex: number | null;
  runName: string | null;
  runModel: string | null;
  runPermutations: number | null;
  raterName: string | null;
  pseudonym: string | null;
  isExternal: boolean | null;
}

/** Clinicians' spans first, then the admins' reference rankings', then the judges'. */
const KIND_ORDER: readonly PromptCritique["raterKind"][] = ["clinician", "gold", "adjudicated", "judge"];

const RATER_KINDS = { HUMAN: "clinician", VOTE: "clinician", JUDGE: "judge", GOLD: "gold", ADJUDICATED: "adjudicated" } as const;

function promptRater(row: PromptSpanRow, viewer: CritiqueViewer): string {
  if (row.ownerKind === "JUDGE") {
    const permutation = (row.runPermutations ?? 1) > 1 ? `, permutation ${(row.permutationIndex ?? 0) + 1}` : "";
    return `Judge: ${row.runName ?? "?"}${row.runModel ? ` (${row.runModel})` : ""}${permutation}`;
  }
  return raterLabel(
    { name: row.raterName ?? "?", pseudonym: row.pseudonym ?? "?", isExternal: row.isExternal ?? false },
    viewer.showRaterNames,
  );
}

/**
 * Every rater's spans over a prompt's candidates: those of each ranking's latest revision (clinicians,
 * judges' permutations, admins' gold and adjudicated rankings) and of each pair vote's current
 * revision, by completion id, in order of start, end, then clinicians before
 * judges, then rater. Researchers read pseudonyms only.
 */
export async function promptCritiques(promptId: string, viewer: CritiqueViewer): Promise<Map<string, PromptCritique[]>> {
  const prompt = await queryOne<{ projectId: string }>(pool(), sql`SELECT project_id FROM prompts WHERE id = ${promptId}::uuid`);
  if (!prompt) return new Map();
  const spanColumns = sql`s.id, s.completion_id, s.start_offset AS start, s.end_offset AS "end", s.quote AS text, s.tag, s.severity, s.comment, s.correction, s.taxonomy_version`;
  const [rows, taxonomies] = await Promise.all([
    queryRows<PromptSpanRow>(
      pool(),
      sql`SELECT ${spanColumns}, r.kind::text AS owner_kind, r.permutation_index, jr.name AS run_name, jr.model AS run_model,
                 jr.permutations AS run_permutations, u.name AS rater_name, u.pseudonym, u.is_external
            FROM rankings r
            JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
            JOIN critique_spans s ON s.revision_id = rr.id
            LEFT JOIN users u ON u.id = r.rater_id
            LEFT JOIN judge_runs jr ON jr.id = r.judge_run_id
           WHERE r.prompt_id = ${promptId}::uuid
          UNION ALL
          SELECT ${spanColumns}, 'VOTE', NULL, NULL, NULL, NULL, u.name, u.pseudonym, u.is_external
            FROM completions c
            JOIN critique_spans s ON s.completion_id = c.id
            JOIN verification_votes v ON v.id = s.vote_id AND v.revision = s.vote_revision
            JOIN users u ON u.id = v.user_id
           WHERE c.prompt_id = ${promptId}::uuid`,
    ),
    projectTaxonomies(pool(), prompt.projectId),
  ]);
  const latest = latestDisplays(taxonomies);
  const tagDisplay = (version: number, key: string): TagDisplay => {
    const tag = taxonomies.get(version)?.tags.find((t) => t.key === key);
    return tag ? { ...tag } : (latest.get(key) ?? unknownTag(key));
  };
  const critiques = rows.map((row): PromptCritique => ({
    id: row.id,
    completionId: row.completionId,
    start: row.start,
    end: row.end,
    text: row.text,
    tag: row.tag,
    severity: row.severity,
    comment: row.comment,
    correction: row.correction,
    tagDisplay: tagDisplay(row.taxonomyVersion, row.tag),
    raterKind: RATER_KINDS[row.ownerKind],
    rater: promptRater(row, viewer),
    via: row.ownerKind === "VOTE" ? "pair vote" : "ranking",
  }));
  critiques.sort(
    (a, b) =>
      a.start - b.start ||
      a.end - b.end ||
      KIND_ORDER.indexOf(a.raterKind) - KIND_ORDER.indexOf(b.raterKind) ||
      compareText(a.rater, b.rater) ||
      compareText(a.tag, b.tag) ||
      compareText(a.id, b.id),
  );
  const byCompletion = new Map<string, PromptCritique[]>();
  for (const c of critiques) byCompletion.set(c.completionId, [...(byCompletion.get(c.completionId) ?? []), c]);
  return byCompletion;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The agreement dashboard's span section: the figures, the tags to label them with, and the judge runs' names. */
export interface SpanDashboard extends SpanDashboardFigures {
  /** Every tag the figures name, in the current taxonomy's order, then tags only older versions had. */
  tags: TagDisplay[];
  runs: Record<string, { name: string; model: string | null }>;
}

/**
 * The rankings the dashboard's filter keeps, as the agreement report applies it (lib/agreement/
 * load-report-data.ts): clinicians' rankings whose latest revision was made in [from, to) by one of
 * the annotators, judge rankings of one of the runs. Gold and adjudicated rankings are not raters.
 */
function keptRankings(filter: ReportFilter) {
  const from = filter.from ?? null;
  const to = filter.to ?? null;
  const annotators = filter.annotatorIds?.length ? filter.annotatorIds : null;
  const runs = filter.runIds?.length ? filter.runIds : null;
  return sql`((r.kind = 'HUMAN' AND (${from}::timestamptz IS NULL OR rr.created_at >= ${from}::timestamptz)
                 AND (${to}::timestamptz IS NULL OR rr.created_at < ${to}::timestamptz)
                 AND (${annotators}::uuid[] IS NULL OR r.rater_id = ANY(${annotators}::uuid[])))
           OR (r.kind = 'JUDGE' AND (${runs}::uuid[] IS NULL OR r.judge_run_id = ANY(${runs}::uuid[]))))`;
}

/** The pair answers (verification votes at their current revision, `v`) the dashboard's annotator and date filter keeps. */
function keptPairAnswers(filter: ReportFilter) {
  const from = filter.from ?? null;
  const to = filter.to ?? null;
  const annotators = filter.annotatorIds?.length ? filter.annotatorIds : null;
  return sql`((${from}::timestamptz IS NULL OR v.updated_at >= ${from}::timestamptz)
              AND (${to}::timestamptz IS NULL OR v.updated_at < ${to}::timestamptz)
              AND (${annotators}::uuid[] IS NULL OR v.user_id = ANY(${annotators}::uuid[])))`;
}

interface DashboardSpanRow extends Omit<DashboardSpan, "label" | "source"> {
  source: string | null;
  raterName: string | null;
  pseudonym: string | null;
  isExternal: boolean | null;
  promptId: string;
}

/**
 * The project's span figures for the agreement dashboard, read live (not part of the stored report:
 * spans are few beside rankings, and these reads start from them): the clinicians' span statistics,
 * their span agreement, and each judge run's against them (lib/critiques/span-dashboard.ts), over
 * the rankings `filter` keeps. The statistics also count the spans of clinicians' pair answers at
 * their current revision (the same annotator and date filter, on the answer's last change); span
 * agreement compares rankings only.
 */
export async function spanDashboard(projectId: string, filter: ReportFilter, viewer: CritiqueViewer): Promise<SpanDashboard> {
  const kept = keptRankings(filter);
  const { spans, answerSpans, rankers, taxonomies, runs } = await withTransaction(
    async (tx) => {
      const answerRows = await queryRows<DashboardSpanRow>(
        tx,
        sql`SELECT s.completion_id, s.start_offset AS start, s.end_offset AS "end", s.tag, s.severity, c.model, p.source, p.id AS prompt_id,
                   'clinician' AS kind, v.user_id::text AS key, u.name AS rater_name, u.pseudonym, u.is_external
              FROM critique_spans s
              JOIN verification_votes v ON v.id = s.vote_id AND v.revision = s.vote_revision
              JOIN completions c ON c.id = s.completion_id
              JOIN prompts p ON p.id = c.prompt_id
              JOIN users u ON u.id = v.user_id
             WHERE p.project_id = ${projectId}::uuid AND ${keptPairAnswers(filter)}`,
      );
      const rows = await queryRows<DashboardSpanRow>(
        tx,
        sql`SELECT s.completion_id, s.start_offset AS start, s.end_offset AS "end", s.tag, s.severity, c.model, p.source, p.id AS prompt_id,
                   CASE WHEN r.kind = 'HUMAN' THEN 'clinician' ELSE 'judge' END AS kind,
                   coalesce(r.rater_id, r.judge_run_id)::text AS key, u.name AS rater_name, u.pseudonym, u.is_external
              FROM critique_spans s
              JOIN ranking_revisions rr ON rr.id = s.revision_id
              JOIN rankings r ON r.id = rr.ranking_id AND r.revision = rr.revision
              JOIN completions c ON c.id = s.completion_id
              JOIN prompts p ON p.id = c.prompt_id
              LEFT JOIN users u ON u.id = r.rater_id
             WHERE p.project_id = ${projectId}::uuid AND ${kept}`,
      );
      const marked = [...new Set(rows.map((r) => r.completionId))];
      const prompts = [...new Set(rows.map((r) => r.promptId))];
      const rankers = await queryRows<CandidateRanker>(
        tx,
        sql`SELECT e.completion_id, CASE WHEN r.kind = 'HUMAN' THEN 'clinician' ELSE 'judge' END AS kind,
                   coalesce(r.rater_id, r.judge_run_id)::text AS key
              FROM rankings r
              JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
              JOIN ranking_entries e ON e.revision_id = rr.id AND e.completion_id = ANY(${marked}::uuid[])
             WHERE r.prompt_id = ANY(${prompts}::uuid[]) AND ${kept}`,
      );
      const runRows = await queryRows<{ id: string; name: string; model: string | null }>(
        tx,
        sql`SELECT id, name, model FROM judge_runs WHERE id = ANY(${[...new Set(rows.filter((r) => r.kind === "judge").map((r) => r.key))]}::uuid[])`,
      );
      return { spans: rows, answerSpans: answerRows, rankers, taxonomies: await projectTaxonomies(tx, projectId), runs: runRows };
    },
    { isolation: "REPEATABLE READ", readOnly: true },
  );
  const labelled = (rows: DashboardSpanRow[]): DashboardSpan[] =>
    rows.map(({ raterName, pseudonym, isExternal, promptId: _prompt, ...span }) => ({
      ...span,
      source: span.source ?? "(none)",
      label: raterLabel({ name: raterName ?? "?", pseudonym: pseudonym ?? "?", isExternal: isExternal ?? false }, viewer.showRaterNames),
    }));
  const figures = spanDashboardFigures(labelled(spans), rankers, projectId, labelled(answerSpans));
  return {
    ...figures,
    tags: dashboardTags(taxonomies, new Set([...spans, ...answerSpans].map((s) => s.tag))),
    runs: Object.fromEntries(runs.map(({ id, ...run }) => [id, run])),
  };
}

/** The tags to label the figures with: the current taxonomy's, then any other tag a span uses. */
function dashboardTags(taxonomies: Map<number, CritiqueTaxonomy>, used: Set<string>): TagDisplay[] {
  const current = [...taxonomies.values()].at(-1)!;
  const latest = latestDisplays(taxonomies);
  const listed = current.tags.map((t) => ({ ...t }));
  const others = [...used].filter((key) => !current.tags.some((t) => t.key === key)).sort();
  return [...listed, ...others.map((key) => latest.get(key) ?? unknownTag(key))];
}
