import { describe, expect, it } from "vitest";
import { DEFAULT_TAXONOMY, critiqueTaxonomySchema } from "@/lib/critiques/taxonomy";
import { taxonomyFromLines, taxonomyToLines } from "@/lib/critiques/taxonomy-lines";

describe("the taxonomy editor's lines", () => {
  it("round-trip the default taxonomy exactly", () => {
    const read = taxonomyFromLines(taxonomyToLines(DEFAULT_TAXONOMY));
    expect(read.ok && critiqueTaxonomySchema.parse({ tags: read.tags })).toEqual(DEFAULT_TAXONOMY);
  });

  it("skip blank lines and name a line without four parts", () => {
    expect(taxonomyFromLines("a | A | red | A\n\nother | Other | slate | ?\n")).toEqual({
      ok: true,
      tags: [
        { key: "a", label: "A", colour: "red", marker: "A" },
        { key: "other", label: "Other", colour: "slate", marker: "?" },
      ],
    });
    expect(taxonomyFromLines("a | A | red | A\nb | B")).toEqual({
      ok: false,
      message: "Line 2: write key | label | colour | marker (found 2 parts).",
    });
  });
});
