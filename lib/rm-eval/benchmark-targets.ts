import "server-only";
import { isVerifiedExportConfig } from "@/lib/verification/verified-export-config";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import { exportConfigSchema } from "@/lib/export/export-config";
import { exportDirectory } from "@/lib/export/export-jobs";
import { packageLayout } from "@/lib/export/package-layout";
import { PAIR_CATEGORIES, type PairCategory } from "@/lib/export/pair-categories";
import type { TargetPair } from "@/lib/rm-eval/score-records";
import { keptOrientation, outcomeCategories, type Outcome } from "@/lib/verification/pair-outcome";

/** What a reward model is evaluated on: a verification set's kept pairs, or an export's test split. */
export type BenchmarkRef = { setId: string } | { exportId: string };

export interface Benchmark {
  ref: BenchmarkRef;
  projectId: string | null;
  label: string;
  pairs: TargetPair[];
}

export function loadBenchmark(ref: BenchmarkRef): Promise<Benchmark> {
  return "setId" in ref ? setBenchmark(ref.setId) : exportBenchmark(ref.exportId);
}

/** A verification set's kept pairs: verified as the source gave them, overturned swapped (category "human"); pending and disputed left out. */
async function setBenchmark(setId: string): Promise<Benchmark> {
  const set = await queryOne<{ projectId: string; name: string; version: number }>(
    pool(),
    sql`SELECT project_id, name, version FROM verification_sets WHERE id = ${setId}::uuid`,
  );
  if (!set) throw new AppError("NOT_FOUND", `No verification set ${setId}.`, "set");
  const rows = await queryRows<{
    id: string;
    promptId: string;
    externalId: string | null;
    outcome: Outcome;
    categories: string[];
    chosenId: string;
    chosenModel: string;
    rejectedId: string;
    rejectedModel: string;
    promptModels: string[];
  }>(
    pool(),
    sql`SELECT vp.id, vp.prompt_id, p.external_id, vp.outcome, vp.categories,
               c.id AS chosen_id, c.model AS chosen_model, r.id AS rejected_id, r.model AS rejected_model,
               ARRAY(SELECT m.model FROM completions m WHERE m.prompt_id = vp.prompt_id ORDER BY m.position) AS prompt_models
          FROM verification_pairs vp
          JOIN prompts p ON p.id = vp.prompt_id
          JOIN completions c ON c.id = vp.chosen_completion_id
          JOIN completions r ON r.id = vp.rejected_completion_id
         WHERE vp.set_id = ${setId}::uuid AND vp.outcome IN ('VERIFIED', 'OVERTURNED')
         ORDER BY vp.position`,
  );
  const pairs = rows.map((r): TargetPair => {
    const oriented = keptOrientation(
      { chosen: { completionId: r.chosenId, model: r.chosenModel }, rejected: { completionId: r.rejectedId, model: r.rejectedModel } },
      r.outcome,
    );
    return {
      pair: r.id,
      promptId: r.promptId,
      externalId: r.externalId,
      ...oriented,
      categories: outcomeCategories(r.categories, r.outcome),
      promptModels: r.promptModels,
    };
  });
  return { ref: { setId }, projectId: set.projectId, label: `${set.name} v${set.version}`, pairs };
}

interface ExportPairRow {
  pair?: unknown;
  categories?: unknown;
  provenance?: { prompt_id?: unknown; chosen_id?: unknown; rejected_id?: unknown };
}

/**
 * An export's test split, as its package holds it: the pairs file of the split named "test", each row's
 * completions from its provenance (`chosen_id`, `rejected_id`), its categories from its own `categories`
 * list or the category files. A row is named by its `pair` column, else by its 0-based row number.
 */
