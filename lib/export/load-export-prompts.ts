import "server-only";
import type { RankingKind } from "@/generated/prisma/enums";
import type pg from "pg";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { copyTextValuesOut } from "@/lib/db/copy-to";
import type { RatedSpan } from "@/lib/critiques/critique-rows";
import type { CritiqueSeverity } from "@/lib/critiques/taxonomy";
import type { ExportCritiques, ExportPrompt, ExportRanking } from "@/lib/export/export-prompt";

/** The prompts of one project an export reads, narrowed by its SQL-level filters. */
export interface PromptScope {
  projectId: string;
  projectSlug: string;
  sourceDatasets: string[];
  promptTypes: string[];
}

function scopeWhere(client: pg.PoolClient, scope: PromptScope): string {
  const list = (values: string[]) => values.map((v) => client.escapeLiteral(v)).join(", ");
  return [
    `p.project_id = ${client.escapeLiteral(scope.projectId)}`,
    scope.sourceDatasets.length ? `p.source IN (${list(scope.sourceDatasets)})` : null,
    scope.promptTypes.length ? `p.prompt_type IN (${list(scope.promptTypes)})` : null,
  ]
    .filter(Boolean)
    .join(" AND ");
}

/**
 * Ids, sources and texts of the prompts in scope (pass 1: splits), in no particular order: the
 * split assignment does not depend on it (lib/export/splits.ts), and a sequential scan reads the
 * prompts without the index walk an ORDER BY would take.
 */
export async function* streamPromptTexts(
  client: pg.PoolClient,
  scope: PromptScope,
): AsyncGenerator<{ id: string; source: string | null; text: string }> {
  // A one-turn prompt (most) is its message's content: the per-prompt set function, sort and
  // aggregate that join the turns were a third of this pass in PostgreSQL (same bytes out).
  const query = `SELECT json_build_object('id', p.id, 'source', p.source,
      'text', CASE WHEN jsonb_array_length(p.messages) = 1 THEN p.messages -> 0 ->> 'content'
                   ELSE (SELECT string_agg(m ->> 'content', E'\\n\\n' ORDER BY i) FROM jsonb_array_elements(p.messages) WITH ORDINALITY AS t(m, i)) END)
    FROM prompts p WHERE ${scopeWhere(client, scope)}`;
  for await (const json of copyTextValuesOut(client, query)) yield JSON.parse(json) as { id: string; source: string | null; text: string };
}

