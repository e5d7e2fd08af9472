import { z } from "zod";
import { safeText, safeName } from "@/lib/text/safe-text";

export const projectSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "2 to 63 characters: lowercase letters, digits and dashes, starting with a letter or digit");

/** Shared by the CLI, the admin form and the server action. */
export const createProjectInput = z.object({
  slug: projectSlug,
  name: safeName().trim().min(1, "a project needs a name").max(200),
  guidelines: safeText().max(100_000).default(""),
  overlapK: z.coerce.number().int().min(1, "at least 1 ranking per prompt").max(100).default(3),
  allowTies: z.boolean().default(false),
  showReference: z.boolean().default(false),
  editWindowMinutes: z.coerce.number().int().min(0).max(525_600).default(1440),
});

export type CreateProjectInput = z.input<typeof createProjectInput>;
