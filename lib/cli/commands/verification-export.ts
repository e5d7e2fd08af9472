import "server-only";
import { parseFlags, UsageError, type CliIO } from "@/lib/cli/command";
import { writePackage } from "@/lib/cli/package-directory";
import { buildVerifiedPackage } from "@/lib/verification/build-verified-export";
import { validateVerifiedExport } from "@/lib/verification/create-verified-export";
import type { VerifiedExportConfigInput } from "@/lib/verification/verified-export-config";

export const VERIFICATION_EXPORT_USAGE = "verification export --set SET --file-type jsonl|parquet --out DIR [--license ID]";

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
  const { config } = await validateVerifiedExport({
    set: values.set,
    fileType: values["file-type"],
    license: values.license,
  } as VerifiedExportConfigInput);
  const { out, result: manifest } = await writePackage(values.out, (directory) => buildVerifiedPackage({ config, directory }));
  for (const f of manifest.files) io.out(`${f.path}\t${f.rows} rows\t${f.bytes} bytes\tsha256 ${f.sha256}`);
  const s = manifest.statistics;
  io.out(
    `Verified export ${manifest.exportVersion}: ${s.kept} of ${s.sampled} pairs kept (verified ${s.verified}, overturned ${s.overturned}; left out: disputed ${s.disputedExcluded}, pending ${s.pending}) → ${out}`,
  );
}
