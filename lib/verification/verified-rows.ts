import { boolType, doubleType, intType, listOf, messagesType, stringType, structOf, type Column } from "@/lib/export/columns";
import type { ChatMessage } from "@/lib/export/export-prompt";
import { assistant, conversation, nullableString } from "@/lib/export/export-rows";
import type { JudgeVerdict } from "@/lib/verification/candidate-pairs";
import { isKept, keptOrientation, outcomeCategories, type Outcome, type Vote } from "@/lib/verification/pair-outcome";

/**
 * The rows of a verified benchmark export (pure): one per kept pair of a verification set, in TRL's
 * preference keys as the dpo format writes them (conversational), with the judge's verdict and the
 * raters' votes (pseudonyms) in provenance.
 */

export interface VerifiedCompletion {
  completionId: string;
  model: string;
}

/**
 * A pair of a set as the export reads it: the source's verdict (chosen / rejected) and every vote.
 * Its texts are read apart (PairTexts), for kept pairs only, a batch at a time.
 */
export interface VerifiedPairSource {
  id: string;
  position: number;
  /** MedPref's prompt id. */
  promptId: string;
  /** The prompt's id as imported, when it had one. */
  externalId: string | null;
  source: string | null;
  promptType: string | null;
  /** The source's verdict. */
  chosen: VerifiedCompletion;
  rejected: VerifiedCompletion;
  /** easy / hard / length, as the source gave them. */
  categories: string[];
  /** The judge's verdict as the source stored it (a JudgeVerdict; read field by field). */
  judge: unknown;
  outcome: Outcome;
  adjudicated: boolean;
  /** In the order cast (as the set's page reads them: by time, then id). */
  votes: { rater: string; vote: Vote; confidence: number | null }[];
}

/** A pair's conversation and the texts of the source's chosen and rejected completions. */
export interface PairTexts {
  messages: ChatMessage[];
  chosen: string;
  rejected: string;
}

/** What every row of one package shares. */
export interface VerifiedRowContext {
  project: string;
  set: string;
  setName: string;
  setVersion: number;
  judgeRun: string | null;
  sourceExport: string | null;
  exportVersion: string;
}

const voteType = structOf([
  { name: "rater", type: stringType },
  { name: "vote", type: stringType },
  { name: "confidence", type: intType, nullable: true },
]);

const nullableDouble = (name: string): Column => ({ name, type: doubleType, nullable: true });

/** The judge's verdict (lib/verification/candidate-pairs.ts JudgeVerdict) and whether the raters upheld it. */
const judgeType = structOf([
  { name: "chosen_id", type: stringType },
  { name: "chosen_model", type: stringType },
  { name: "rejected_id", type: stringType },
  { name: "rejected_model", type: stringType },
  { name: "upheld", type: boolType },
  nullableString("run"),
  nullableDouble("chosen_rank"),
  nullableDouble("rejected_rank"),
  nullableDouble("chosen_score"),
  nullableDouble("rejected_score"),
  nullableDouble("position_flips"),
  nullableDouble("human_disagreement"),
]);

export const VERIFIED_COLUMNS: Column[] = [
  { name: "pair", type: stringType },
  { name: "prompt_id", type: stringType },
  { name: "prompt", type: messagesType },
  { name: "chosen", type: messagesType },
  { name: "rejected", type: messagesType },
  { name: "categories", type: listOf(stringType) },
  nullableString("source"),
  {
    name: "provenance",
    type: structOf([
      { name: "prompt_uuid", type: stringType },
      { name: "project", type: stringType },
      nullableString("prompt_type"),
      { name: "set", type: stringType },
      { name: "set_name", type: stringType },
      { name: "set_version", type: intType },
      nullableString("judge_run"),
      nullableString("source_export"),
      { name: "outcome", type: stringType },
      { name: "adjudicated", type: boolType },
      { name: "chosen_id", type: stringType },
      { name: "chosen_model", type: stringType },
      { name: "rejected_id", type: stringType },
      { name: "rejected_model", type: stringType },
      { name: "judge", type: judgeType },
      { name: "votes", type: listOf(voteType) },
      { name: "export_version", type: stringType },
    ]),
  },
];

/** A vote as the row reads it: for the row's chosen or rejected completion (an overturned pair's votes swap with it). */
const ROW_VOTE: Record<Outcome, Record<Vote, string>> = {
  VERIFIED: { CHOSEN: "chosen", REJECTED: "rejected", TIE: "tie", BOTH_BAD: "both_bad" },
  OVERTURNED: { CHOSEN: "rejected", REJECTED: "chosen", TIE: "tie", BOTH_BAD: "both_bad" },
  PENDING: { CHOSEN: "chosen", REJECTED: "rejected", TIE: "tie", BOTH_BAD: "both_bad" },
  DISPUTED: { CHOSEN: "chosen", REJECTED: "rejected", TIE: "tie", BOTH_BAD: "both_bad" },
};

const numberOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** The benchmark row of a pair, or null when the pair is not kept (pending, or disputed and not adjudicated). */
export function verifiedRow(pair: VerifiedPairSource, texts: PairTexts, context: VerifiedRowContext): Record<string, unknown> | null {
  if (!isKept(pair.outcome)) return null;
  const { chosen, rejected } = keptOrientation(pair, pair.outcome);
  const text = keptOrientation(texts, pair.outcome);
  const verdict = (pair.judge ?? {}) as Partial<Record<keyof JudgeVerdict, unknown>>;
  return {
    pair: pair.id,
    prompt_id: pair.externalId ?? pair.promptId,
    prompt: conversation(texts.messages),
    chosen: [assistant(text.chosen)],
    rejected: [assistant(text.rejected)],
    categories: outcomeCategories(pair.categories, pair.outcome),
    source: pair.source,
    provenance: {
      prompt_uuid: pair.promptId,
      project: context.project,
      prompt_type: pair.promptType,
      set: context.set,
      set_name: context.setName,
      set_version: context.setVersion,
      judge_run: context.judgeRun,
      source_export: context.sourceExport,
      outcome: pair.outcome.toLowerCase(),
      adjudicated: pair.adjudicated,
      chosen_id: chosen.completionId,
      chosen_model: chosen.model,
      rejected_id: rejected.completionId,
      rejected_model: rejected.model,
      judge: {
        chosen_id: pair.chosen.completionId,
        chosen_model: pair.chosen.model,
        rejected_id: pair.rejected.completionId,
        rejected_model: pair.rejected.model,
        upheld: pair.outcome === "VERIFIED",
        run: typeof verdict.run === "string" ? verdict.run : null,
        chosen_rank: numberOrNull(verdict.chosenRank),
        rejected_rank: numberOrNull(verdict.rejectedRank),
        chosen_score: numberOrNull(verdict.chosenScore),
        rejected_score: numberOrNull(verdict.rejectedScore),
        position_flips: numberOrNull(verdict.positionFlips),
        human_disagreement: numberOrNull(verdict.humanDisagreement),
      },
      votes: pair.votes.map((v) => ({ rater: v.rater, vote: ROW_VOTE[pair.outcome][v.vote], confidence: v.confidence })),
      export_version: context.exportVersion,
    },
  };
}

/** The construction's numbers: every pair of the set by outcome, adjudicated ones counted with their decision too. */
export interface VerifiedStatistics {
  sampled: number;
  kept: number;
  verified: number;
  overturned: number;
  /** Pairs the raters disputed: still disputed (excluded) plus adjudicated. */
  disputed: number;
  disputedExcluded: number;
  adjudicated: number;
  adjudicatedVerified: number;
  adjudicatedOverturned: number;
  pending: number;
  /** Kept pairs per category (easy / hard / length / human). */
  categories: Record<string, number>;
  /** Kept pairs per source dataset ("" for none), sorted by name. */
  sources: Record<string, number>;
}

export function verifiedStatistics(pairs: readonly VerifiedPairSource[]): VerifiedStatistics {
  const s: VerifiedStatistics = {
    sampled: pairs.length,
    kept: 0,
    verified: 0,
    overturned: 0,
    disputed: 0,
    disputedExcluded: 0,
    adjudicated: 0,
    adjudicatedVerified: 0,
    adjudicatedOverturned: 0,
    pending: 0,
    categories: { easy: 0, hard: 0, length: 0, human: 0 },
    sources: {},
  };
  const sources = new Map<string, number>();
  for (const pair of pairs) {
    switch (pair.outcome) {
      case "PENDING":
        s.pending++;
        continue;
      case "DISPUTED":
        s.disputed++;
        s.disputedExcluded++;
        continue;
      case "VERIFIED":
        s.verified++;
        break;
      case "OVERTURNED":
        s.overturned++;
        break;
    }
    s.kept++;
    if (pair.adjudicated) {
      s.disputed++;
      s.adjudicated++;
      if (pair.outcome === "VERIFIED") s.adjudicatedVerified++;
      else s.adjudicatedOverturned++;
    }
    for (const c of outcomeCategories(pair.categories, pair.outcome)) s.categories[c] = (s.categories[c] ?? 0) + 1;
    sources.set(pair.source ?? "", (sources.get(pair.source ?? "") ?? 0) + 1);
  }
  s.sources = Object.fromEntries([...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return s;
}
