import { z } from "zod";
import { PAIRING_STRATEGIES } from "@/lib/export/export-config";

export const SAMPLINGS = ["random", "stratified", "category", "uncertain"] as const;
export type Sampling = (typeof SAMPLINGS)[number];

/** Where a set's pairs come from: a judge run's aggregated ranking, or an export's test split. */
export const verificationSourceSchema = z
  .string()
  .trim()
  .regex(/^(judge|export):[0-9a-f-]{36}$/i, "must be judge:<run id> or export:<export id>")
  .transform((s) => {
    const [kind, id] = s.split(":") as ["judge" | "export", string];
    return { kind, id: id.toLowerCase() };
  });

/** A verification set's options, as the form, the API and the CLI give them. */
export const verificationConfigSchema = z
  .object({
    /** Versions are per name; without one, the set is named after its source. */
    name: z.string().trim().max(200, "at most 200 characters").optional(),
    source: verificationSourceSchema,
    pairs: z.coerce.number().int("a whole number").min(1, "at least 1").max(100_000, "at most 100,000"),
    strategy: z.enum(PAIRING_STRATEGIES).default("best-random"),
    sampling: z.enum(SAMPLINGS).default("random"),
    raters: z.coerce.number().int("a whole number").min(1, "at least 1").max(5, "at most 5").default(2),
    agree: z.coerce.number().int("a whole number").min(1, "at least 1").optional(),
    seed: z.coerce
      .number()
      .int("a whole number")
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    disputed: z.enum(["exclude", "adjudicate"]).default("exclude"),
  })
  .transform((c) => ({
    ...c,
    name: c.name || `Pairs from ${c.source.kind === "judge" ? "judge run" : "export"} ${c.source.id.slice(0, 8)}`,
    agree: c.agree ?? Math.min(2, c.raters),
  }))
  .superRefine((c, ctx) => {
    if (c.agree > c.raters) ctx.addIssue({ code: "custom", path: ["agree"], message: `at most the raters per pair (${c.raters})` });
  });

export type VerificationConfigInput = z.input<typeof verificationConfigSchema>;
export type VerificationConfig = z.output<typeof verificationConfigSchema>;
