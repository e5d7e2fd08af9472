import "server-only";
import { createHash } from "node:crypto";
import { writeAudit } from "@/lib/audit/audit-entry";
import { insertJudgeRanking, insertRankingWithRevision } from "@/lib/annotation/store-revision";
import { RankingKind, Role, RunKind, RunStatus, UnitState } from "@/generated/prisma/enums";
import { currentTaxonomy } from "@/lib/critiques/project-taxonomy";
import { completionSpanProblems, insertOwnersCritiqueSpans, type CompletionSpan, type SpanOwner } from "@/lib/critiques/store-spans";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { ProblemList } from "@/lib/import/problem-list";
import {
  parseRankingRecord,
  resolveRankingClaim,
  RUBRIC_SCALE,
  type Candidate,
  type RankingClaim,
  type ScoreScale,
} from "@/lib/import/rankings/ranking-records";
import { readRecords } from "@/lib/import/read-records";
import type { RecordProblem } from "@/lib/import/types";
import type { Submission } from "@/lib/ranking/submission-schema";
import { newPseudonym } from "@/lib/users/manage-users";

export interface RankingImportOptions {
  projectId: string;
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  fileName: string;
  kind: "judge" | "human";
  /** Used for records without their own `annotator` field. */
  annotator: string | null;
  actorId: string | null;
  /** The scale of the file's scores where a record declares none (default: the rubric's 1–5). */
  scoreScale?: ScoreScale;
}

