import { z } from "zod";
import { IMPORT_FORMATS } from "@/lib/import/types";

/** Query of an upload: the client picks the import id, so a retried upload cannot import twice. */
export const uploadQuery = z.object({
  importId: z.uuid("importId must be a UUID"),
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .transform((s) => s.replace(/[\\/]/g, "_")),
  format: z.enum(["auto", ...IMPORT_FORMATS]).default("auto"),
  skipInvalid: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
});

export type UploadQuery = z.infer<typeof uploadQuery>;

/**
 * What an upload may declare itself as: the upload page sends the file as application/octet-stream.
 * text/plain and form types are refused: another site's page could send those without a preflight.
 */
export const UPLOAD_CONTENT_TYPES = [
  "application/octet-stream",
  "application/json",
  "application/x-ndjson",
  "application/jsonl",
  "application/x-jsonlines",
] as const;

/** The upload form's checkbox for importing only the valid records (named in the refusal message). */
export const SKIP_INVALID_LABEL = "Skip invalid records";

/** The upload form's format chooser (named when a file's format cannot be told) and its first choice. */
export const FORMAT_CHOOSER_LABEL = "Format";
export const AUTO_FORMAT_LABEL = "Detect automatically";
