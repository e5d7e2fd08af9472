import type { ImportProgress } from "@/lib/import/import-prompts";

/**
 * The CLI's progress line for an import. The share comes from the bytes read, which run ahead of
 * the records parsed (a small file is read in one chunk), so it stays below 100% until the import
 * has gone through every record; the count is of prompt records, never of stream chunks.
 */
export function importProgressLine(fileName: string, p: ImportProgress): string {
  const share = p.done ? 100 : Math.min(99, p.bytesTotal ? Math.floor((100 * p.bytesRead) / p.bytesTotal) : 0);
  return `Importing ${fileName}: ${share}% (${p.recordsRead} prompt${p.recordsRead === 1 ? "" : "s"} read)`;
}

/** For a log (not a terminal): a line at each new tenth of the file, and always the final one. */
export function decileProgress(fileName: string): (p: ImportProgress) => string | null {
  let lastDecile = 0;
  let finished = false;
  return (p) => {
    if (finished) return null;
    if (p.done) {
      finished = true;
      return importProgressLine(fileName, p);
    }
    const decile = Math.floor(Math.min(99, p.bytesTotal ? (100 * p.bytesRead) / p.bytesTotal : 0) / 10);
    if (decile <= lastDecile) return null;
    lastDecile = decile;
    return importProgressLine(fileName, p);
  };
}
