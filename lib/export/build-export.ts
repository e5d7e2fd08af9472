import { createHash } from "node:crypto";
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { withTransaction } from "@/lib/db/transaction";
import { seededRandom } from "@/lib/core/seeded-random";
import { datasetCard } from "@/lib/export/dataset-card";
import { canonicalJson, configHash, type ExportConfig } from "@/lib/export/export-config";
import { AppError } from "@/lib/errors/app-error";
import { columnsFor, h4GenRow, h4SftRow, ktoRow, pairRow, rankingsRow, sftRow, type RowContext } from "@/lib/export/export-rows";
import { ExportStatistics, type ExportSummary } from "@/lib/export/export-statistics";
import { countPrompts, streamExportPrompts, streamPromptTexts, type PromptScope } from "@/lib/export/load-export-prompts";
import { normalizedPromptKey } from "@/lib/export/normalize-prompt";
import { packageLayout, type PackageFile } from "@/lib/export/package-layout";
import { CATEGORY_RULES, pairCategories } from "@/lib/export/pair-categories";
import { allTied, ktoLabels, pairCandidates, topCandidate } from "@/lib/export/pairing";
import { ratePrompt } from "@/lib/export/rate-prompt";
import { exportDataVersion, resolveExport, type ResolvedProject } from "@/lib/export/resolve-export";
import { openRowFile, ParquetBuffers, sha256File, type RowFile } from "@/lib/export/row-files";
import { assignSplits, type SplitItem } from "@/lib/export/splits";

export const EXPORT_PACKAGE_FORMAT = "medpref-export/1";

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
  rows: number;
}

export interface ExportManifest {
  format: typeof EXPORT_PACKAGE_FORMAT;
  exportVersion: string;
  configHash: string;
  dataVersion: string;
  config: ExportConfig;
  projects: { slug: string; name: string; judgeRun: string | null }[];
  statistics: ExportSummary;
  /** Every file of the package but this manifest: data files, then README.md. */
  files: ManifestFile[];
  /** Splits that came out empty: no file is written and the card does not list them. */
  leftOut: LeftOutSplit[];
}

export interface LeftOutSplit {
  split: string;
  path: string;
  reason: string;
}

export interface ExportProgress {
  promptsDone: number;
  promptsTotal: number;
  rowsWritten: number;
}

export interface BuildExportOptions {
  config: ExportConfig;
  /** An empty or missing directory; the package is written into it. */
  directory: string;
  onProgress?: (progress: ExportProgress) => void | Promise<void>;
}

const PROGRESS_EVERY_PROMPTS = 250;

/**
 * Builds an export package: data files per split, README.md (dataset card) and manifest.json.
 * Reads one consistent snapshot (a REPEATABLE READ transaction) in two streamed passes — prompt
 * texts to assign splits, then prompts with candidates and rankings to write rows — so memory
 * holds the split assignment and one prompt, never the dataset. Same config + same data ⇒ same bytes.
 */
