import type { ImportHints } from "@/lib/import/import-prompts";

/** How a CLI user does what an import message asks for: by flags of `medpref import`. */
export const CLI_IMPORT_HINTS: ImportHints = { skipInvalid: "with --skip-invalid", chooseFormat: "pass --format" };
