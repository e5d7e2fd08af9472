import "server-only";
import { parseFlags, UsageError, type Command } from "@/lib/cli/command";
import { writePackage } from "@/lib/cli/package-directory";
import { RunKind } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { buildExportPackage } from "@/lib/export/build-export";
import { parseSourceChoice, parseSplitList, type ExportConfigInput } from "@/lib/export/export-config";
import { validateExportConfig } from "@/lib/export/validate-export-config";

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name}: "${value}" is not a number`);
  return n;
}

export const exportCommand: Command = {
  name: "export",
  usage: [
    "export --project SLUG [--project SLUG]... --format h4|dpo|kto|rm|sft|rankings|critiques --strategy best-random|best-worst|all-pairs|topk|quantile",
    "  [--margin M] [--top-k K] [--quantile Q] [--kto-cut median|top-k (kto; top-k uses --top-k)] [--source humans|judge:RUN|humans+judge:RUN|both:RUN] [--aggregation borda|bradley-terry|majority]",
    "  [--min-human-rankings N] [--min-agreement X] [--source-dataset NAME]... [--prompt-type TYPE]... [--include-flagged] [--exclude-gold] [--exclude-critical-chosen]",
    "  [--style conversational|standard] [--file-type jsonl|parquet] [--splits train=0.9,validation=0.05,test=0.05] [--seed 42]",
    "  [--categories] [--license ID] --out DIR",
  ].join("\n         "),
  needsDatabase: true,
  async run(args, io) {
    const { values } = parseFlags(args, {
      project: { type: "string", multiple: true },
      format: { type: "string" },
      strategy: { type: "string" },
      margin: { type: "string" },
      "top-k": { type: "string" },
      quantile: { type: "string" },
      "kto-cut": { type: "string" },
      source: { type: "string" },
      aggregation: { type: "string" },
      "min-human-rankings": { type: "string" },
      "min-agreement": { type: "string" },
      "source-dataset": { type: "string", multiple: true },
      "prompt-type": { type: "string", multiple: true },
      "include-flagged": { type: "boolean" },
      "exclude-gold": { type: "boolean" },
      "exclude-critical-chosen": { type: "boolean" },
      style: { type: "string" },
      "file-type": { type: "string" },
      splits: { type: "string" },
      seed: { type: "string" },
      categories: { type: "boolean" },
      license: { type: "string" },
      out: { type: "string" },
    });
    if (!values.project?.length) throw new UsageError("--project: required (the project's slug)");
    if (!values.out) throw new UsageError("--out: required (a new or empty directory for the package)");
    let source: ReturnType<typeof parseSourceChoice> | undefined;
    let splits: ReturnType<typeof parseSplitList> | undefined;
    try {
      source = values.source ? parseSourceChoice(values.source) : undefined;
      splits = values.splits ? parseSplitList(values.splits) : undefined;
    } catch (e) {
      throw new UsageError(`${values.source && !source ? "--source" : "--splits"}: ${(e as Error).message}`);
    }
    const input = {
      projects: values.project,
      format: values.format,
      strategy: values.strategy,
      margin: numberFlag("margin", values.margin),
      topK: numberFlag("top-k", values["top-k"]),
      quantile: numberFlag("quantile", values.quantile),
      ktoCut: values["kto-cut"],
      source: source?.source,
      judgeRuns: source?.judgeRuns,
      aggregation: values.aggregation,
      minHumanRankings: numberFlag("min-human-rankings", values["min-human-rankings"]),
      minAgreement: numberFlag("min-agreement", values["min-agreement"]),
      sourceDatasets: values["source-dataset"],
      promptTypes: values["prompt-type"],
      excludeFlaggedChosen: values["include-flagged"] ? false : undefined,
      excludeGold: values["exclude-gold"] || undefined,
      excludeCriticalChosen: values["exclude-critical-chosen"] || undefined,
      dpoStyle: values.style,
      fileType: values["file-type"],
      splits,
      seed: numberFlag("seed", values.seed),
      categories: values.categories || undefined,
      license: values.license,
    } as ExportConfigInput;
    if (source && source.source !== "humans" && source.judgeRuns.length === 0) {
      const rows = await queryRows<{ id: string; name: string; slug: string }>(
        pool(),
        sql`SELECT r.id, r.name, p.slug FROM judge_runs r JOIN projects p ON p.id = r.project_id
             WHERE r.kind = ${RunKind.JUDGE} AND p.slug = ANY(${values.project}) ORDER BY r.created_at`,
      );
      const runs = rows.map((r) => `  ${r.slug}: ${r.id}  ${r.name}`).join("\n");
      throw new UsageError(
        `--source ${source.source}: name the judge run as ${source.source}:RUN_ID. ${rows.length ? `Judge runs:\n${runs}` : "These projects have no judge run."}`,
      );
    }
    // Impossible configurations stop here, before any file is written.
    const config = await validateExportConfig(input);
    let reported = -1;
    const { out, result: manifest } = await writePackage(values.out, (directory) =>
      buildExportPackage({
        config,
        directory,
        onProgress: ({ promptsDone, promptsTotal, rowsWritten }) => {
          const tenth = promptsTotal ? Math.floor((promptsDone / promptsTotal) * 10) : 10;
          if (tenth === reported) return;
          reported = tenth;
          io.err(`exporting: ${promptsDone}/${promptsTotal} prompts, ${rowsWritten} rows`);
        },
      }),
    );
    for (const f of manifest.files) io.out(`${f.path}\t${f.rows} rows\t${f.bytes} bytes\tsha256 ${f.sha256}`);
    for (const l of manifest.leftOut) io.out(`left out ${l.split} (${l.path}): no rows: ${l.reason}`);
    io.out(
      `Export ${manifest.exportVersion}: ${manifest.statistics.promptsUsed} prompts, ${manifest.files.reduce((s, f) => s + f.rows, 0)} rows → ${out}`,
    );
  },
};
