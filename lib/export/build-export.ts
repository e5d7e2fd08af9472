import "server-only";
import { createHash } from "node:crypto";
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PoolClient } from "pg";
import { execute, sql } from "@/lib/db/sql";
import { exportSnapshot, withTransaction } from "@/lib/db/transaction";
import { seededRandom } from "@/lib/core/seeded-random";
import { AppError } from "@/lib/errors/app-error";
import type { Column } from "@/lib/export/columns";
import { taxonomyVersion } from "@/lib/critiques/project-taxonomy";
import { datasetCard, type UsedTaxonomy } from "@/lib/export/dataset-card";
import { canonicalJson, configHash, type ExportConfig } from "@/lib/export/export-config";
import { withCheckedSpans } from "@/lib/export/export-spans";
import { ExportStatistics, type ExportSummary } from "@/lib/export/export-statistics";
import { columnsFor, exportFormat, rowContext } from "@/lib/export/formats";
import type { FilePart, PromptRows } from "@/lib/export/formats/export-format";
import { countPrompts, streamExportPrompts, streamPromptTexts, type PromptScope } from "@/lib/export/load-export-prompts";
import { normalizedPromptKey } from "@/lib/export/normalize-prompt";
import { packageLayout, type PackageFile } from "@/lib/export/package-layout";
import { CATEGORY_RULES, type PairCategory } from "@/lib/export/pair-categories";
import { ratePrompt, type RatedPrompt } from "@/lib/export/rate-prompt";
import { exportDataVersion, resolveExport, type ResolvedProject } from "@/lib/export/resolve-export";
import { lastRowSerializer, openRowFile, ParquetBuffers, sha256File, type RowFile, type RowSerializer } from "@/lib/export/row-files";
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
  const { plan, assignment, files, stats, taxonomies } = await inReadOnlySnapshot(async (client, alongside) => {
    const projects = await resolveExport(client, config, { checkRows: false });
    // The data version counts every completion and ranking revision (about 3 s at 100,000 prompts):
    // read on a second connection, in the same snapshot, while this one reads the splits.
    const [dataVersion, assignment] = await Promise.all([
      alongside((other) =>
        exportDataVersion(
          other,
          projects.map((p) => p.id),
        ),
      ),
      assignPromptSplits(client, scopesOf(projects, config), config),
    ]);
    const plan = planExport(projects, dataVersion, config);
    await mkdir(path.join(directory, "data"), { recursive: true });
    const stats = new ExportStatistics();
    const files = new PackageFiles(directory, config, stats);
    let taxonomies: UsedTaxonomy[];
    try {
      await writePromptRows(client, { config, plan, assignment, files, stats, onProgress });
      taxonomies = await usedTaxonomies(client, projects, stats.summary().critiques.taxonomyVersions);
    } catch (error) {
      files.dispose();
      throw error;
    }
    return { plan, assignment, files, stats, taxonomies };
  });
  const { written, leftOut } = await files.close(assignment.assignedPerSplit);
  if (written.length === 0) throw nothingToExport(stats);
  const summary = stats.summary();
  const card = datasetCard({
    config,
    exportVersion: plan.exportVersion,
    projects: plan.projects,
    layout: files.writtenLayout(),
    leftOut,
    files: written,
    statistics: summary,
    taxonomies,
  });
  written.push(await writeFileOfPackage(directory, "README.md", card));
  const manifest: ExportManifest = {
    format: EXPORT_PACKAGE_FORMAT,
    exportVersion: plan.exportVersion,
    configHash: plan.configHash,
    dataVersion: plan.dataVersion,
    config,
    projects: plan.projects.map((p) => ({ slug: p.slug, name: p.name, judgeRun: p.judgeRun })),
    statistics: summary,
    files: written,
    leftOut,
  };
  await writeFile(path.join(directory, "manifest.json"), JSON.stringify(JSON.parse(canonicalJson(manifest)), null, 2) + "\n");
  await onProgress?.({ promptsDone: assignment.promptsTotal, promptsTotal: assignment.promptsTotal, rowsWritten: files.rowsWritten });
  return manifest;
}

