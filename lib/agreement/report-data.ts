import type { RankingKind } from "@/generated/prisma/enums";

/**
 * What the agreement report is computed from: a project's prompts with their candidates and the
 * latest revision of every ranking, ranks already fractional and aligned with the candidates.
 */
export interface ReportRanking {
  kind: RankingKind;
  /** The person (human, gold, adjudicated rankings). */
  raterId: string | null;
  /** The judge run and permutation (judge rankings). */
  runId: string | null;
  permutation: number | null;
  /** Fractional ranks, one per candidate in candidate order (1 = best). */
  ranks: Float64Array;
  /** Made through an assignment (its shown order was a shuffle MedPref chose, not a file's order). */
  fromAssignment: boolean;
  /** 0-based position each candidate was shown at (−1 where unknown). */
  shownPositions: Int16Array;
  timeOnTaskMs: number | null;
  /** Any flag on the prompt or on a candidate. */
  flagged: boolean;
}

export interface ReportPrompt {
  id: string;
  preview: string;
  source: string | null;
  promptType: string | null;
  models: string[];
  /** Bytes of each candidate's text (UTF-8; cheap for PostgreSQL, close enough for length bias). */
  lengths: number[];
  rankings: ReportRanking[];
}

export interface ReportRater {
  id: string;
  name: string;
  pseudonym: string;
  external: boolean;
}

export interface ReportRun {
  id: string;
  name: string;
  model: string | null;
}

export interface ReportData {
  prompts: ReportPrompt[];
  raters: Map<string, ReportRater>;
  runs: Map<string, ReportRun>;
}