export interface RankingImportSummary {
  ok: boolean;
  imported: number;
  /** Human rankings already stored for the same prompt and rater (a file imported twice). */
  alreadyThere: number;
  annotators: string[];
  judgeRunIds: string[];
  problems: RecordProblem[];
  problemsNotShown: number;
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_JUDGE = "imported judge";

/** An outside rater's account: it owns rankings and cannot sign in. The same name maps to the same account. */
export async function externalRater(tx: Tx, name: string): Promise<string> {
  const row = await queryOne<{ id: string }>(
    tx,
    sql`INSERT INTO users (email, name, role, is_external, active, pseudonym) VALUES (${externalRaterEmail(name)}, ${name}, ${Role.CLINICIAN}, true, false, ${newPseudonym()})
     ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`,
  );
  return row!.id;
}

/** The address an outside rater's account gets from its name (never deliverable: .invalid). */
export function externalRaterEmail(name: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "rater";
  return `${slug}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}@external-raters.invalid`;
}

/**
 * Loads rankings made outside MedPref (UltraMedical judge output or MedPref JSONL) into a project:
 * every record is checked first (its prompt exists, it ranks exactly that prompt's candidates);
 * any problem and nothing is written. Scores are kept as given with their scale (declared per record,
 * or for the whole file, default 1–5); a score outside its scale is a problem, and so is a tie in a
 * project without ties. Critique spans (MedPref records) must slice their quotes from their
 * candidates' text and use the project's current taxonomy; they are stored with the ranking's
 * revision under that taxonomy version. Judge rankings become one completed judge run per judge;
 * human rankings belong to external raters, one per annotator name.
 */
export async function importRankings(o: RankingImportOptions): Promise<RankingImportSummary> {
  const problems = new ProblemList();
  const claims: { location: string; claim: RankingClaim }[] = [];
  let recordsRead = 0;
  for await (const raw of readRecords(o.input, { maxRecordBytes: 64 * 1024 * 1024 })) {
    recordsRead++;
    if ("error" in raw) {
      problems.addRecord(raw.location, [{ field: raw.field ?? "record", reason: raw.error }]);
      continue;
    }
    const parsed = parseRankingRecord(raw.value);
    if (parsed.ok) claims.push({ location: raw.location, claim: parsed.value });
    else problems.addRecord(raw.location, [parsed]);
  }
  const refs = [...new Set(claims.map((c) => c.claim.promptRef))];
  const project = await queryOne<{ allowTies: boolean }>(pool(), sql`SELECT allow_ties FROM projects WHERE id = ${o.projectId}`);
  const resolveOptions = { defaultScale: o.scoreScale ?? RUBRIC_SCALE, allowTies: project?.allowTies ?? false };
  const rows = await queryRows<{ id: string; externalId: string | null; candidates: Candidate[] }>(
    pool(),
    sql`SELECT p.id, p.external_id, (SELECT json_agg(json_build_object('id', c.id, 'model', c.model, 'position', c.position)) FROM completions c WHERE c.prompt_id = p.id) AS candidates
       FROM prompts p WHERE p.project_id = ${o.projectId} AND (p.external_id = ANY(${refs}::text[]) OR p.id = ANY(${refs.filter((r) => UUID.test(r))}::uuid[]))`,
  );
  const byRef = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    byRef.set(r.id, r);
    if (r.externalId !== null) byRef.set(r.externalId, r);
  }
  const ready: {
    location: string;
    promptId: string;
    annotator: string;
    submission: Submission;
    scoreScale: ScoreScale;
    shownOrder: string[];
  }[] = [];
  const seen = new Map<string, string>();
  for (const { location, claim } of claims) {
    const prompt = byRef.get(claim.promptRef);
    if (!prompt) {
      problems.addRecord(location, [
        {
          field: claim.shape === "medpref" ? "prompt_id" : "id",
          reason: `no prompt "${claim.promptRef}" in this project (matched by MedPref id or by the id in the imported file)`,
        },
      ]);
      continue;
    }
    const annotator = claim.annotator ?? o.annotator ?? (o.kind === "judge" ? DEFAULT_JUDGE : null);
    if (!annotator) {
      problems.addRecord(location, [
        { field: "annotator", reason: 'a human ranking needs its annotator: an "annotator" field or --annotator NAME' },
      ]);
      continue;
    }
    const key = `${annotator}\u0000${prompt.id}`;
    if (seen.has(key)) {
      problems.addRecord(location, [
        { field: "prompt_id", reason: `"${annotator}" ranks this prompt twice in the file (also at ${seen.get(key)})` },
      ]);
      continue;
    }
    seen.set(key, location);
    const resolved = resolveRankingClaim(claim, prompt.candidates, resolveOptions);
    if (!resolved.ok) problems.addRecord(location, [resolved]);
    else
      ready.push({
        location,
        promptId: prompt.id,
        annotator,
        submission: resolved.value.submission,
        scoreScale: resolved.value.scoreScale,
        shownOrder: [...prompt.candidates].sort((a, b) => a.position - b.position).map((c) => c.id),
      });
  }
  const taxonomyVersion = await checkImportedSpans(o.projectId, ready, problems);
  const annotators = [...new Set(ready.map((r) => r.annotator))];
  const base = { annotators, problems: problems.inFileOrder(), problemsNotShown: problems.notShown };
  if (problems.total > 0 || ready.length === 0) {
    const message =
      problems.total > 0
        ? `Nothing was imported: ${problems.rejectedRecords} of ${recordsRead} records have problems. Fix them and import the file again.`
        : "Nothing was imported: the file holds no rankings.";
    return { ok: false, imported: 0, alreadyThere: 0, judgeRunIds: [], ...base, message };
  }
  return withTransaction(async (tx) => {
    const judgeRunIds: string[] = [];
    const spanGroups: { owner: SpanOwner; spans: readonly CompletionSpan[]; taxonomyVersion: number }[] = [];
    const keepSpans = (revisionId: string, spans: readonly CompletionSpan[] | undefined) => {
      if (spans?.length) spanGroups.push({ owner: { revisionId }, spans, taxonomyVersion });
    };
    let imported = 0;
    let alreadyThere = 0;
    for (const annotator of annotators) {
      const mine = ready.filter((r) => r.annotator === annotator);
      if (o.kind === "judge") {
        const run = await queryOne<{ id: string }>(
          tx,
          sql`INSERT INTO judge_runs (project_id, kind, status, name, model, permutations, units_total, config, created_by_id, started_at, finished_at)
           VALUES (${o.projectId}, ${RunKind.JUDGE}, ${RunStatus.COMPLETED}, ${`Imported: ${annotator} (${o.fileName})`}, ${annotator}, 1, ${mine.length},
                   ${JSON.stringify({ imported: { file: o.fileName, annotator } })}::jsonb, ${o.actorId}, now(), now()) RETURNING id`,
        );
        const runId = run!.id;
        judgeRunIds.push(runId);
        await execute(
          tx,
          sql`INSERT INTO judge_units (run_id, prompt_id, unit_index, state)
              SELECT ${runId}::uuid, p, 0, ${UnitState.DONE}::unit_state FROM unnest(${mine.map((r) => r.promptId)}::uuid[]) p`,
        );
        for (const r of mine) {
          const stored = await insertJudgeRanking(tx, {
            promptId: r.promptId,
            judgeRunId: runId,
            permutationIndex: 0,
            authorId: null,
            shownOrder: r.shownOrder,
            idempotencyKey: null,
            submission: r.submission,
            scoreScale: r.scoreScale,
          });
          keepSpans(stored!.revisionId, r.submission.spans);
          imported++;
        }
      } else {
        const raterId = await externalRater(tx, annotator);
        const existing = await queryRows<{ promptId: string }>(
          tx,
          sql`SELECT prompt_id FROM rankings WHERE kind = ${RankingKind.HUMAN} AND rater_id = ${raterId} AND prompt_id = ANY(${mine.map((r) => r.promptId)}::uuid[])`,
        );
        const done = new Set(existing.map((e) => e.promptId));
        for (const r of mine) {
          if (done.has(r.promptId)) {
            alreadyThere++;
            continue;
          }
          // The file's order is not an order anybody was shown: no shown order is stored, so the
          // ranking stays out of position-bias figures instead of inventing a bias.
          const { revisionId } = await insertRankingWithRevision(tx, {
            promptId: r.promptId,
            kind: RankingKind.HUMAN,
            raterId,
            assignmentId: null,
            authorId: raterId,
            shownOrder: null,
            idempotencyKey: null,
            submission: r.submission,
            scoreScale: r.scoreScale,
          });
          keepSpans(revisionId, r.submission.spans);
          imported++;
        }
      }
    }
    await insertOwnersCritiqueSpans(tx, spanGroups);
    await writeAudit(tx, {
      actorId: o.actorId,
      action: "rankings.import",
      entityType: "project",
      entityId: o.projectId,
      after: {
        file: o.fileName,
        kind: o.kind,
        imported,
        alreadyThere,
        annotators,
        spans: spanGroups.reduce((n, g) => n + g.spans.length, 0),
      },
    });
    const message = `Imported ${imported} ${o.kind} ranking${imported === 1 ? "" : "s"} by ${annotators.map((a) => `"${a}"`).join(", ")}${alreadyThere ? ` (${alreadyThere} already there, skipped)` : ""}.`;
    return { ok: true, imported, alreadyThere, judgeRunIds, ...base, message };
  });
}

