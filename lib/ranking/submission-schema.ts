import { z } from "zod";
import { critiqueSpanFields } from "@/lib/critiques/spans";
import { FLAG_VALUES } from "@/lib/ranking/rubric";
import { safeText } from "@/lib/text/safe-text";

/** Largest submission body accepted (a ranking of 16 candidates with long comments fits easily). */
export const MAX_SUBMISSION_BYTES = 256 * 1024;

export const candidateDetails = z.object({
  score: z.number().int().min(1, "scores go from 1 to 5").max(5, "scores go from 1 to 5").nullish(),
  flags: z
    .array(z.enum(FLAG_VALUES, { error: "unknown flag" }))
    .max(FLAG_VALUES.length)
    .default([]),
  comment: safeText().max(5_000, "comments are limited to 5,000 characters").nullish(),
});

const tiers = z.array(z.array(z.uuid("not a candidate of this prompt")).max(16)).max(16);

/** Most spans one ranking may mark (over all its candidates). */
export const MAX_SPANS = 500;

/** A marked span of one candidate (lib/critiques/spans.ts): checked against the candidate's text and the project's taxonomy on the server. */
export const submittedSpan = critiqueSpanFields.extend({ completionId: z.uuid("not a candidate of this prompt") });
export type SubmittedSpan = z.infer<typeof submittedSpan>;

/** The ranking a clinician submits (and revises). Shared by the client and the route handlers. */
export const submissionSchema = z.object({
  tiers,
  details: z.record(z.uuid(), candidateDetails).default({}),
  rationale: safeText().max(20_000, "the rationale is limited to 20,000 characters").nullish(),
  // Optional rather than defaulted: rankings built in code (imports, judges, fixtures) mark nothing.
  spans: z.array(submittedSpan).max(MAX_SPANS, `at most ${MAX_SPANS} marked spans per ranking`).optional(),
  timeOnTaskMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3_600_000)
    .default(0),
});
export type Submission = z.infer<typeof submissionSchema>;
export type SubmissionInput = z.input<typeof submissionSchema>;

/** An autosaved draft: the same fields, nothing required to be complete. */
export const draftSchema = submissionSchema.extend({
  unranked: z.array(z.uuid()).max(16).optional(),
  /** The page that saved it and its save counter: an older save of the same page, arriving late
   * (a debounced save overtaken by the one sent as the tab closes), never replaces a newer one. */
  editor: z.uuid().optional(),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type Draft = z.infer<typeof draftSchema>;

export const skipSchema = z.object({ reason: safeText().trim().min(3, "say briefly why you skip this prompt").max(2_000) });

/** The JSON bodies of the annotation routes (route() reads and validates them; /api/openapi.json describes them). */
export const SUBMISSION_BODY = { schema: submissionSchema, maxBytes: MAX_SUBMISSION_BYTES };
export const DRAFT_BODY = { schema: draftSchema, maxBytes: MAX_SUBMISSION_BYTES };
export const SKIP_BODY = { schema: skipSchema, maxBytes: 8 * 1024 };
