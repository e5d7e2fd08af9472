import { z } from "zod";
import { FLAG_VALUES } from "@/lib/ranking/rubric";
import { critiqueSpanFields } from "@/lib/critiques/spans";
import { MAX_SPANS, submissionSchema } from "@/lib/ranking/submission-schema";
import type { Vote } from "@/lib/verification/pair-outcome";

/**
 * A clinician's answer on the pair screen, in terms of what they saw (A and B); the server turns
 * it into a vote relative to the source's verdict with the assignment's stored order, so the
 * client never learns which completion the judge preferred.
 */
export const PAIR_ANSWERS = ["A", "B", "TIE", "BOTH_BAD"] as const;
export type PairAnswer = (typeof PAIR_ANSWERS)[number];

const flagList = z
  .array(z.enum(FLAG_VALUES, { error: "unknown flag" }))
  .max(FLAG_VALUES.length)
  .default([]);

export const pairAnswerSchema = z.object({
  answer: z.enum(PAIR_ANSWERS, { error: "choose A better, B better, tie or both unacceptable" }),
  confidence: z.number().int().min(1, "confidence goes from 1 to 5").max(5, "confidence goes from 1 to 5").nullish(),
  rationale: submissionSchema.shape.rationale,
  /** The same flags as rankings, per completion as shown. */
  flags: z.object({ A: flagList, B: flagList }).default({ A: [], B: [] }),
  /** Marked spans (span critiques) on either response, by the side it was shown on. */
  spans: z
    .array(critiqueSpanFields.extend({ side: z.enum(["A", "B"]) }))
    .max(MAX_SPANS, `at most ${MAX_SPANS} marked spans per answer`)
    .optional(),
  timeOnTaskMs: submissionSchema.shape.timeOnTaskMs,
});
export type PairSpan = NonNullable<z.infer<typeof pairAnswerSchema>["spans"]>[number];
export type PairAnswerSubmission = z.infer<typeof pairAnswerSchema>;
export type PairAnswerInput = z.input<typeof pairAnswerSchema>;

/** An autosaved draft: the same fields, none required. */
export const pairDraftSchema = pairAnswerSchema.partial().extend({
  editor: z.uuid().optional(),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type PairDraft = z.infer<typeof pairDraftSchema>;

const MAX_BYTES = 64 * 1024;
export const PAIR_ANSWER_BODY = { schema: pairAnswerSchema, maxBytes: MAX_BYTES };
export const PAIR_DRAFT_BODY = { schema: pairDraftSchema, maxBytes: MAX_BYTES };

/** The vote an answer stands for, given whether the source's chosen completion was shown as A. */
export function answerToVote(answer: PairAnswer, chosenShownFirst: boolean): Vote {
  switch (answer) {
    case "A":
      return chosenShownFirst ? "CHOSEN" : "REJECTED";
    case "B":
      return chosenShownFirst ? "REJECTED" : "CHOSEN";
    case "TIE":
      return "TIE";
    case "BOTH_BAD":
      return "BOTH_BAD";
  }
}

/** The answer as the rater saw it, back from a stored vote (the revision screen's prefill). */
export function voteToAnswer(vote: Vote, chosenShownFirst: boolean): PairAnswer {
  switch (vote) {
    case "CHOSEN":
      return chosenShownFirst ? "A" : "B";
    case "REJECTED":
      return chosenShownFirst ? "B" : "A";
    case "TIE":
      return "TIE";
    case "BOTH_BAD":
      return "BOTH_BAD";
  }
}

/**
 * Flags are stored relative to the source's verdict, as votes are: "chosen:unsafe" is a flag on
 * the completion the source chose, whichever side it was shown on.
 */
export function flagsToStored(flags: { A: readonly string[]; B: readonly string[] }, chosenShownFirst: boolean): string[] {
  const [chosen, rejected] = chosenShownFirst ? [flags.A, flags.B] : [flags.B, flags.A];
  return [...chosen.map((f) => `chosen:${f}`), ...rejected.map((f) => `rejected:${f}`)];
}

export function storedToFlags(stored: readonly string[], chosenShownFirst: boolean): { A: string[]; B: string[] } {
  const of = (side: string) => stored.filter((f) => f.startsWith(`${side}:`)).map((f) => f.slice(side.length + 1));
  return chosenShownFirst ? { A: of("chosen"), B: of("rejected") } : { A: of("rejected"), B: of("chosen") };
}

/**
 * What a gold ranking says about a pair: the vote a rater agreeing with it would cast (its rank of
 * the source's chosen completion against its rejected one), or null when the gold ranking does
 * not rank both.
 */
export function goldVote(goldRanks: ReadonlyMap<string, number>, pair: { chosen: string; rejected: string }): Vote | null {
  const chosen = goldRanks.get(pair.chosen);
  const rejected = goldRanks.get(pair.rejected);
  if (chosen === undefined || rejected === undefined) return null;
  if (chosen === rejected) return "TIE";
  return chosen < rejected ? "CHOSEN" : "REJECTED";
}

/** The completion shown on a side, given whether the source's chosen completion was shown as A. */
export function completionOnSide(
  side: "A" | "B",
  pair: { chosenCompletionId: string; rejectedCompletionId: string },
  chosenShownFirst: boolean,
): string {
  return (side === "A") === chosenShownFirst ? pair.chosenCompletionId : pair.rejectedCompletionId;
}
