import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { tableFromIPC } from "apache-arrow";
import fc from "fast-check";
import { ParquetWriter } from "hyparquet-writer";
import { fileWriter } from "hyparquet-writer/src/node.js";
import { readParquet } from "parquet-wasm";
import { describe, expect, it } from "vitest";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { meanScoresOnScale } from "@/lib/export/aggregate-rankings";
import { hfFeatures, serializeJsonRow, stringType } from "@/lib/export/columns";
import { exportConfigSchema } from "@/lib/export/export-config";
import { columnsFor } from "@/lib/export/formats";
import { emptyListsWithoutType, repairEmptyLists } from "@/lib/export/parquet-footer";
import { allTied, ktoLabels } from "@/lib/export/pairing";
import { openParquetFile, PARQUET_ROW_GROUP_ROWS } from "@/lib/export/row-files";

const labels = (ranks: number[], cut: "median" | "top-k", k = 2) =>
  ktoLabels(Float64Array.from(ranks), cut, k).map((l) => [l.index, l.desirable]);

describe("KTO labels from the aggregated ranking", () => {
  it("cut at the middle rank: better desirable, worse undesirable, the middle and ties across it left out", () => {
    expect(labels([3, 1, 8, 2, 5, 4, 7, 6], "median")).toEqual([
      [1, true],
      [3, true],
      [0, true],
      [5, true],
      [4, false],
      [7, false],
      [6, false],
      [2, false],
    ]);
    expect(labels([1, 2, 3], "median")).toEqual([
      [0, true],
      [2, false],
    ]);
    expect(labels([1, 2.5, 2.5, 4], "median")).toEqual([
      [0, true],
      [3, false],
    ]);
    expect(labels([2.5, 2.5, 2.5, 2.5], "median")).toEqual([]);
  });

  it("cut at top k and bottom k, leaving out the middle and ties across a cut", () => {
    expect(labels([1, 2, 3, 4, 5], "top-k", 2)).toEqual([
      [0, true],
      [1, true],
      [3, false],
      [4, false],
    ]);
    expect(labels([1, 2.5, 2.5, 4], "top-k", 2)).toEqual([
      [0, true],
      [3, false],
    ]);
    expect(labels([1, 2, 3, 4], "top-k", 5)).toEqual([
      [0, true],
      [1, true],
      [2, false],
      [3, false],
    ]);
    expect(labels([1.5, 1.5], "top-k", 1)).toEqual([]);
  });

  it("label each candidate at most once, every desirable one strictly better than every undesirable one", () => {
    const ranking = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 16 }).map((raw) => fractionalRanks(raw));
    fc.assert(
      fc.property(ranking, fc.constantFrom("median" as const, "top-k" as const), fc.integer({ min: 1, max: 8 }), (ranks, cut, k) => {
        const out = ktoLabels(ranks, cut, k);
        expect(new Set(out.map((l) => l.index)).size).toBe(out.length);
        const worstGood = Math.max(...out.filter((l) => l.desirable).map((l) => ranks[l.index]!));
        const bestBad = Math.min(...out.filter((l) => !l.desirable).map((l) => ranks[l.index]!));
        expect(worstGood).toBeLessThan(bestBad);
        if (allTied(ranks)) expect(out).toEqual([]);
      }),
    );
  });
});

