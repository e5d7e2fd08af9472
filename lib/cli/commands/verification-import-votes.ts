import "server-only";
import fs from "node:fs";
import { z } from "zod";
import { parseFlags, parseValues, reportFileOutcome, UsageError, type CliIO } from "@/lib/cli/command";
import { idSchema } from "@/lib/core/ids";
import { importVotes } from "@/lib/verification/import-votes";

export const VERIFICATION_IMPORT_VOTES_USAGE =
  'verification import-votes --set SET --file F [--json]   (JSONL {"pair", "rater", "better"}: better = a model name, "tie" or "both_bad")';

/**
 * `verification import-votes`: votes made elsewhere, all or nothing; exit 1 naming each bad line.
 * `--json` prints `{"imported", "pairs", "outcomes": {"pending", "verified", "overturned", "disputed"}}`.
 */
export async function verificationImportVotes(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(args, { set: { type: "string" }, file: { type: "string" }, json: { type: "boolean" } });
  const input = parseValues(z.object({ set: idSchema("a verification set id"), file: z.string({ error: "required" }) }), values);
  if (!fs.existsSync(input.file) || !fs.statSync(input.file).isFile()) throw new UsageError(`--file: cannot read ${input.file}`);
  const summary = await importVotes({ setId: input.set, text: fs.readFileSync(input.file, "utf8"), actorId: null });
  if (values.json && summary.ok) {
    const outcomes = Object.fromEntries(Object.entries(summary.outcomes).map(([k, v]) => [k.toLowerCase(), v]));
    io.out(JSON.stringify({ imported: summary.imported, pairs: summary.pairs, outcomes }));
    return 0;
  }
  return reportFileOutcome(io, summary);
}
