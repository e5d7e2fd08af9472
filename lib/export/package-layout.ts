import type { ExportConfig } from "@/lib/export/export-config";
import type { FilePart } from "@/lib/export/formats/export-format";
import { exportFormat } from "@/lib/export/formats";
import { PAIR_CATEGORIES, type PairCategory } from "@/lib/export/pair-categories";

export type { FilePart } from "@/lib/export/formats/export-format";

export interface PackageFile {
  /** The Hugging Face split name (also the file's stem). */
  split: string;
  /** The configured split it is drawn from. */
  source: string;
  part: FilePart;
  category: PairCategory | null;
  path: string;
}

/** The split whose pairs get benchmark categories: "test" when there is one, else the last. */
export function categorySplit(config: Pick<ExportConfig, "splits">): string {
  return config.splits.some((s) => s.name === "test") ? "test" : config.splits.at(-1)!.name;
}

/**
 * The data files of an export, in a fixed order: the format's files per split (h4: `<split>_prefs`,
 * `_sft`, `_gen`), plus `<pairs file>_<category>` files of the category split's pairs when asked for.
 */
export function packageLayout(config: Pick<ExportConfig, "format" | "splits" | "fileType" | "categories">): PackageFile[] {
  const format = exportFormat(config.format);
  const file = (split: string, source: string, part: FilePart, category: PairCategory | null): PackageFile => ({
    split,
    source,
    part,
    category,
    path: `data/${split}.${config.fileType}`,
  });
  const files = config.splits.flatMap(({ name }) => format.splitFiles(name).map((f) => file(f.split, name, f.part, null)));
  if (config.categories && format.hasCategories) {
    const split = categorySplit(config);
    const pairsFile = format.splitFiles(split).find((f) => f.part === "pairs")!.split;
    for (const category of PAIR_CATEGORIES) files.push(file(`${pairsFile}_${category}`, split, "pairs", category));
  }
  return files;
}
