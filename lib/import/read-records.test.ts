import { describe, expect, it } from "vitest";
import { readRecords, type RawRecord } from "@/lib/import/read-records";

async function read(chunks: (string | Buffer)[], maxRecordBytes = 1024): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of readRecords(chunks, { maxRecordBytes })) out.push(r);
  return out;
}

describe("reading records from a stream", () => {
  it("reads JSON Lines with a BOM, CRLF line ends and blank lines, numbering lines as in the file", async () => {
    const records = await read(['\uFEFF{"a":1}\r\n\r\n', '{"a":', '2}\r\n   \n{"a":3}']);
    expect(records).toEqual([
      { location: "line 1", value: { a: 1 } },
      { location: "line 3", value: { a: 2 } },
      { location: "line 5", value: { a: 3 } },
    ]);
  });

  it("reports a malformed line and goes on with the next", async () => {
    const records = await read(['{"a":1}\n{"a":\n{"a":3}\n']);
    expect(records[1]).toMatchObject({ location: "line 2", error: expect.stringMatching(/^malformed JSON/) });
    expect(records[2]).toEqual({ location: "line 3", value: { a: 3 } });
  });

  it("refuses a line over the size limit without buffering it whole", async () => {
    const big = `{"a":"${"x".repeat(5000)}"}`;
    const records = await read([big.slice(0, 2000), big.slice(2000), '\n{"b":1}\n'], 1024);
    expect(records).toEqual([
      { location: "line 1", error: "record is larger than 1 KB" },
      { location: "line 2", value: { b: 1 } },
    ]);
  });

  it("reads the elements of a JSON array split across chunks", async () => {
    const text = JSON.stringify([{ id: 1 }, { id: 2, s: "ü" }, { id: 3 }]);
    const bytes = Buffer.from(text);
    const records = await read([bytes.subarray(0, 7), bytes.subarray(7, 20), bytes.subarray(20)]);
    expect(records).toEqual([
      { location: "index 0", value: { id: 1 } },
      { location: "index 1", value: { id: 2, s: "ü" } },
      { location: "index 2", value: { id: 3 } },
    ]);
  });

  it("reads nothing from an empty or blank file", async () => {
    expect(await read([])).toEqual([]);
    expect(await read(["  \n\n"])).toEqual([]);
  });
});
