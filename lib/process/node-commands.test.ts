import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BOUNDED_HEAP_FLAGS, MEDPREF_NPM_SCRIPT, medprefCliArgs } from "@/lib/process/node-commands";

describe("job processes", () => {
  it("`npm run medpref` is the command line with the bounded heap", () => {
    const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
    expect(scripts.medpref).toBe(MEDPREF_NPM_SCRIPT);
    expect(MEDPREF_NPM_SCRIPT).toBe("node --max-old-space-size=192 --import tsx scripts/medpref.ts");
  });

  it("tests and benchmarks spawn the command line with the same node arguments", () => {
    expect(medprefCliArgs("export", "--project", "p").slice(0, BOUNDED_HEAP_FLAGS.length + 2)).toEqual([
      ...BOUNDED_HEAP_FLAGS,
      "--import",
      "tsx",
    ]);
    expect(medprefCliArgs("export", "--project", "p").slice(-4)).toEqual(
      ["medpref.ts", "export", "--project", "p"].map((a, i) => (i === 0 ? expect.stringMatching(/scripts\/medpref\.ts$/) : a)),
    );
  });
});