async function exportBenchmark(exportId: string): Promise<Benchmark> {
  const row = await queryOne<{ name: string; status: string; config: unknown }>(
    pool(),
    sql`SELECT name, status, config FROM exports WHERE id = ${exportId}::uuid`,
  );
  if (!row) throw new AppError("NOT_FOUND", `No export ${exportId}.`, "export");
  if (row.status !== "READY") throw new AppError("CONFLICT", `Export ${exportId} is not ready (${row.status.toLowerCase()}).`, "export");
  if (isVerifiedExportConfig(row.config)) {
    const set = (row.config as { set: string }).set;
    throw new AppError(
      "INVALID_INPUT",
      `Export ${exportId} is the verified benchmark of set ${set}: evaluate on the set (--set ${set}).`,
      "export",
    );
  }
  const config = exportConfigSchema.parse(row.config);
  const stored = new Set(
    (await queryRows<{ path: string }>(pool(), sql`SELECT path FROM export_files WHERE export_id = ${exportId}::uuid`)).map((f) => f.path),
  );
  const layout = packageLayout(config).filter((f) => f.source === "test" && f.part === "pairs" && stored.has(f.path));
  const main = layout.find((f) => f.category === null);
  if (!main)
    throw new AppError("INVALID_INPUT", `Export ${exportId} has no test split of preference pairs (format ${config.format}).`, "export");
  const directory = exportDirectory(exportId);
  const rows = (await readRows(path.join(directory, main.path), config.fileType)) as ExportPairRow[];
  const categoriesOf = new Map<string, PairCategory[]>();
  for (const file of layout)
    if (file.category)
      for (const r of (await readRows(path.join(directory, file.path), config.fileType)) as ExportPairRow[]) {
        const key = rowKey(r);
        categoriesOf.set(key, [...(categoriesOf.get(key) ?? []), file.category]);
      }
  const promptIds = [...new Set(rows.map((r) => String(r.provenance?.prompt_id)))];
  const prompts = await queryRows<{ id: string; externalId: string | null; completions: { id: string; model: string }[] }>(
    pool(),
    sql`SELECT p.id, p.external_id,
               (SELECT json_agg(json_build_object('id', c.id, 'model', c.model) ORDER BY c.position) FROM completions c WHERE c.prompt_id = p.id) AS completions
          FROM prompts p WHERE p.id = ANY(${promptIds}::uuid[])`,
  );
  const byId = new Map(prompts.map((p) => [p.id, p]));
  const pairs = rows.map((r, index): TargetPair => {
    const prompt = byId.get(String(r.provenance?.prompt_id));
    const model = (id: unknown) => prompt?.completions.find((c) => c.id === id);
    const chosen = model(r.provenance?.chosen_id);
    const rejected = model(r.provenance?.rejected_id);
    if (!prompt || !chosen || !rejected)
      throw new AppError(
        "CONFLICT",
        `Export ${exportId}: row ${index} of ${main.path} names a prompt or completion no longer stored.`,
        "export",
      );
    const listed = Array.isArray(r.categories)
      ? r.categories.filter((c): c is PairCategory => PAIR_CATEGORIES.includes(c as PairCategory))
      : null;
    return {
      pair: typeof r.pair === "string" ? r.pair : String(index),
      promptId: prompt.id,
      externalId: prompt.externalId,
      chosen: { completionId: chosen.id, model: chosen.model },
      rejected: { completionId: rejected.id, model: rejected.model },
      categories: listed ?? categoriesOf.get(rowKey(r)) ?? [],
      promptModels: prompt.completions.map((c) => c.model),
    };
  });
  return { ref: { exportId }, projectId: null, label: row.name, pairs };
}

const rowKey = (r: ExportPairRow) =>
  `${String(r.provenance?.prompt_id)}\u0000${String(r.provenance?.chosen_id)}\u0000${String(r.provenance?.rejected_id)}`;

async function readRows(file: string, fileType: "jsonl" | "parquet"): Promise<unknown[]> {
  if (fileType === "jsonl")
    return (await readFile(file, "utf8"))
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as unknown);
  const { asyncBufferFromFile, parquetReadObjects } = await import("hyparquet");
  return parquetReadObjects({ file: await asyncBufferFromFile(file) });
}
