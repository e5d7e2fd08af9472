import "server-only";
import { createReadStream } from "node:fs";
import path from "node:path";
import { type Readable } from "node:stream";
import yazl from "yazl";
import { db } from "@/lib/db/prisma";
import { exportDirectory } from "@/lib/export/export-jobs";

export interface ExportFileView {
  path: string;
  bytes: number;
  sha256: string;
  rows: number;
}

export interface ExportView {
  id: string;
  name: string;
  status: "QUEUED" | "RUNNING" | "READY" | "FAILED";
  progress: number;
  rowsWritten: number;
  error: string | null;
  format: string;
  fileType: string;
  projects: string[];
  /** The full configuration, as stored. */
  config: unknown;
  exportVersion: string | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  files: ExportFileView[];
  /** Splits the build left out because they had no rows, and why (from the manifest). */
  leftOut: { split: string; path: string; reason: string }[];
}

type ExportRow = Awaited<ReturnType<typeof findExports>>[number];

function findExports(where: { id?: string } = {}, take?: number) {
  return db().export.findMany({
    where,
    take,
    orderBy: { createdAt: "desc" },
    include: { files: { orderBy: { path: "asc" } }, createdBy: { select: { name: true } } },
  });
}

function view(e: ExportRow): ExportView {
  const config = e.config as { kind?: string; format?: string; fileType?: string; projects?: string[] };
  const manifest = e.manifest as { exportVersion?: string; leftOut?: ExportView["leftOut"]; projects?: { slug: string }[] } | null;
  return {
    id: e.id,
    name: e.name,
    status: e.status,
    progress: e.progress,
    rowsWritten: e.rowsWritten,
    error: e.error,
    // A verification set's benchmark (lib/verification) names its project in the manifest, once built.
    format: config.kind === "verification" ? "verified benchmark" : (config.format ?? ""),
    fileType: config.fileType ?? "",
    projects: config.projects ?? manifest?.projects?.map((p) => p.slug) ?? [],
    config: e.config,
    exportVersion: manifest?.exportVersion ?? null,
    createdBy: e.createdBy?.name ?? null,
    createdAt: e.createdAt.toISOString(),
    finishedAt: e.finishedAt?.toISOString() ?? null,
    files: e.files.map((f) => ({ path: f.path, bytes: Number(f.bytes), sha256: f.sha256, rows: f.rows })),
    leftOut: manifest?.leftOut ?? [],
  };
}

export async function listExports(limit = 200): Promise<ExportView[]> {
  return (await findExports({}, limit)).map(view);
}

export async function getExport(id: string): Promise<ExportView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await findExports({ id });
  return row ? view(row) : null;
}

/** A published file of a READY export by its package path (manifest.json included), or null. */
export function publishedFile(exp: ExportView, filePath: string): string | null {
  if (exp.status !== "READY") return null;
  if (filePath !== "manifest.json" && !exp.files.some((f) => f.path === filePath)) return null;
  return path.join(exportDirectory(exp.id), filePath);
}

/** Fixed entry times, so the same package zips to the same bytes. */
const ZIP_ENTRY_TIME = new Date("2000-01-01T00:00:00Z");

/** The package as a zip, streamed from disk under a `medpref-export-<version>/` folder. */
export function exportZipStream(exp: ExportView): Readable {
  const zip = new yazl.ZipFile();
  const folder = `medpref-export-${exp.exportVersion ?? exp.id}`;
  for (const filePath of [...exp.files.map((f) => f.path), "manifest.json"]) {
    // Parquet is already compressed; deflating it again costs time for nothing.
    zip.addReadStream(createReadStream(publishedFile(exp, filePath)!), `${folder}/${filePath}`, {
      mtime: ZIP_ENTRY_TIME,
      compress: !filePath.endsWith(".parquet"),
    });
  }
  zip.end();
  return zip.outputStream as Readable;
}

export interface ExportBuilderOptions {
  projects: { slug: string; name: string }[];
  judgeRuns: { id: string; name: string; project: string; model: string | null }[];
  sourceDatasets: string[];
  promptTypes: string[];
}

/** What the export builder offers: projects, their judge runs, and the source datasets and prompt types present. */
export async function exportBuilderOptions(): Promise<ExportBuilderOptions> {
  const [projects, runs, sources, types] = await Promise.all([
    db().project.findMany({ orderBy: { name: "asc" }, select: { slug: true, name: true } }),
    db().judgeRun.findMany({
      where: { kind: "JUDGE" },
      orderBy: { createdAt: "desc" },
      select: { id: true, name: true, model: true, project: { select: { slug: true } } },
    }),
    db().prompt.findMany({ distinct: ["source"], where: { source: { not: null } }, select: { source: true }, take: 100 }),
    db().prompt.findMany({ distinct: ["promptType"], where: { promptType: { not: null } }, select: { promptType: true }, take: 100 }),
  ]);
  return {
    projects,
    judgeRuns: runs.map((r) => ({ id: r.id, name: r.name, project: r.project.slug, model: r.model })),
    sourceDatasets: sources.map((s) => s.source!).sort(),
    promptTypes: types.map((t) => t.promptType!).sort(),
  };
}
