import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseFlags, parseValues, reportFileOutcome, UsageError, type Command } from "@/lib/cli/command";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { parseScoreScale } from "@/lib/import/rankings/ranking-records";
import { getProjectBySlug } from "@/lib/projects/queries";
import { safeName } from "@/lib/text/safe-text";

export const importRankingsCommand: Command = {
  name: "import-rankings",
  usage: "import-rankings --project SLUG --file PATH --kind judge|human [--annotator NAME] [--score-scale MIN-MAX (default 1-5)]",
  needsDatabase: true,
  async run(args, io) {
    const { values } = parseFlags(args, {
      project: { type: "string" },
      file: { type: "string" },
      kind: { type: "string" },
      annotator: { type: "string" },
      "score-scale": { type: "string" },
    });
    const input = parseValues(
      z.object({
        project: z.string({ error: "required" }),
        file: z.string({ error: "required" }),
        kind: z.enum(["judge", "human"], { error: "required: judge or human" }),
        annotator: safeName().trim().min(1, "must not be blank").max(200).optional(),
      }),
      values,
    );
    const scoreScale = values["score-scale"] === undefined ? undefined : parseScoreScale(values["score-scale"]);
    if (scoreScale === null) throw new UsageError(`--score-scale: "${values["score-scale"]}" is not MIN-MAX with MIN < MAX (e.g. 0-10)`);
    if (!fs.existsSync(input.file) || !fs.statSync(input.file).isFile()) throw new UsageError(`--file: cannot read ${input.file}`);
    const project = await getProjectBySlug(input.project);
    const summary = await importRankings({
      projectId: project.id,
      input: fs.createReadStream(input.file, { highWaterMark: 1 << 20 }),
      fileName: path.basename(input.file),
      kind: input.kind,
      annotator: input.annotator ?? null,
      actorId: null,
      scoreScale,
    });
    return reportFileOutcome(io, summary);
  },
};