/** The taxonomy versions the exported spans were marked under, by project slug then version, for the card. */
async function usedTaxonomies(
  client: PoolClient,
  projects: ResolvedProject[],
  versions: Record<string, number[]>,
): Promise<UsedTaxonomy[]> {
  const used: UsedTaxonomy[] = [];
  for (const project of [...projects].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)))
    for (const version of versions[project.slug] ?? [])
      used.push({ project: project.slug, version, tags: (await taxonomyVersion(client, project.id, version)).tags });
  return used;
}

/** Runs a read on another connection, in the snapshot of the export's transaction. */
type Alongside = <U>(read: (client: PoolClient) => Promise<U>) => Promise<U>;

const READ_ONLY_SNAPSHOT = { isolation: "REPEATABLE READ", readOnly: true } as const;

/**
 * Runs the reads of an export in one REPEATABLE READ, READ ONLY snapshot, so both passes see the same
 * data; `alongside` runs a read on a second connection that shares the snapshot, at the same time.
 */
async function inReadOnlySnapshot<T>(read: (client: PoolClient, alongside: Alongside) => Promise<T>): Promise<T> {
  return withTransaction(async (client) => {
    await execute(client, sql`SET LOCAL jit = off`);
    const snapshot = await exportSnapshot(client);
    const alongside: Alongside = (readAlongside) =>
      withTransaction(
        async (other) => {
          await execute(other, sql`SET LOCAL jit = off`);
          return readAlongside(other);
        },
        { ...READ_ONLY_SNAPSHOT, snapshot },
      );
    return read(client, alongside);
  }, READ_ONLY_SNAPSHOT);
}

interface ExportPlan {
  projects: ResolvedProject[];
  scopes: { project: ResolvedProject; scope: PromptScope }[];
  configHash: string;
  dataVersion: string;
  exportVersion: string;
}

/** The projects of the export and its version: the configuration's hash with the data's. */
function planExport(projects: ResolvedProject[], dataVersion: string, config: ExportConfig): ExportPlan {
  const hash = configHash(config);
  const exportVersion = createHash("sha256").update(`${hash}:${dataVersion}`).digest("hex").slice(0, 16);
  return { projects, scopes: scopesOf(projects, config), configHash: hash, dataVersion, exportVersion };
}

const scopesOf = (projects: ResolvedProject[], config: ExportConfig) => projects.map((p) => ({ project: p, scope: scopeOf(p, config) }));

interface SplitAssignment {
  splitOf: Map<string, string>;
  assignedPerSplit: Map<string, number>;
  promptsTotal: number;
}

/** The first pass: every prompt in scope to a split, by its normalized text and source. */
async function assignPromptSplits(client: PoolClient, scopes: ExportPlan["scopes"], config: ExportConfig): Promise<SplitAssignment> {
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
  return { splitOf, assignedPerSplit, promptsTotal };
}

interface RowPass {
  config: ExportConfig;
  plan: ExportPlan;
  assignment: SplitAssignment;
  files: PackageFiles;
  stats: ExportStatistics;
  onProgress?: BuildExportOptions["onProgress"];
}

/** The second pass: every prompt in scope rated and turned into its format's rows. */
async function writePromptRows(client: PoolClient, pass: RowPass): Promise<void> {
  const { config, plan, assignment, files, stats, onProgress } = pass;
  const format = exportFormat(config.format);
  const context = rowContext(config, plan.exportVersion);
  for (const { project, scope } of plan.scopes) {
    for await (const prompt of streamExportPrompts(client, scope)) {
      stats.promptsConsidered += 1;
      if (onProgress && stats.promptsConsidered % PROGRESS_EVERY_PROMPTS === 0)
        await onProgress({ promptsDone: stats.promptsConsidered, promptsTotal: assignment.promptsTotal, rowsWritten: files.rowsWritten });
      const rated = ratePrompt(withCheckedSpans(prompt), config, project.judgeRun);
      if (typeof rated === "string") {
        stats.skip(rated);
        continue;
      }
      const random = seededRandom(`${config.seed}:${prompt.id}`);
      const rows = format.rowsFor(rated, { context, random, judgeRun: project.judgeRun });
      if (typeof rows === "string") {
        stats.skip(rows);
        continue;
      }
      stats.dropCriticalChosen(rows.criticalChosenDropped ?? 0);
      if (rows.rows.length === 0) {
        stats.skip("critical-chosen");
        continue;
      }
      await writeRated(rated, assignment.splitOf.get(prompt.id)!, rows, files, stats);
    }
  }
}

