import { z } from "zod";
import { safeName } from "@/lib/text/safe-text";

/**
 * The critique taxonomy: the tags a clinician (or a judge) gives a marked span, and the three
 * severities. A project starts from DEFAULT_TAXONOMY; admins may edit its tags, and every edit is a
 * new version (stored by the project, like its guidelines). Spans store the tag's key, so keys are
 * stable; labels are what people read.
 */

/** Colour tokens for highlights: the UI maps each to its light and dark shades. */
export const CRITIQUE_COLOURS = ["red", "orange", "amber", "lime", "teal", "sky", "violet", "pink", "slate"] as const;
export type CritiqueColour = (typeof CRITIQUE_COLOURS)[number];

export interface CritiqueTag {
  /** Stable key stored with each span: lowercase letters, digits and hyphens, 1–40 characters. */
  key: string;
  /** What people read, 1–60 characters. */
  label: string;
  /** The highlight's colour. */
  colour: CritiqueColour;
  /** The non-colour cue shown at the highlight (for colour-blind readers and print): 1–3 characters, unique per taxonomy. */
  marker: string;
}

export interface CritiqueTaxonomy {
  tags: CritiqueTag[];
}

/** The tag that always exists: spans that fit no other tag, and judge critiques with a tag the taxonomy lacks. */
export const OTHER_TAG = "other";

/** Issue 18's default taxonomy; a project's version 1. */
export const DEFAULT_TAXONOMY: CritiqueTaxonomy = {
  tags: [
    { key: "factually-incorrect", label: "Factually incorrect", colour: "red", marker: "F" },
    { key: "unsafe", label: "Unsafe or harmful", colour: "pink", marker: "U" },
    { key: "wrong-dose", label: "Wrong dose or unit", colour: "orange", marker: "D" },
    { key: "contraindication", label: "Contraindication or interaction missed", colour: "violet", marker: "C" },
    { key: "outdated-guideline", label: "Outdated guideline", colour: "amber", marker: "G" },
    { key: "hallucinated-reference", label: "Hallucinated reference", colour: "sky", marker: "R" },
    { key: "incomplete", label: "Incomplete", colour: "teal", marker: "…" },
    { key: "irrelevant", label: "Irrelevant or off-topic", colour: "lime", marker: "~" },
    { key: OTHER_TAG, label: "Other", colour: "slate", marker: "?" },
  ],
};

/** Severities, least to most serious. */
export const CRITIQUE_SEVERITIES = ["minor", "major", "critical"] as const;
export type CritiqueSeverity = (typeof CRITIQUE_SEVERITIES)[number];

/** Labels and the non-colour cue of each severity. */
export const SEVERITY_LABELS: Record<CritiqueSeverity, { label: string; marker: string }> = {
  minor: { label: "Minor", marker: "·" },
  major: { label: "Major", marker: "!" },
  critical: { label: "Critical", marker: "!!" },
};

const SEVERITY_SIGNS = [...new Set(Object.values(SEVERITY_LABELS).flatMap((s) => Array.from(s.marker)))];

export const TAG_KEY = /^[a-z0-9-]{1,40}$/;

const tagSchema = z.object({
  key: z.string().regex(TAG_KEY, "a key is 1–40 lowercase letters, digits or hyphens"),
  label: safeName().trim().min(1, "give the tag a label").max(60, "labels are limited to 60 characters"),
  colour: z.enum(CRITIQUE_COLOURS, { error: `the colour is one of ${CRITIQUE_COLOURS.join(", ")}` }),
  marker: safeName()
    .trim()
    .min(1, "give the tag a marker (1–3 characters shown at the highlight)")
    .refine((marker) => Array.from(marker).length <= 3, "a marker is at most 3 characters")
    // The severity's sign follows the tag's marker at a highlight: "!" or "·" in a marker would read as a severity.
    .refine((marker) => !SEVERITY_SIGNS.some((sign) => marker.includes(sign)), {
      message: `a marker may not use ${SEVERITY_SIGNS.map((sign) => `"${sign}"`).join(" or ")}: they are the severity signs shown after it`,
    }),
});

/**
 * A project's edited taxonomy: 1–30 tags with unique keys and unique markers (the marker tells
 * tags apart without colour), and always the "other" tag (see OTHER_TAG).
 */
export const critiqueTaxonomySchema = z
  .object({ tags: z.array(tagSchema).min(1, "keep at least one tag").max(30, "a taxonomy has at most 30 tags") })
  .superRefine(({ tags }, ctx) => {
    const seen = { key: new Map<string, number>(), marker: new Map<string, number>() };
    tags.forEach((tag, i) => {
      for (const field of ["key", "marker"] as const) {
        const first = seen[field].get(tag[field]);
        if (first === undefined) seen[field].set(tag[field], i);
        else
          ctx.addIssue({
            code: "custom",
            path: ["tags", i, field],
            message: `tags ${first + 1} and ${i + 1} have the same ${field} "${tag[field]}"`,
          });
      }
    });
    if (!seen.key.has(OTHER_TAG))
      ctx.addIssue({ code: "custom", path: ["tags"], message: `keep the "${OTHER_TAG}" tag: spans that fit no other tag go there` });
  });

/** The tag of a key, or undefined when the taxonomy has none. */
export function findTag(taxonomy: CritiqueTaxonomy, key: string): CritiqueTag | undefined {
  return taxonomy.tags.find((tag) => tag.key === key);
}
