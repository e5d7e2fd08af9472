import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ParquetWriter } from "hyparquet-writer";
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { snappyCompress as librarySnappy } from "hyparquet-writer/src/snappy.js";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/core/seeded-random";
import { doubleType, intType, boolType, listOf, messagesType, stringType, type Column } from "@/lib/export/columns";
import { repairEmptyLists } from "@/lib/export/parquet-footer";
import { ParquetFileWriter } from "@/lib/export/parquet-writer";
import { parquetSchema } from "@/lib/export/row-files";

const columns: Column[] = [
  { name: "text", type: stringType },
  { name: "maybe", type: stringType, nullable: true },
  { name: "label", type: stringType },
  { name: "messages", type: messagesType },
  { name: "tags", type: listOf(stringType, true) },
  // The same conversation again (as h4's messages repeat its chosen): its pages are compressed once.
  { name: "again", type: messagesType },
  { name: "score", type: doubleType, nullable: true },
  { name: "n", type: intType },
  { name: "ok", type: boolType },
];

/** Rows of every shape the string writer branches on: multi-byte and unpaired UTF-16, nulls, empty lists, pages past 1 MB, dictionary-worthy labels. */
function rows(count: number): Record<string, unknown>[] {
  const random = seededRandom("parquet-writer");
  const words = ["chest pain", "é ü", "中文", "🩺", "\ud800", "troponin", "", "ST-elevation"];
  const text = (n: number) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(" ");
  return Array.from({ length: count }, (_, i) => {
    const messages =
      i % 7 === 0
        ? []
        : [
            { role: "user", content: text(50) },
            { role: "assistant", content: text(300) },
          ];
    return {
      text: text(200 + Math.floor(random() * 400)),
      maybe: i % 3 === 0 ? null : text(5),
      label: `rater ${i % 4}`,
      messages,
      again: messages,
      tags: i % 5 === 0 ? [] : [text(1), null, `t${i % 2}`],
      score: i % 4 === 0 ? null : random() * 5,
      n: i,
      ok: i % 2 === 0,
    };
  });
}

const columnData = (group: Record<string, unknown>[]) => columns.map((c) => ({ name: c.name, data: group.map((r) => r[c.name] ?? null) }));

/** hyparquet-writer's own ParquetWriter with MedPref's options, its footer's empty lists repaired as MedPref repairs them. */
function libraryFile(groups: Record<string, unknown>[][]): Uint8Array {
  const out = new ByteWriter();
  const writer = new ParquetWriter({
    writer: out,
    schema: parquetSchema(columns),
    codec: "SNAPPY",
    compressors: { SNAPPY: librarySnappy },
    createdBy: "medpref",
    statistics: false,
  });
  for (const group of groups)
    void writer.write({ columnData: columnData(group).map((c) => ({ ...c, offsetIndex: false })), rowGroupSize: group.length });
  void writer.finish();
  const bytes = out.getBytes().slice();
  const footerLength = Buffer.from(bytes).readUInt32LE(bytes.length - 8);
  repairEmptyLists(bytes.subarray(bytes.length - 8 - footerLength, bytes.length - 8));
  return bytes;
}

describe("ParquetFileWriter", () => {
  it("writes exactly the bytes of hyparquet-writer's ParquetWriter, which read back as the rows", async () => {
    const all = rows(1900);
    const groups = [all.slice(0, 750), all.slice(750, 1500), all.slice(1500)];
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "medpref-parquet-writer-")), "rows.parquet");
    const writer = new ParquetFileWriter(file, parquetSchema(columns));
    for (const group of groups) writer.writeRowGroup(columnData(group), group.length);
    const { bytes } = writer.finish();
    const written = new Uint8Array(await readFile(file));
    expect(written.length).toBe(bytes);
    // Pages end past 1 MB: the text column of a row group spans two.
    expect(Buffer.byteLength(groups[0]!.map((r) => r.text).join(""))).toBeGreaterThan(1 << 20);
    expect(Buffer.from(written).equals(Buffer.from(libraryFile(groups)))).toBe(true);
    const read = await parquetReadObjects({ file: written.buffer });
    expect(read.length).toBe(1900);
    // Unpaired surrogates are written as U+FFFD, as TextEncoder writes them.
    const expected = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll("\\ud800", "\ufffd")) as unknown;
    expect(read[1234]).toEqual(expected(all[1234]));
    expect(read[0]).toEqual(expected(all[0]));
    // Writes the file twice and reads it back (about 3 s alone): past the default 5 s when the unit project runs on a loaded 2-core machine.
  }, 60_000);
});