async function writeRated(rated: RatedPrompt, split: string, prompt: PromptRows, files: PackageFiles, stats: ExportStatistics) {
  stats.usePrompt(rated, split);
  for (const pair of prompt.pairs) stats.pair(rated, pair, split);
  for (const label of prompt.labels) stats.label(label.desirable);
  for (const { part, category, row } of prompt.rows) {
    const file = files.fileOf(split, part, category);
    // Only the category split has category files; every split has the others.
    if (file) await files.write(file, row);
    else if (!category) throw new Error(`the package has no ${part} file for the split "${split}"`);
  }
  await files.settle();
}

/** The data files of a package, each opened on its first row, so a split or category without rows never becomes a file. */
class PackageFiles {
  readonly layout: PackageFile[];
  rowsWritten = 0;
  private readonly columns: Column[];
  private readonly open = new Map<PackageFile, RowFile>();
  private readonly parquetBuffers = new ParquetBuffers();
  private readonly serializeRow: RowSerializer;
  // Looked up once per row: keyed by split, part and category up front.
  private readonly byKey: Map<string, PackageFile>;

  constructor(
    private readonly directory: string,
    private readonly config: ExportConfig,
    private readonly stats: ExportStatistics,
  ) {
    this.layout = packageLayout(config);
    this.columns = columnsFor(config);
    this.serializeRow = lastRowSerializer(this.columns);
    this.byKey = new Map(this.layout.map((f) => [fileKey(f.source, f.part, f.category), f]));
  }

  fileOf(split: string, part: FilePart, category: PairCategory | null): PackageFile | undefined {
    return this.byKey.get(fileKey(split, part, category));
  }

  async write(file: PackageFile, row: Record<string, unknown>): Promise<void> {
    let rowFile = this.open.get(file);
    if (!rowFile) {
      rowFile = openRowFile(this.config.fileType, path.join(this.directory, file.path), this.columns, {
        buffers: this.parquetBuffers,
        serialize: this.serializeRow,
      });
      this.open.set(file, rowFile);
    }
    await rowFile.write(row);
    this.stats.row(file.split);
    this.rowsWritten += 1;
  }

  /** Keeps the rows waiting for Parquet row groups under the package's limit (called between prompts). */
  async settle(): Promise<void> {
    await this.parquetBuffers.settle();
  }

  /** The files of the layout that got rows. */
  writtenLayout(): PackageFile[] {
    return this.layout.filter((f) => this.open.has(f));
  }

  /** Closes every file in layout order; the files without rows are left out, with the reason. */
  async close(assignedPerSplit: Map<string, number>): Promise<{ written: ManifestFile[]; leftOut: LeftOutSplit[] }> {
    const written: ManifestFile[] = [];
    const leftOut: LeftOutSplit[] = [];
    try {
      for (const file of this.layout) {
        const rowFile = this.open.get(file);
        if (rowFile) {
          const { rows, bytes, sha256 } = await rowFile.close();
          written.push({ path: file.path, bytes, sha256, rows });
        } else
          leftOut.push({
            split: file.split,
            path: file.path,
            reason: emptyReason(file, assignedPerSplit.get(file.source) ?? 0, this.config),
          });
      }
    } finally {
      this.dispose();
    }
    return { written, leftOut };
  }

  /** Stops the Parquet row-group worker, if any (the export is done or failed). */
  dispose(): void {
    this.parquetBuffers.dispose();
  }
}

const fileKey = (split: string, part: FilePart, category: PairCategory | null) => `${split}\u0000${part}\u0000${category ?? ""}`;

function nothingToExport(stats: ExportStatistics): AppError {
  const skipped = Object.entries(stats.summary().promptsSkipped)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return new AppError(
    "INVALID_INPUT",
    `Nothing to export: none of the ${stats.promptsConsidered} prompts gave a row${skipped ? ` (left out: ${skipped})` : ""}.`,
    "source",
  );
}

async function writeFileOfPackage(directory: string, name: string, text: string): Promise<ManifestFile> {
  const file = path.join(directory, name);
  await writeFile(file, text);
  return { path: name, bytes: (await stat(file)).size, sha256: await sha256File(file), rows: 0 };
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