/** Records checked against completions' text a page at a time, so a large marked file never holds every text at once. */
const SPAN_CHECK_PAGE = 1000;

/**
 * Checks the records' critique spans against their candidates' text and the project's current
 * critique taxonomy, adding each record's problems (by the span's index and the candidate's model).
 * Returns the taxonomy version the spans are stored under.
 */
async function checkImportedSpans(
  projectId: string,
  ready: readonly { location: string; submission: Submission }[],
  problems: ProblemList,
): Promise<number> {
  const { version, taxonomy } = await currentTaxonomy(pool(), projectId);
  const marked = ready.filter((r) => r.submission.spans?.length);
  for (let from = 0; from < marked.length; from += SPAN_CHECK_PAGE) {
    const page = marked.slice(from, from + SPAN_CHECK_PAGE);
    const ids = [...new Set(page.flatMap((r) => r.submission.spans!.map((s) => s.completionId)))];
    const rows = await queryRows<{ id: string; model: string; text: string }>(
      pool(),
      sql`SELECT id, model, text FROM completions WHERE id = ANY(${ids}::uuid[])`,
    );
    const texts = new Map(rows.map((c) => [c.id, c.text]));
    const models = new Map(rows.map((c) => [c.id, c.model]));
    for (const r of page) {
      const found = completionSpanProblems(r.submission.spans!, texts, taxonomy, (id) => `"${models.get(id)}"`);
      if (found.length)
        problems.addRecord(
          r.location,
          found.map((p) => ({ field: p.field, reason: p.message })),
        );
    }
  }
  return version;
}