/** The number of prompts in scope. */
export async function countPrompts(client: pg.PoolClient, scope: PromptScope): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM prompts p WHERE ${scopeWhere(client, scope)}`);
  return rows[0]!.n;
}

/** A stored critique span as pass 2 reads it (short keys: the document is per prompt, for every prompt). */
interface SpanLine {
  c: string;
  s: number;
  e: number;
  q: string;
  t: string;
  v: CritiqueSeverity;
  m: string;
  x: string;
  tv: number;
}

interface PromptLine {
  id: string;
  messages: { role: string; content: string }[];
  source: string | null;
  type: string | null;
  candidates: { id: string; model: string; text: string }[];
  rankings:
    | {
        kind: RankingKind;
        rater: string | null;
        run: string | null;
        perm: number | null;
        smin: number;
        smax: number;
        entries: { c: string; r: number; s: number | null; f: string[] }[];
        spans: SpanLine[] | null;
      }[]
    | null;
}

/** The SQL of pass 2, one JSON document per prompt; also what bench:export and bench:scale time as raw COPY (binary, as read here). */
export function promptDocumentsQuery(client: pg.PoolClient, scope: PromptScope): string {
  return `SELECT json_build_object('id', p.id, 'messages', p.messages, 'source', p.source, 'type', p.prompt_type,
      'candidates', (SELECT json_agg(json_build_object('id', c.id, 'model', c.model, 'text', c.text) ORDER BY c.position)
                       FROM completions c WHERE c.prompt_id = p.id),
      'rankings', (SELECT json_agg(json_build_object('kind', r.kind, 'rater', u.pseudonym, 'run', r.judge_run_id, 'perm', r.permutation_index, 'smin', rr.score_min, 'smax', rr.score_max,
                            'entries', (SELECT json_agg(json_build_object('c', e.completion_id, 'r', e.rank, 's', e.score, 'f', e.flags))
                                          FROM ranking_entries e WHERE e.revision_id = rr.id),
                            'spans', (SELECT json_agg(json_build_object('c', s.completion_id, 's', s.start_offset, 'e', s.end_offset, 'q', s.quote, 't', s.tag,
                                                                        'v', s.severity, 'm', s.comment, 'x', s.correction, 'tv', s.taxonomy_version)
                                                      ORDER BY s.start_offset, s.end_offset, s.tag COLLATE "C", s.id)
                                        FROM critique_spans s WHERE s.revision_id = rr.id))
                          ORDER BY r.kind, u.pseudonym, r.judge_run_id, r.permutation_index, r.id)
                     FROM rankings r
                     JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
                     LEFT JOIN users u ON u.id = r.rater_id
                    WHERE r.prompt_id = p.id))
    FROM prompts p WHERE ${scopeWhere(client, scope)} ORDER BY p.content_hash`;
}

/**
 * Streams the prompts in scope with their candidates, the latest revision of every ranking and that
 * revision's critique spans (pass 2), one at a time: memory holds one prompt, whatever the project's size.
 */
export async function* streamExportPrompts(client: pg.PoolClient, scope: PromptScope): AsyncGenerator<ExportPrompt> {
  for await (const json of copyTextValuesOut(client, promptDocumentsQuery(client, scope))) {
    const doc = JSON.parse(json) as PromptLine;
    const candidates = (doc.candidates ?? []).map((c) => ({ completionId: c.id, model: c.model, text: c.text }));
    const index = new Map(candidates.map((c, i) => [c.completionId, i]));
    const rankings: ExportRanking[] = [];
    const spans = new SpanCollector(candidates.length, index);
    for (const r of doc.rankings ?? []) {
      const rater = r.kind === "JUDGE" ? `judge:${r.run}` : (r.rater ?? "unknown");
      // Spans mark a completion's text, not its rank: kept even from a ranking left out below.
      if (r.spans) spans.add(r.spans, rater);
      // A ranking made before a candidate was added does not rank every candidate: left out.
      if (r.entries.length !== candidates.length) continue;
      // By candidate (file order), then as read (start, end, tag): a ranking's spans read response by response.
      const rankingSpans = (r.spans ?? [])
        .flatMap((l) => {
          const i = index.get(l.c);
          return i === undefined ? [] : [{ i, l }];
        })
        .sort((a, b) => a.i - b.i)
        .map(({ i, l }) => ({
          model: candidates[i]!.model,
          start: l.s,
          end: l.e,
          text: l.q,
          tag: l.t,
          severity: l.v,
          comment: l.m,
          correction: l.x,
        }));
      const raw = new Float64Array(candidates.length);
      const scores: (number | null)[] = new Array<number | null>(candidates.length).fill(null);
      const flags: string[][] = candidates.map(() => []);
      for (const e of r.entries) {
        const i = index.get(e.c)!;
        raw[i] = e.r;
        scores[i] = e.s;
        flags[i] = e.f;
      }
      rankings.push({
        kind: r.kind,
        rater,
        runId: r.run,
        permutation: r.perm,
        ranks: fractionalRanks(raw),
        scores,
        scoreScale: [r.smin ?? 1, r.smax ?? 5],
        flags,
        spans: rankingSpans,
      });
    }
    yield {
      id: doc.id,
      project: scope.projectSlug,
      messages: doc.messages,
      source: doc.source,
      promptType: doc.type,
      candidates,
      rankings,
      ...spans.critiques(),
    };
  }
}

/** A prompt's spans gathered by candidate, with the taxonomy versions they were marked under. */
class SpanCollector {
  private readonly byCandidate: RatedSpan[][];
  private readonly versions = new Set<number>();

  constructor(
    candidates: number,
    private readonly index: Map<string, number>,
  ) {
    this.byCandidate = Array.from({ length: candidates }, () => []);
  }

  add(lines: SpanLine[], rater: string) {
    for (const l of lines) {
      const i = this.index.get(l.c);
      if (i === undefined) continue;
      this.byCandidate[i]!.push({ start: l.s, end: l.e, text: l.q, tag: l.t, severity: l.v, comment: l.m, correction: l.x, rater });
      this.versions.add(l.tv);
    }
  }

  critiques(): { critiques?: ExportCritiques } {
    // Every stored span records its taxonomy version: none recorded, none gathered.
    if (this.versions.size === 0) return {};
    return { critiques: { byCandidate: this.byCandidate, taxonomyVersions: [...this.versions].sort((a, b) => a - b) } };
  }
}
