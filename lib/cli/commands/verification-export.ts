import "server-only";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { parseFlags, UsageError, type CliIO } from "@/lib/cli/command";
import { buildVerifiedPackage } from "@/lib/verification/build-verified-export";
import { validateVerifiedExport } from "@/lib/verification/create-verified-export";
import type { VerifiedExportConfigInput } from "@/lib/verification/verified-export-config";

export const VERIFICATION_EXPORT_USAGE = "verification export --set SET --file-type jsonl|parquet --out DIR [--license ID]";

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
}

/** `verification export`: a verification set's benchmark package into --out, as the export job builds it. */
export async function verificationExport(args: string[], io: CliIO): Promise<void> {
  const { values } = parseFlags(args, {
    set: { type: "string" },
    "file-type": { type: "string" },
    license: { type: "string" },
    out: { type: "string" },
  });
  if (!values.set) throw new UsageError("--set: required (the verification set's id)");
  if (!values["file-type"]) throw new UsageError("--file-type: required (jsonl or parquet)");
  if (values["file-type"] !== "jsonl" && values["file-type"] !== "parquet")
    throw new UsageError(`--file-type: "${values["file-type"]}" is not jsonl or parquet`);
  if (!values.out) throw new UsageError("--out: required (a new or empty directory for the package)");
  const out = path.resolve(values.out);
  if (!(await isEmptyOrMissing(out))) throw new UsageError(`--out: ${out} exists and is not empty; choose a new directory`);
  const { config } = await validateVerifiedExport({
    set: values.set,
    fileType: values["file-type"],
    license: values.license,
  } as VerifiedExportConfigInput);
  // Written beside --out and renamed into place: a failed build leaves no half package.
  const partial = `${out}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    const manifest = await buildVerifiedPackage({ config, directory: partial });
    await rm(out, { recursive: true, force: true });
    await rename(partial, out);
    for (const f of manifest.files) io.out(`${f.path}\t${f.rows} rows\t${f.bytes} bytes\tsha256 ${f.sha256}`);
    const s = manifest.statistics;
    io.out(
      `Verified export ${manifest.exportVersion}: ${s.kept} of ${s.sampled} pairs kept (verified ${s.verified}, overturned ${s.overturned}; left out: disputed ${s.disputedExcluded}, pending ${s.pending}) → ${out}`,
    );
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}
