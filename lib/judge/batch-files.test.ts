import { describe, expect, it } from "vitest";
import { BatchLineTooLargeError, lineBytes, OPENAI_BATCH_FILE_LIMITS, planBatchFiles } from "./batch-files";

const lines = (...bytes: number[]) => bytes.map((b, i) => ({ customId: `p${i}:0`, bytes: b }));

describe("planBatchFiles", () => {
  it("starts a new file after maxRequests lines", () => {
    expect(planBatchFiles(lines(10, 10, 10, 10, 10, 10, 10), { maxRequests: 3, maxBytes: 1000 })).toEqual([
      { start: 0, end: 3, requests: 3, bytes: 30 },
      { start: 3, end: 6, requests: 3, bytes: 30 },
      { start: 6, end: 7, requests: 1, bytes: 10 },
    ]);
  });

  it("starts a new file when the next line would pass maxBytes, and fills a file to exactly maxBytes", () => {
    expect(planBatchFiles(lines(40, 60, 1, 99, 100, 50), { maxRequests: 100, maxBytes: 100 })).toEqual([
      { start: 0, end: 2, requests: 2, bytes: 100 },
      { start: 2, end: 4, requests: 2, bytes: 100 },
      { start: 4, end: 5, requests: 1, bytes: 100 },
      { start: 5, end: 6, requests: 1, bytes: 50 },
    ]);
  });

  it("applies whichever limit comes first", () => {
    expect(planBatchFiles(lines(30, 30, 30, 30, 30), { maxRequests: 2, maxBytes: 70 }).map((f) => f.requests)).toEqual([2, 2, 1]);
    expect(planBatchFiles(lines(30, 30, 30, 30, 30), { maxRequests: 4, maxBytes: 70 }).map((f) => f.requests)).toEqual([2, 2, 1]);
  });

  it("splits 200,000 small requests into 4 files of 50,000 under OpenAI's limits", () => {
    const files = planBatchFiles(
      Array.from({ length: 200_000 }, (_, i) => ({ customId: `${i}`, bytes: 2_000 })),
      OPENAI_BATCH_FILE_LIMITS,
    );
    expect(files.map((f) => [f.start, f.end, f.bytes])).toEqual([
      [0, 50_000, 100_000_000],
      [50_000, 100_000, 100_000_000],
      [100_000, 150_000, 100_000_000],
      [150_000, 200_000, 100_000_000],
    ]);
  });

  it("splits by bytes first when requests are large (13 KB each: 16,131 per 200 MB file)", () => {
    const perFile = Math.floor((200 * 1024 * 1024) / 13_000);
    const files = planBatchFiles(
      Array.from({ length: 40_000 }, (_, i) => ({ customId: `${i}`, bytes: 13_000 })),
      OPENAI_BATCH_FILE_LIMITS,
    );
    expect(perFile).toBe(16_131);
    expect(files.map((f) => f.requests)).toEqual([perFile, perFile, 40_000 - 2 * perFile]);
    expect(files.every((f) => f.bytes <= 200 * 1024 * 1024)).toBe(true);
  });

  it("refuses a request bigger than a whole file, naming it", () => {
    expect(() => planBatchFiles(lines(10, 101, 10), { maxRequests: 10, maxBytes: 100 })).toThrow(BatchLineTooLargeError);
    expect(() => planBatchFiles(lines(10, 101, 10), { maxRequests: 10, maxBytes: 100 })).toThrow(
      "The batch request p1:0 is 101 bytes as a JSONL line, more than the 100 bytes an input file may hold.",
    );
  });

  it("counts a line's exact UTF-8 bytes and its newline", () => {
    expect(lineBytes('{"a":"é"}')).toBe(11);
    expect(lineBytes("")).toBe(1);
  });
});
