import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { readmeSection } from "@/lib/agreement/readme-section";

describe("the README section the dashboard links to", () => {
  it("is the body up to the next heading of the same level", () => {
    const md = "# A\n\n## Agreement\ntext\n### Metrics (x)\n| a |\n#### sub\nmore\n### Next\nno\n";
    expect(readmeSection(md, "Metrics")).toBe("| a |\n#### sub\nmore");
    expect(readmeSection(md, "Missing")).toBeNull();
  });

  it("holds every figure's formula in the real README", () => {
    const section = readmeSection(fs.readFileSync("README.md", "utf8"), "Metrics")!;
    for (const figure of [
      "Pairwise agreement",
      "Kendall's tau-b",
      "Kendall's W",
      "Krippendorff's alpha",
      "Top-1 agreement",
      "Fleiss' kappa",
      "Span figures",
    ])
      expect(section).toContain(figure);
  });
});