describe("export configuration", () => {
  it("refuses a split of fraction 0, naming the field", () => {
    const result = exportConfigSchema.safeParse({
      projects: ["x"],
      splits: [
        { name: "train", fraction: 1 },
        { name: "test", fraction: 0 },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({
      path: ["splits", 1, "fraction"],
      message: "a split fraction is above 0 (leave the split out instead)",
    });
  });

  it("records the KTO cut, median by default", () => {
    expect(exportConfigSchema.parse({ projects: ["x"], format: "kto" }).ktoCut).toBe("median");
    expect(exportConfigSchema.safeParse({ projects: ["x"], ktoCut: "top-3" }).success).toBe(false);
  });
});

describe("JSONL rows", () => {
  it("escape U+2028 and U+2029, so no reader splits a row in two, and still parse to the same text", () => {
    const text = "line\u2028separator\u2029paragraph";
    const line = serializeJsonRow([{ name: "t", type: stringType }], { t: text });
    expect(line).toBe('{"t":"line\\u2028separator\\u2029paragraph"}');
    expect(line.split(/\r\n|\r|\n|\u2028|\u2029/)).toHaveLength(1);
    expect(JSON.parse(line)).toEqual({ t: text });
  });
});

describe("dataset card features", () => {
  it("declare one schema per format: lists of structs as `list`, lists of values as `sequence`, doubles as float64", () => {
    const features = hfFeatures(columnsFor(exportConfigSchema.parse({ projects: ["x"], format: "h4" })));
    const message = [
      { name: "role", dtype: "string" },
      { name: "content", dtype: "string" },
    ];
    expect(features.slice(0, 7)).toEqual([
      { name: "prompt", dtype: "string" },
      { name: "prompt_id", dtype: "string" },
      { name: "chosen", list: message },
      { name: "rejected", list: message },
      { name: "messages", list: message },
      { name: "score_chosen", dtype: "float64" },
      { name: "score_rejected", dtype: "float64" },
    ]);
    const provenance = (features[7] as { struct: { name: string }[] }).struct;
    expect(provenance.find((f) => f.name === "raters")).toEqual({ name: "raters", sequence: "string" });
    expect(provenance.find((f) => f.name === "num_rankings")).toEqual({ name: "num_rankings", dtype: "int32" });
    const rankings = hfFeatures(columnsFor(exportConfigSchema.parse({ projects: ["x"], format: "rankings" })));
    const ranking = (rankings.find((f) => f.name === "rankings") as { list: { name: string }[] }).list;
    expect(ranking.find((f) => f.name === "flags")).toEqual({ name: "flags", sequence: { sequence: "string" } });
  });
});

describe("scores on declared scales", () => {
  it("stay on a shared scale, and are mapped onto 1–5 when a prompt's rankings declare different ones", () => {
    const same = meanScoresOnScale(
      [
        { scores: [10, 4], scoreScale: [0, 10] },
        { scores: [8, null], scoreScale: [0, 10] },
      ],
      2,
    );
    expect(same).toEqual({ scores: [9, 4], scale: [0, 10] });
    const mixed = meanScoresOnScale(
      [
        { scores: [10, 0], scoreScale: [0, 10] },
        { scores: [3, 1], scoreScale: [1, 5] },
        { scores: [null, null], scoreScale: [0, 100] },
      ],
      2,
    );
    expect(mixed).toEqual({ scores: [4, 1], scale: [1, 5] });
  });
});

const arrowRows = (bytes: Uint8Array) => tableFromIPC(readParquet(bytes).intoIPCStream());

describe("Parquet footers", () => {
  it("carry no untyped empty list: hyparquet-writer's empty row-group list is repaired so arrow-rs reads the file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "medpref-footer-"));
    const file = path.join(dir, "empty.parquet");
    const writer = new ParquetWriter({
      writer: fileWriter(file),
      schema: [
        { name: "schema", num_children: 1 },
        { name: "a", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
      ],
    });
    await writer.finish();
    const before = new Uint8Array(await readFile(file));
    expect(() => arrowRows(before)).toThrow(/Parquet error/);
    const footer = before.subarray(before.length - 8 - Buffer.from(before).readUInt32LE(before.length - 8), before.length - 8);
    expect(emptyListsWithoutType(footer)).toEqual([{ offset: 28, type: 12 }]);
    const after = before.slice();
    const repairedFooter = after.subarray(footer.byteOffset, footer.byteOffset + footer.length);
    expect(repairEmptyLists(repairedFooter)).toBe(1);
    expect(after[footer.byteOffset + 28]).toBe(12);
    expect(arrowRows(after).numRows).toBe(0);
    expect(repairEmptyLists(repairedFooter)).toBe(0);
  });

  it("of MedPref's files are read by arrow-rs, nested lists and empty lists included; a 0-row file is never written", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "medpref-footer-"));
    const columns = columnsFor(exportConfigSchema.parse({ projects: ["x"], format: "rankings" }));
    const file = openParquetFile(path.join(dir, "r.parquet"), columns);
    const provenance = {
      prompt_id: "p",
      project: "x",
      source_dataset: null,
      prompt_type: null,
      num_rankings: 1,
      agreement: null,
      score_scale: "1-5",
      rating_source: "humans",
      raters: [],
      judge_run: null,
      strategy: "best-random",
      export_version: "v",
    };
    const row = {
      prompt_id: "h",
      prompt: "q",
      messages: [{ role: "user", content: "q" }],
      candidates: [{ completion_id: "c", model: "m", content: "a\u2028b", rank: 1, score: null }],
      rankings: [
        {
          rater: "r",
          kind: "human",
          judge_run: null,
          permutation: null,
          score_scale: "1-5",
          ranks: [1],
          scores: [null],
          flags: [[]],
          spans: [],
        },
      ],
      provenance,
    };
    await file.write(row);
    expect((await file.close()).rows).toBe(1);
    const table = arrowRows(new Uint8Array(await readFile(path.join(dir, "r.parquet"))));
    expect(table.numRows).toBe(1);
    expect(JSON.parse(JSON.stringify(table.get(0)!.toJSON().rankings.get(0).toJSON().flags.get(0).toArray()))).toEqual([]);
    const empty = openParquetFile(path.join(dir, "e.parquet"), columns);
    await expect(empty.close()).rejects.toThrow(/without rows is not written/);
  });
});

