import { isPairFormat, type ExportConfig } from "@/lib/export/export-config";
import { PAIR_CATEGORIES, type PairCategory } from "@/lib/export/pair-categories";

/** What a data file of the package holds. */
export type FilePart = "pairs" | "sft" | "gen" | "rows";

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
 * The data files of an export, in a fixed order: one per split (h4: `<split>_prefs`, `_sft`,
 * `_gen`), plus `<split>_<category>` files of the category split's pairs when asked for.
 */
export function packageLayout(config: Pick<ExportConfig, "format" | "splits" | "fileType" | "categories">): PackageFile[] {
  const files: PackageFile[] = [];
  const add = (split: string, source: string, part: FilePart, category: PairCategory | null) =>
    files.push({ split, source, part, category, path: `data/${split}.${config.fileType}` });
  for (const { name } of config.splits) {
    if (config.format === "h4") {
      add(`${name}_prefs`, name, "pairs", null);
      add(`${name}_sft`, name, "sft", null);
      add(`${name}_gen`, name, "gen", null);
    } else add(name, name, isPairFormat(config.format) ? "pairs" : "rows", null);
  }
  if (config.categories && (config.format === "h4" || config.format === "dpo" || config.format === "rm")) {
    const split = categorySplit(config);
    const base = config.format === "h4" ? `${split}_prefs` : split;
    for (const category of PAIR_CATEGORIES) add(`${base}_${category}`, split, "pairs", category);
  }
  return files;
}
