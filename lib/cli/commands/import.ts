import fs from "node:fs";
import { CLI_IMPORT_HINTS } from "@/lib/cli/import-hints";
import path from "node:path";
import { z } from "zod";
import { parseFlags, parseValues, reportFileOutcome, UsageError, type Command } from "@/lib/cli/command";
import { env } from "@/lib/config/env";
import { decileProgress, importProgressLine } from "@/lib/cli/import-progress";
import { importPrompts } from "@/lib/import/import-prompts";
import { DEFAULT_IMPORT_LIMITS, IMPORT_FORMATS } from "@/lib/import/types";
import { getProjectBySlug } from "@/lib/projects/queries";

export const importCommand: Command = {
  name: "import",
  usage:
    "import --project SLUG --file PATH [--format auto|ultramedical|ultrafeedback|jsonl] [--skip-invalid] [--report PATH] [--max-completion-kb N]",
  needsDatabase: true,
  async run(args, io) {
    const { values } = parseFlags(args, {
      project: { type: "string" },
      file: { type: "string" },
      format: { type: "string", default: "auto" },
      "skip-invalid": { type: "boolean" },
      report: { type: "string" },
      "max-completion-kb": { type: "string" },
    });
    const input = parseValues(
      z.object({
        project: z.string({ error: "required" }),
        file: z.string({ error: "required" }),
        format: z.enum(["auto", ...IMPORT_FORMATS], { error: `one of auto, ${IMPORT_FORMATS.join(", ")}` }),
        "max-completion-kb": z.coerce.number().int().min(1).max(50_000).optional(),
      }),
      values,
    );
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input.file);
    } catch {
      throw new UsageError(`--file: cannot read ${input.file}`);
    }
    if (!stat.isFile()) throw new UsageError(`--file: ${input.file} is not a file`);
    const project = await getProjectBySlug(input.project);
    const skipInvalid = Boolean(values["skip-invalid"]);
    const reportPath = skipInvalid ? path.resolve(values.report ?? `${input.file}.rejected.jsonl`) : undefined;
    const maxFieldBytes = input["max-completion-kb"] ? input["max-completion-kb"] * 1024 : env().MEDPREF_MAX_COMPLETION_BYTES;
    // A terminal gets a live line; a log gets a line every 10% and the final count.
    const interactive = process.stderr.isTTY;
    const logLine = decileProgress(path.basename(input.file));
    const summary = await importPrompts({
      projectId: project.id,
      input: fs.createReadStream(input.file, { highWaterMark: 1 << 20 }),
      fileName: path.basename(input.file),
      bytesTotal: stat.size,
      format: input.format,
      skipInvalid,
      limits: { ...DEFAULT_IMPORT_LIMITS, maxFieldBytes },
      actorId: null,
      hints: CLI_IMPORT_HINTS,
      rejectedReportPath: reportPath,
      onProgress: (p) => {
        if (interactive) process.stderr.write(`\r${importProgressLine(path.basename(input.file), p)}`);
        else {
          const line = logLine(p);
          if (line) io.err(line);
        }
      },
    });
    if (interactive) process.stderr.write("\n");
    const code = reportFileOutcome(io, summary);
    if (code === 0 && summary.rejectedReportPath) io.out(`Rejected records and their reasons: ${summary.rejectedReportPath}`);
    return code;
  },
};
