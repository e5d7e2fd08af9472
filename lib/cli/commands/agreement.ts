import { z } from "zod";
import { agreementSummaryJson, agreementSummaryText } from "@/lib/agreement/agreement-summary";
import { projectAgreement, reportFilterSchema } from "@/lib/agreement/project-agreement";
import { parseFlags, parseValues, UsageError, type Command } from "@/lib/cli/command";

export const agreementCommand: Command = {
  name: "agreement",
  usage: "agreement --project SLUG [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--annotator USER_ID]... [--run RUN_ID]...",
  needsDatabase: true,
  async run(args, io) {
    const { values } = parseFlags(args, {
      project: { type: "string" },
      json: { type: "boolean" },
      from: { type: "string" },
      to: { type: "string" },
      annotator: { type: "string", multiple: true },
      run: { type: "string", multiple: true },
    });
    if (!values.project) throw new UsageError("--project: required (the project's slug)");
    const filter = parseValues(
      reportFilterSchema,
      { from: values.from, to: values.to, annotatorIds: values.annotator, runIds: values.run },
      { annotatorIds: "--annotator", runIds: "--run" },
    );
    const { report } = await projectAgreement(z.string().parse(values.project), filter);
    if (values.json) io.out(JSON.stringify(agreementSummaryJson(values.project, report)));
    else for (const line of agreementSummaryText(values.project, report)) io.out(line);
  },
};
