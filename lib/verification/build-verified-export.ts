import "server-only";
import { createHash } from "node:crypto";
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PoolClient } from "pg";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import type { ManifestFile } from "@/lib/export/build-export";
import { canonicalJson } from "@/lib/export/export-config";
import { openRowFile, ParquetBuffers, sha256File, type WrittenFile } from "@/lib/export/row-files";
import { isKept } from "@/lib/verification/pair-outcome";
import { loadVerifiedPairs, loadVerifiedSet, streamKeptPairTexts } from "@/lib/verification/load-verified-pairs";
import { setAgreementOf, type SetAgreement } from "@/lib/verification/verification-agreement";
import { verifiedCard, type VerifiedSet } from "@/lib/verification/verified-card";
import { verifiedConfigHash, type VerifiedExportConfig } from "@/lib/verification/verified-export-config";
import {
  VERIFIED_COLUMNS,
  verifiedRow,
  verifiedStatistics,
  type VerifiedPairSource,
  type VerifiedStatistics,
} from "@/lib/verification/verified-rows";

export const VERIFIED_PACKAGE_FORMAT = "medpref-verified-export/1";
/** A benchmark is a test set: its one split. */
export const VERIFIED_SPLIT = "test";

export interface VerifiedManifest {
  format: typeof VERIFIED_PACKAGE_FORMAT;
  exportVersion: string;
  configHash: string;
  dataVersion: string;
  config: VerifiedExportConfig;
  projects: { slug: string; name: string; judgeRun: string | null }[];
  set: VerifiedSet;
  statistics: VerifiedStatistics;
  agreement: SetAgreement;
  /** The data file, then README.md. */
  files: ManifestFile[];
  /** Always empty (a package without kept pairs is refused); there for readers of every export's manifest. */
  leftOut: never[];
}

export interface BuildVerifiedOptions {
  config: VerifiedExportConfig;
  /** An empty or missing directory; the package is written into it. */
  directory: string;
  onProgress?: (progress: { pairsDone: number; pairsTotal: number; rowsWritten: number }) => void | Promise<void>;
}

const PROGRESS_EVERY_PAIRS = 250;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Builds the benchmark package of a verification set: data/test.<jsonl|parquet> with one row per
 * kept pair, README.md (the card) and manifest.json. Reads the set, its pairs and votes in one
 * snapshot; the version hashes the configuration with everything read, so the same set with the
 * same votes gives the same bytes.
 */
export async function buildVerifiedPackage({ config, directory, onProgress }: BuildVerifiedOptions): Promise<VerifiedManifest> {
  const dataPath = `data/${VERIFIED_SPLIT}.${config.fileType}`;
  // One snapshot for the set, its pairs and votes, and the kept pairs' texts (read while writing).
  const { set, pairs, statistics, exportVersion, configHash, dataVersion, written } = await withTransaction(
    async (client) => {
      const set = await loadVerifiedSet(client, config.set);
      const pairs = await loadVerifiedPairs(client, config.set);
      const statistics = verifiedStatistics(pairs);
      if (statistics.kept === 0) throw nothingKept(statistics);
      const configHash = verifiedConfigHash(config);
      const dataVersion = sha256(canonicalJson({ set, pairs: pairs.map(versioned) }));
      const exportVersion = sha256(`${configHash}:${dataVersion}`).slice(0, 16);
      await mkdir(path.join(directory, "data"), { recursive: true });
      const written = await writeRows(client, path.join(directory, dataPath), config, set, pairs, exportVersion, onProgress);
      return { set, pairs, statistics, exportVersion, configHash, dataVersion, written };
    },
    { isolation: "REPEATABLE READ", readOnly: true },
  );
  const files: ManifestFile[] = [{ path: dataPath, ...written }];
  const agreement = setAgreementOf(pairs, set.config);
  const card = verifiedCard({
    config,
    exportVersion,
    set,
    statistics,
    agreement,
    file: { split: VERIFIED_SPLIT, path: dataPath, rows: written.rows },
  });
  files.push(await writePackageFile(directory, "README.md", card));
  const manifest: VerifiedManifest = {
    format: VERIFIED_PACKAGE_FORMAT,
    exportVersion,
    configHash,
    dataVersion,
    config,
    projects: [{ slug: set.project.slug, name: set.project.name, judgeRun: set.source.kind === "judge" ? set.source.id : null }],
    set,
    statistics,
    agreement,
    files,
    leftOut: [],
  };
  await writeFile(path.join(directory, "manifest.json"), JSON.stringify(JSON.parse(canonicalJson(manifest)), null, 2) + "\n");
  await onProgress?.({ pairsDone: pairs.length, pairsTotal: pairs.length, rowsWritten: written.rows });
  return manifest;
}

/** The data file: every kept pair's row, its texts streamed in position order beside the pairs. */
async function writeRows(
  client: PoolClient,
  file: string,
  config: VerifiedExportConfig,
  set: VerifiedSet,
  pairs: readonly VerifiedPairSource[],
  exportVersion: string,
  onProgress: BuildVerifiedOptions["onProgress"],
): Promise<WrittenFile> {
  const context = {
    project: set.project.slug,
    set: set.id,
    setName: set.name,
    setVersion: set.version,
    judgeRun: set.source.kind === "judge" ? set.source.id : null,
    sourceExport: set.source.kind === "export" ? set.source.id : null,
    exportVersion,
  };
  const buffers = new ParquetBuffers();
  const rowFile = openRowFile(config.fileType, file, VERIFIED_COLUMNS, { buffers });
  const texts = streamKeptPairTexts(client, set.id);
  let rowsWritten = 0;
  try {
    for (const [i, pair] of pairs.entries()) {
      if (isKept(pair.outcome)) {
        const next = await texts.next();
        if (next.done || next.value.position !== pair.position)
          throw new Error(`the texts of pair ${pair.position} were not read in order`);
        await rowFile.write(verifiedRow(pair, next.value, context)!);
        await buffers.settle();
        rowsWritten++;
      }
      if ((i + 1) % PROGRESS_EVERY_PAIRS === 0) await onProgress?.({ pairsDone: i + 1, pairsTotal: pairs.length, rowsWritten });
    }
    return await rowFile.close();
  } catch (error) {
    buffers.dispose();
    throw error;
  }
}

/** What of a pair decides the package's bytes but for its texts, which come with its id (pairs and completions never change). */
function versioned(pair: VerifiedPairSource) {
  return { id: pair.id, externalId: pair.externalId, outcome: pair.outcome, adjudicated: pair.adjudicated, votes: pair.votes };
}

function nothingKept(s: VerifiedStatistics): AppError {
  return new AppError(
    "INVALID_INPUT",
    `Nothing to export: none of the ${s.sampled} pairs of the set is kept yet (pending ${s.pending}, disputed ${s.disputedExcluded}); a pair is kept once verified or overturned.`,
    "set",
  );
}

async function writePackageFile(directory: string, name: string, text: string): Promise<ManifestFile> {
  const file = path.join(directory, name);
  await writeFile(file, text);
  return { path: name, bytes: (await stat(file)).size, sha256: await sha256File(file), rows: 0 };
}
