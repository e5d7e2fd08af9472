import "server-only";
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import type { ExportConfig } from "@/lib/export/export-config";
import { isVerifiedExportConfig } from "@/lib/verification/verified-export-config";
import { exportDirectory } from "@/lib/export/export-jobs";
import { exportFormat } from "@/lib/export/formats";
import { categorySplit, packageLayout } from "@/lib/export/package-layout";
import { rankAndLengthCategories } from "@/lib/export/pair-categories";
import { judgeUncertainty, type CandidatePairForSet, type JudgeVerdict } from "@/lib/verification/candidate-pairs";

/** What a pair row's provenance carries (lib/export/export-rows.ts pairProvenance). */
interface PairProvenance {
  prompt_id: string;
  project: string;
  source_dataset: string | null;
  prompt_type: string | null;
  judge_run: string | null;
  score_scale: string;
  chosen_id: string;
  chosen_rank: number;
  chosen_score: number | null;
  rejected_id: string;
  rejected_rank: number;
  rejected_score: number | null;
}

/**
 * The pairs of an export's test split (its category split: "test", else its last) in one project,
 * read from the published package — the pairs as researchers downloaded them. Categories follow
 * the exports' rules (easy / hard by the rank gap, length by the texts), whether or not the export
 * wrote category files.
 */
export async function exportTestSplitPairs(exportId: string, project: { id: string; slug: string }): Promise<CandidatePairForSet[]> {
  const exp = await queryOne<{ status: string; config: ExportConfig }>(
    pool(),
    sql`SELECT status, config FROM exports WHERE id = ${exportId}`,
  );
  if (!exp) throw new AppError("NOT_FOUND", `No export ${exportId}.`, "source");
  if (exp.status !== "READY")
    throw new AppError("INVALID_INPUT", `Export ${exportId} is ${exp.status.toLowerCase()}, not ready.`, "source");
  // A verification set's own benchmark export (lib/verification/build-verified-export.ts) is not a source.
  if (isVerifiedExportConfig(exp.config))
    throw new AppError(
      "INVALID_INPUT",
      `Export ${exportId} is the verified benchmark of a verification set, not a rankings export; choose a rankings export's test split, or a judge run.`,
      "source",
    );
  const config = exp.config;
  if (!config.projects.includes(project.slug))
    throw new AppError("INVALID_INPUT", `Export ${exportId} does not include project "${project.slug}".`, "source");
  if (!exportFormat(config.format).hasCategories)
    throw new AppError("INVALID_INPUT", `Export ${exportId} is in the ${config.format} format, which has no preference pairs.`, "source");
  const split = categorySplit(config);
  const file = packageLayout(config).find((f) => f.source === split && f.part === "pairs" && f.category === null)!;
  const where = path.join(exportDirectory(exportId), file.path);
  await access(where).catch(() => {
    throw new AppError("NOT_FOUND", `Export ${exportId}'s ${file.path} is not on this server's MEDPREF_HOME.`, "source");
  });
  const rows: PairProvenance[] = [];
  for await (const row of readRows(where, config.fileType)) {
    const p = row.provenance as PairProvenance;
    if (p.project === project.slug) rows.push(p);
  }
  return withCategories(rows);
}

async function* readRows(file: string, fileType: ExportConfig["fileType"]): AsyncGenerator<Record<string, unknown>> {
  if (fileType === "jsonl") {
    for await (const line of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity }))
      if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
    return;
  }
  const { asyncBufferFromFile, parquetReadObjects } = await import("hyparquet");
  yield* (await parquetReadObjects({ file: await asyncBufferFromFile(file), columns: ["provenance"] })) as Record<string, unknown>[];
}

async function withCategories(rows: readonly PairProvenance[]): Promise<CandidatePairForSet[]> {
  const promptIds = [...new Set(rows.map((r) => r.prompt_id))];
  const completionIds = rows.flatMap((r) => [r.chosen_id, r.rejected_id]);
  const [counts, lengths] = await Promise.all([
    queryRows<{ promptId: string; n: number }>(
      pool(),
      sql`SELECT prompt_id, count(*)::int AS n FROM completions WHERE prompt_id = ANY(${promptIds}::uuid[]) GROUP BY prompt_id`,
    ),
    // Lengths as the exports measure them (UTF-16 code units, JavaScript's), not PostgreSQL's characters.
    queryRows<{ id: string; text: string }>(pool(), sql`SELECT id, text FROM completions WHERE id = ANY(${completionIds}::uuid[])`),
  ]);
  const candidates = new Map(counts.map((c) => [c.promptId, c.n]));
  const length = new Map(lengths.map((l) => [l.id, l.text.length]));
  return rows
    .filter((r) => length.has(r.chosen_id) && length.has(r.rejected_id))
    .map((r) => {
      const n = candidates.get(r.prompt_id)!;
      const categories = rankAndLengthCategories({
        candidates: n,
        rankGap: r.rejected_rank - r.chosen_rank,
        chosenLength: length.get(r.chosen_id)!,
        rejectedLength: length.get(r.rejected_id)!,
      });
      const verdict: JudgeVerdict = {
        run: r.judge_run,
        chosenRank: r.chosen_rank,
        rejectedRank: r.rejected_rank,
        chosenScore: r.chosen_score,
        rejectedScore: r.rejected_score,
        positionFlips: null,
        humanDisagreement: null,
      };
      const [lo, hi] = r.score_scale.split("-").map(Number) as [number, number];
      return {
        promptId: r.prompt_id,
        chosenCompletionId: r.chosen_id,
        rejectedCompletionId: r.rejected_id,
        categories,
        source: r.source_dataset,
        promptType: r.prompt_type,
        uncertainty: judgeUncertainty(verdict, n, [lo, hi]),
        judge: verdict,
      };
    });
}
