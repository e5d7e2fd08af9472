import type { Column } from "@/lib/export/columns";
import type { ExportConfig, ExportFormat } from "@/lib/export/export-config";
import type { RowContext } from "@/lib/export/export-rows";
import type { ExportFormatDefinition } from "@/lib/export/formats/export-format";
import { critiquesFormat } from "@/lib/export/formats/critiques";
import { dpoFormat } from "@/lib/export/formats/dpo";
import { h4Format } from "@/lib/export/formats/h4";
import { ktoFormat } from "@/lib/export/formats/kto";
import { rankingsFormat } from "@/lib/export/formats/rankings";
import { rmFormat } from "@/lib/export/formats/rm";
import { sftFormat } from "@/lib/export/formats/sft";

/** Every export format, by name: the one place a format is looked up. */
const EXPORT_FORMAT_DEFINITIONS: Record<ExportFormat, ExportFormatDefinition> = {
  h4: h4Format,
  dpo: dpoFormat,
  kto: ktoFormat,
  rm: rmFormat,
  sft: sftFormat,
  rankings: rankingsFormat,
  critiques: critiquesFormat,
};

export const exportFormat = (format: ExportFormat): ExportFormatDefinition => EXPORT_FORMAT_DEFINITIONS[format];

/** The row columns of an export (one layout for every file of the package). */
export function columnsFor(config: ExportConfig): Column[] {
  return exportFormat(config.format).columns(config);
}

export function rowContext(config: ExportConfig, exportVersion: string): RowContext {
  return { config, exportVersion, strategy: exportFormat(config.format).strategyLabel(config) };
}