export async function buildExportPackage({ config, directory, onProgress }: BuildExportOptions): Promise<ExportManifest> {
  // One snapshot for both passes; held until the manifest is written (the connection was anyway).
  return withTransaction(
    async (client) => {
      await client.query("SET LOCAL jit = off");
      const projects = await resolveExport(client, config);
      const dataVersion = await exportDataVersion(
        client,
        projects.map((p) => p.id),
      );
      const hash = configHash(config);
      const exportVersion = createHash("sha256").update(`${hash}:${dataVersion}`).digest("hex").slice(0, 16);
      const scopes = projects.map((p) => ({ project: p, scope: scopeOf(p, config) }));

      let promptsTotal = 0;
      for (const { scope } of scopes) promptsTotal += await countPrompts(client, scope);
      const items: SplitItem[] = [];
      for (const { scope } of scopes) {
        for await (const p of streamPromptTexts(client, scope))
          items.push({ promptId: p.id, groupKey: normalizedPromptKey(p.text ?? ""), stratum: p.source ?? "" });
      }
      const splitOf = assignSplits(items, config.splits, config.seed);
      items.length = 0;
      const assignedPerSplit = new Map<string, number>();
      for (const split of splitOf.values()) assignedPerSplit.set(split, (assignedPerSplit.get(split) ?? 0) + 1);

      await mkdir(path.join(directory, "data"), { recursive: true });
      const layout = packageLayout(config);
      const columns = columnsFor(config);
      // Opened on their first row, so a split or category without rows never becomes a file.
      const files = new Map<PackageFile, RowFile>();
      const parquetBuffers = new ParquetBuffers();
      // Looked up once per row: keyed by split, part and category up front.
      const fileKey = (split: string, part: PackageFile["part"], category: PackageFile["category"] = null) =>
        `${split}\u0000${part}\u0000${category ?? ""}`;
      const byKey = new Map(layout.map((f) => [fileKey(f.source, f.part, f.category), f]));
      const fileOf = (split: string, part: PackageFile["part"], category: PackageFile["category"] = null) =>
        byKey.get(fileKey(split, part, category));
      const stats = new ExportStatistics();
      const context: RowContext = { config, exportVersion };
      let rowsWritten = 0;
      const write = async (file: PackageFile, row: Record<string, unknown>) => {
        let rowFile = files.get(file);
        if (!rowFile) {
          rowFile = openRowFile(config.fileType, path.join(directory, file.path), columns, parquetBuffers);
          files.set(file, rowFile);
        }
        await rowFile.write(row);
        stats.row(file.split);
        rowsWritten += 1;
      };

      for (const { project, scope } of scopes) {
        for await (const prompt of streamExportPrompts(client, scope)) {
          stats.promptsConsidered += 1;
          if (onProgress && stats.promptsConsidered % PROGRESS_EVERY_PROMPTS === 0)
            await onProgress({ promptsDone: stats.promptsConsidered, promptsTotal, rowsWritten });
          const rated = ratePrompt(prompt, config, project.judgeRun);
          if (typeof rated === "string") {
            stats.skip(rated);
            continue;
          }
          const split = splitOf.get(prompt.id)!;
          const random = seededRandom(`${config.seed}:${prompt.id}`);
          if (config.format === "sft" || config.format === "rankings") {
            // Supervised fine-tuning needs a best answer; all tied, there is none.
            if (config.format === "sft" && allTied(rated.ranks)) {
              stats.skip("all-tied");
              continue;
            }
            stats.usePrompt(rated, split);
            await write(
              fileOf(split, "rows")!,
              config.format === "sft" ? sftRow(rated, topCandidate(rated.ranks, random), context) : rankingsRow(rated, context),
            );
            continue;
          }
          if (config.format === "kto") {
            const labels = ktoLabels(rated.ranks, config.ktoCut, config.topK);
            if (labels.length === 0) {
              stats.skip("all-tied");
              continue;
            }
            stats.usePrompt(rated, split);
            for (const label of labels) {
              stats.label(label.desirable);
              await write(fileOf(split, "pairs")!, ktoRow(rated, label, context));
            }
            continue;
          }
          const pairs = pairCandidates(rated.ranks, config, random);
          if (pairs.length === 0) {
            stats.skip("no-pairs");
            continue;
          }
          stats.usePrompt(rated, split);
          for (const pair of pairs) {
            stats.pair(rated, pair, split);
            const categories = config.categories ? pairCategories(rated, pair, project.judgeRun) : [];
            const row = pairRow(rated, pair, context);
            await write(fileOf(split, "pairs")!, row);
            for (const category of categories) {
              const file = fileOf(split, "pairs", category);
              if (file) await write(file, row);
            }
          }
          if (config.format === "h4") {
            await write(fileOf(split, "sft")!, h4SftRow(rated, pairs[0]!, context));
            await write(fileOf(split, "gen")!, h4GenRow(rated, pairs[0]!, context));
          }
        }
      }

      const written: ManifestFile[] = [];
      const leftOut: LeftOutSplit[] = [];
      for (const file of layout) {
        const rowFile = files.get(file);
        if (rowFile) {
          const { rows, bytes, sha256 } = await rowFile.close();
          written.push({ path: file.path, bytes, sha256, rows });
        } else
          leftOut.push({ split: file.split, path: file.path, reason: emptyReason(file, assignedPerSplit.get(file.source) ?? 0, config) });
      }
      if (written.length === 0) {
        const skipped = Object.entries(stats.summary().promptsSkipped)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ");
        throw new AppError(
          "INVALID_INPUT",
          `Nothing to export: none of the ${stats.promptsConsidered} prompts gave a row${skipped ? ` (left out: ${skipped})` : ""}.`,
          "source",
        );
      }
      const summary = stats.summary();
      const card = datasetCard({
        config,
        exportVersion,
        projects,
        layout: layout.filter((f) => files.has(f)),
        leftOut,
        files: written,
        statistics: summary,
      });
      const readmePath = path.join(directory, "README.md");
      await writeFile(readmePath, card);
      written.push({ path: "README.md", bytes: (await stat(readmePath)).size, sha256: await sha256File(readmePath), rows: 0 });
      const manifest: ExportManifest = {
        format: EXPORT_PACKAGE_FORMAT,
        exportVersion,
        configHash: hash,
        dataVersion,
        config,
        projects: projects.map((p) => ({ slug: p.slug, name: p.name, judgeRun: p.judgeRun })),
        statistics: summary,
        files: written,
        leftOut,
      };
      await writeFile(path.join(directory, "manifest.json"), JSON.stringify(JSON.parse(canonicalJson(manifest)), null, 2) + "\n");
      await onProgress?.({ promptsDone: promptsTotal, promptsTotal, rowsWritten });
      return manifest;
    },
    { isolation: "REPEATABLE READ", readOnly: true },
  );
}

/** Why a file of the layout got no rows (said in the card, the manifest, the CLI and the UI). */
function emptyReason(file: PackageFile, assigned: number, config: ExportConfig): string {
  const fraction = config.splits.find((s) => s.name === file.source)?.fraction;
  if (assigned === 0) return `no prompt fell into the split "${file.source}" (fraction ${fraction} of the prompts in scope)`;
  if (file.category) return `no pair of the split "${file.source}" is ${file.category}: ${CATEGORY_RULES[file.category]}`;
  return `none of the ${assigned} prompt(s) of the split "${file.source}" gave a row (left out by the filters, or no strictly better candidate)`;
}

function scopeOf(project: ResolvedProject, config: ExportConfig): PromptScope {
  return { projectId: project.id, projectSlug: project.slug, sourceDatasets: config.sourceDatasets, promptTypes: config.promptTypes };
}
