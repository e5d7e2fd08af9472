import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { messagesType, stringType, type Column } from "@/lib/export/columns";
import { PageCompressor, ParquetFileWriter } from "@/lib/export/parquet-writer";
import { openParquetFile, ParquetBuffers, parquetSchema, PARQUET_ROW_GROUP_ROWS } from "@/lib/export/row-files";

const columns: Column[] = [
  { name: "prompt", type: stringType },
  { name: "completion", type: messagesType },
];

const row = (i: number) => ({
  prompt: `question ${Math.floor(i / 4)} `.repeat(40),
  completion: [{ role: "assistant", content: `answer ${i} `.repeat(200) }],
});

describe("Parquet files of a package, encoded on the row-group worker", () => {
  it("are the bytes the same row groups get written on the calling thread, two files sharing one worker", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "medpref-row-files-"));
    const buffers = new ParquetBuffers();
    const files = [
      openParquetFile(path.join(dir, "a.parquet"), columns, buffers),
      openParquetFile(path.join(dir, "b.parquet"), columns, buffers),
    ];
    const count = 2 * PARQUET_ROW_GROUP_ROWS + 11;
    for (let i = 0; i < count; i++) {
      await files[i % 2]!.write(row(i));
      await buffers.settle();
    }
    const [a, b] = [await files[0]!.close(), await files[1]!.close()];

    // The same rows, the same row-group cuts (every PARQUET_ROW_GROUP_ROWS rows of a file), on this thread.
    const compressor = new PageCompressor();
    const direct = ["a-direct.parquet", "b-direct.parquet"].map(
      (name) => new ParquetFileWriter(path.join(dir, name), parquetSchema(columns), compressor),
    );
    const perFile = [0, 1].map((f) =>
      Array.from({ length: count }, (_, i) => i)
        .filter((i) => i % 2 === f)
        .map(row),
    );
    for (const [f, rows] of perFile.entries())
      for (let start = 0; start < rows.length; start += PARQUET_ROW_GROUP_ROWS) {
        const group = rows.slice(start, start + PARQUET_ROW_GROUP_ROWS);
        direct[f]!.writeRowGroup(
          columns.map((c) => ({ name: c.name, data: group.map((r) => r[c.name as keyof typeof r]) })),
          group.length,
        );
      }
    const expected = direct.map((w) => w.finish());

    expect([a.rows, b.rows]).toEqual([PARQUET_ROW_GROUP_ROWS + 6, PARQUET_ROW_GROUP_ROWS + 5]);
    expect({ bytes: a.bytes, sha256: a.sha256 }).toEqual(expected[0]);
    expect({ bytes: b.bytes, sha256: b.sha256 }).toEqual(expected[1]);
    expect(await readFile(path.join(dir, "a.parquet"))).toEqual(await readFile(path.join(dir, "a-direct.parquet")));
  }, 60_000);

  it("fail with the encoder's error when a value breaks its column's type", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "medpref-row-files-"));
    const file = openParquetFile(path.join(dir, "bad.parquet"), columns);
    await file.write({ prompt: 42, completion: [] });
    await expect(file.close()).rejects.toThrow("Parquet column prompt: expected a string, got number");
  });
});
