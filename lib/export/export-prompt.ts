import type { RankingKind } from "@/generated/prisma/enums";
import type { RatedSpan } from "@/lib/critiques/critique-rows";
import type { CritiqueSpan } from "@/lib/critiques/spans";

/** One prompt as an export reads it: its candidates and the latest revision of every ranking. */
export interface ChatMessage {
  role: string;
  content: string;
}

export interface ExportCandidate {
  completionId: string;
  model: string;
  text: string;
}

export interface ExportRanking {
  kind: RankingKind;
  /** Annotator pseudonym for people; "judge:<run id>" for judge rankings. */
  rater: string;
  runId: string | null;
  permutation: number | null;
  /** Fractional ranks in candidate order (1 = best). */
  ranks: Float64Array;
  /** Scores in candidate order (null where none was given), on `scoreScale`. */
  scores: (number | null)[];
  /** [min, max] of the ranking's scores: the rubric's [1, 5] unless an imported file declared another. */
  scoreScale: readonly [number, number];
  /** Candidate flags in candidate order (e.g. "unsafe", "factually-incorrect"). */
  flags: string[][];
  /** The critique spans of this revision, by candidate (file order), start, end and tag, each on the candidate of `model`: the shape import-rankings reads back. */
  spans: readonly ModelSpan[];
}

/** A critique span with the model of the candidate it marks. */
export interface ModelSpan extends CritiqueSpan {
  model: string;
}

export interface ExportPrompt {
  id: string;
  project: string;
  messages: ChatMessage[];
  source: string | null;
  promptType: string | null;
  candidates: ExportCandidate[];
  rankings: ExportRanking[];
  /** The critique spans of every ranking's latest revision; absent when none of them marked a span. */
  critiques?: ExportCritiques;
}

/** A prompt's critique spans as exports carry them (lib/export/export-spans.ts). */
export interface ExportCritiques {
  /** Spans in candidate order, each with its rater (as `ExportRanking.rater` names them). */
  byCandidate: RatedSpan[][];
  /** The project's taxonomy versions the spans were marked under, ascending. */
  taxonomyVersions: number[];
}

/** The text a prompt is identified and grouped by: every turn's content. */
export const promptText = (messages: readonly ChatMessage[]) => messages.map((m) => m.content).join("\n\n");
