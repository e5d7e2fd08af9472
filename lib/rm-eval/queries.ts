import "server-only";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import type { PairCategory } from "@/lib/export/pair-categories";
import { evaluateAccuracy, type AccuracyKey, type AccuracyReport } from "@/lib/rm-eval/accuracy";
import { loadBenchmark } from "@/lib/rm-eval/benchmark-targets";
import { judgeEvaluationResult } from "@/lib/rm-eval/judge-evaluation";
import { consensusAsScores, judgeAsScores, type KeptPairVotes } from "@/lib/rm-eval/reference-rows";
import { outcomeCategories, type Outcome, type Vote } from "@/lib/verification/pair-outcome";

export const LEADERBOARD_TARGETS = ["set", "export"] as const;
export type LeaderboardTarget = (typeof LEADERBOARD_TARGETS)[number];

export interface LeaderboardRow {
  /** The stored evaluation's id; null for a reference row (computed on every read, never stored). */
  id: string | null;
  name: string;
  notes: string;
  kind: "scores" | "judge" | "reference";
  createdAt: string | null;
  /** The uploader's pseudonym (researchers see pseudonyms only, so everyone does here). */
  createdBy: string | null;
  pairs: number;
  accuracy: Record<AccuracyKey, number | null>;
  ci95: Record<AccuracyKey, [number, number] | null>;
  /** A judge evaluation's run and how far it is (its accuracy is computed from the verdicts so far). */
  judgeRun: { id: string; status: string; answered: number; units: number; unjudged: number } | null;
}

export interface Leaderboard {
  target: LeaderboardTarget;
  id: string;
  /** "name v2" for a set, the export's name for an export. */
  title: string;
  project: { slug: string; name: string } | null;
  /** Pairs evaluated: a set's kept pairs, or an export's test pairs as last evaluated. */
  keptPairs: number | null;
  rows: LeaderboardRow[];
}

/** A set's or an export's leaderboard: every stored evaluation, newest first, then (sets) the judge and the clinicians as reference rows. */
export async function leaderboard(target: LeaderboardTarget, id: string): Promise<Leaderboard | null> {
  const head =
    target === "set"
      ? await queryOne<{ title: string; slug: string; projectName: string }>(
          pool(),
          sql`SELECT s.name || ' v' || s.version AS title, p.slug, p.name AS project_name
                FROM verification_sets s JOIN projects p ON p.id = s.project_id WHERE s.id = ${id}::uuid`,
        )
      : await queryOne<{ title: string; slug: null; projectName: null }>(
          pool(),
          sql`SELECT name AS title, NULL AS slug, NULL AS project_name FROM exports WHERE id = ${id}::uuid`,
        );
  if (!head) return null;
  const stored = await queryRows<{
    id: string;
    name: string;
    notes: string;
    kind: "scores" | "judge";
    judgeRunId: string | null;
    createdAt: Date;
    pseudonym: string | null;
    pairs: number;
    results: Pick<AccuracyReport, "accuracy" | "ci95">;
  }>(
    pool(),
    sql`SELECT e.id, e.name, e.notes, e.kind, e.judge_run_id, e.created_at, u.pseudonym, e.pairs, e.results
          FROM rm_evaluations e LEFT JOIN users u ON u.id = e.created_by_id
         WHERE ${target === "set" ? sql`e.set_id = ${id}::uuid` : sql`e.export_id = ${id}::uuid`}
         ORDER BY e.created_at DESC, e.id`,
  );
  // Judge evaluations are scored on the benchmark's pairs as they stand, from their runs' verdicts so far.
  const benchmark = stored.some((e) => e.judgeRunId) ? await loadBenchmark(target === "set" ? { setId: id } : { exportId: id }) : null;
  const rows: LeaderboardRow[] = await Promise.all(
    stored.map(async (e) => {
      const judged = e.judgeRunId && benchmark ? await judgeEvaluationResult(e.judgeRunId, benchmark) : null;
      return {
        id: e.id,
        name: e.name,
        notes: e.notes,
        kind: e.kind,
        createdAt: e.createdAt.toISOString(),
        createdBy: e.pseudonym,
        pairs: judged ? judged.pairs : e.pairs,
        accuracy: judged ? judged.accuracy : e.results.accuracy,
        ci95: judged ? judged.ci95 : e.results.ci95,
        judgeRun:
          judged && e.judgeRunId
            ? { id: e.judgeRunId, status: judged.runStatus, answered: judged.answered, units: judged.units, unjudged: judged.unjudged }
            : null,
      };
    }),
  );
  let keptPairs: number | null = stored.find((e) => e.kind === "scores")?.pairs ?? benchmark?.pairs.length ?? null;
  if (target === "set") {
    const kept = await keptPairVotes(id);
    keptPairs = kept.length;
    if (kept.length > 0)
      rows.push(
        reference("Original judge (reference)", judgeAsScores(kept)),
        reference("Clinicians' consensus (reference)", consensusAsScores(kept)),
      );
  }
  return { target, id, title: head.title, project: head.slug ? { slug: head.slug, name: head.projectName! } : null, keptPairs, rows };
}

function reference(name: string, scored: Parameters<typeof evaluateAccuracy>[0]): LeaderboardRow {
  const report = evaluateAccuracy(scored);
  return {
    id: null,
    name,
    notes: "",
    kind: "reference",
    createdAt: null,
    createdBy: null,
    pairs: report.pairs,
    accuracy: report.accuracy,
    ci95: report.ci95,
    judgeRun: null,
  };
}

async function keptPairVotes(setId: string): Promise<KeptPairVotes[]> {
  const rows = await queryRows<{ id: string; outcome: Outcome; categories: string[]; votes: Vote[] }>(
    pool(),
    sql`SELECT vp.id, vp.outcome, vp.categories,
               ARRAY(SELECT v.vote::text FROM verification_votes v WHERE v.pair_id = vp.id ORDER BY v.id) AS votes
          FROM verification_pairs vp
         WHERE vp.set_id = ${setId}::uuid AND vp.outcome IN ('VERIFIED', 'OVERTURNED')
         ORDER BY vp.position`,
  );
  return rows.map((r) => ({
    pair: r.id,
    outcome: r.outcome,
    categories: outcomeCategories(r.categories, r.outcome) as PairCategory[],
    votes: r.votes,
  }));
}