describe("Parquet files written a row group at a time", () => {
  it("hold every row group's rows in order, read by arrow-rs and hyparquet, however many row groups (list header past 14)", async () => {
    const { parquetMetadata, parquetReadObjects } = await import("hyparquet");
    const dir = await mkdtemp(path.join(os.tmpdir(), "medpref-row-groups-"));
    const file = path.join(dir, "groups.parquet");
    const columns = [
      { name: "id", type: stringType, nullable: false },
      {
        name: "turns",
        type: {
          kind: "list" as const,
          of: {
            kind: "struct" as const,
            fields: [
              { name: "role", type: stringType, nullable: false },
              { name: "content", type: stringType, nullable: false },
            ],
          },
          nullableElements: false,
        },
        nullable: false,
      },
      { name: "score", type: { kind: "double" as const }, nullable: true },
    ];
    const writer = openParquetFile(file, columns, undefined);
    const rows = Array.from({ length: 16 * PARQUET_ROW_GROUP_ROWS + 7 }, (_, i) => ({
      id: `row-${i}`,
      turns:
        i % 3 === 0
          ? []
          : [
              { role: "user", content: `question ${i}` },
              { role: "assistant", content: `answer ${i}` },
            ],
      score: i % 5 === 0 ? null : i / 4,
    }));
    for (const row of rows) await writer.write(row);
    expect((await writer.close()).rows).toBe(rows.length);

    const bytes = new Uint8Array(await readFile(file));
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([...Array<number>(16).fill(PARQUET_ROW_GROUP_ROWS), 7]);
    const footer = bytes.subarray(bytes.length - 8 - Buffer.from(bytes).readUInt32LE(bytes.length - 8), bytes.length - 8);
    expect(emptyListsWithoutType(footer)).toEqual([]);

    const table = arrowRows(bytes);
    expect(table.numRows).toBe(rows.length);
    for (const i of [0, 1, 2, PARQUET_ROW_GROUP_ROWS - 1, PARQUET_ROW_GROUP_ROWS, 16 * PARQUET_ROW_GROUP_ROWS + 6]) {
      const read = JSON.parse(JSON.stringify(table.get(i)!.toJSON())) as Record<string, unknown>;
      expect({
        ...read,
        turns: (table.get(i)!.toJSON().turns as { toArray(): unknown[] }).toArray().map((t) => JSON.parse(JSON.stringify(t))),
      }).toEqual(rows[i]);
    }
    const sample = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
      rowStart: PARQUET_ROW_GROUP_ROWS * 10 - 1,
      rowEnd: PARQUET_ROW_GROUP_ROWS * 10 + 1,
    });
    expect(sample).toEqual(rows.slice(PARQUET_ROW_GROUP_ROWS * 10 - 1, PARQUET_ROW_GROUP_ROWS * 10 + 1));
  }, 60_000);
});
