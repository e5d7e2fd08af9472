import { describe, expect, it } from "vitest";
import { decileProgress, importProgressLine } from "@/lib/cli/import-progress";

describe("the CLI's import progress", () => {
  it("counts prompts and says 100% only when every record is through", () => {
    // A 20-prompt file arrives in one chunk: all bytes are read when the first record is parsed.
    expect(importProgressLine("p.jsonl", { bytesRead: 4000, bytesTotal: 4000, recordsRead: 1, done: false })).toBe(
      "Importing p.jsonl: 99% (1 prompt read)",
    );
    expect(importProgressLine("p.jsonl", { bytesRead: 4000, bytesTotal: 4000, recordsRead: 20, done: true })).toBe(
      "Importing p.jsonl: 100% (20 prompts read)",
    );
    expect(importProgressLine("p.jsonl", { bytesRead: 0, bytesTotal: 0, recordsRead: 0, done: false })).toBe(
      "Importing p.jsonl: 0% (0 prompts read)",
    );
  });

  it("prints a log line per tenth of the file and always the final count, once", () => {
    const next = decileProgress("big.jsonl");
    const seen = [
      { bytesRead: 50, bytesTotal: 1000, recordsRead: 5, done: false },
      { bytesRead: 120, bytesTotal: 1000, recordsRead: 12, done: false },
      { bytesRead: 150, bytesTotal: 1000, recordsRead: 15, done: false },
      { bytesRead: 1000, bytesTotal: 1000, recordsRead: 90, done: false },
      { bytesRead: 1000, bytesTotal: 1000, recordsRead: 100, done: true },
      { bytesRead: 1000, bytesTotal: 1000, recordsRead: 100, done: true },
    ].map(next);
    expect(seen).toEqual([
      null,
      "Importing big.jsonl: 12% (12 prompts read)",
      null,
      "Importing big.jsonl: 99% (90 prompts read)",
      "Importing big.jsonl: 100% (100 prompts read)",
      null,
    ]);
  });
});
