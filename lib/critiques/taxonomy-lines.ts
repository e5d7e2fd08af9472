import type { CritiqueTaxonomy } from "@/lib/critiques/taxonomy";

/**
 * A taxonomy as the admins' editor writes it: one tag per line, `key | label | colour | marker`
 * (blank lines ignored). Validation of the values is critiqueTaxonomySchema's; this only splits
 * lines, and names a line without four parts.
 */
export function taxonomyToLines(taxonomy: CritiqueTaxonomy): string {
  return taxonomy.tags.map((t) => `${t.key} | ${t.label} | ${t.colour} | ${t.marker}`).join("\n");
}

export type TaxonomyLines = { ok: true; tags: Record<"key" | "label" | "colour" | "marker", string>[] } | { ok: false; message: string };

export function taxonomyFromLines(text: string): TaxonomyLines {
  const tags: Record<"key" | "label" | "colour" | "marker", string>[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const parts = line.split("|").map((p) => p.trim());
    if (parts.length !== 4)
      return {
        ok: false,
        message: `Line ${i + 1}: write key | label | colour | marker (found ${parts.length} part${parts.length === 1 ? "" : "s"}).`,
      };
    const [key, label, colour, marker] = parts as [string, string, string, string];
    tags.push({ key, label, colour, marker });
  }
  return { ok: true, tags };
}
