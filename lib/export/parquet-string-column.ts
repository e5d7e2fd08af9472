import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { writeDataPageV2, writePageHeader } from "hyparquet-writer/src/datapage.js";
// Not a React hook: hyparquet-writer's choice of a dictionary for a column chunk.
import { useDictionary as dictionaryFor, writeDictionaryPage } from "hyparquet-writer/src/dictionary.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { getMaxRepetitionLevel } from "hyparquet-writer/src/schema.js";
import { unconvert } from "hyparquet-writer/src/unconvert.js";
import type { ColumnEncoder, PageData, Writer } from "hyparquet-writer/src/types.js";
import type { ColumnChunk, Encoding } from "hyparquet";

/**
 * The column chunk of a string (BYTE_ARRAY UTF8) column, written as hyparquet-writer's writeColumn
 * writes it without statistics or indexes (the same bytes: same dictionary decision, pages, levels
 * and headers), but PLAIN pages are encoded once per chunk straight into one buffer: the library
 * encoded every string through its own TextEncoder call into a Uint8Array of its own, then copied
 * each into a page writer that grew by doubling (about a tenth of an h4 Parquet export's CPU, profiled).
 */
export function writeStringColumn(writer: Writer, column: ColumnEncoder, pageData: PageData): ColumnChunk {
  const { element, schemaPath, pageSize, codec } = column;
  const { values, repetitionLevels, maxDefinitionLevel } = pageData;
  const offsetStart = writer.offset;
  let uncompressedSize = 0;
  const encodings: Encoding[] = [];
  let dictionaryPageOffset: bigint | undefined;
  const { dictionary, indexes } = sampleRefusesDictionary(values)
    ? {}
    : dictionaryFor(values, "BYTE_ARRAY", undefined, undefined, undefined, maxDefinitionLevel === 0);
  let dataPageOffset: bigint;
  if (dictionary && indexes) {
    dictionaryPageOffset = BigInt(writer.offset);
    uncompressedSize += writeDictionaryPage(writer, column, unconvert(element, dictionary));
    encodings.push("PLAIN", "RLE_DICTIONARY");
    dataPageOffset = BigInt(writer.offset);
    // An index is 4 bytes to the page split, a null (a hole in `indexes`) none.
    const indexBytes = (i: number) => (indexes[i] === undefined ? 0 : 4);
    for (const { start, end } of pageBoundaries(indexes.length, indexBytes, pageSize, repetitionLevels)) {
      uncompressedSize += writeDataPageV2({
        writer,
        column,
        encoding: "RLE_DICTIONARY",
        pageData: slicePage(pageData, indexes, start, end),
      });
    }
  } else {
    encodings.push("PLAIN");
    const plain = encodePlain(values, column.columnName);
    dataPageOffset = BigInt(writer.offset);
    const valueBytes = (i: number) => plain.offsets[i + 1]! - plain.offsets[i]! - (values[i] === null || values[i] === undefined ? 0 : 4);
    for (const { start, end } of pageBoundaries(values.length, valueBytes, pageSize, repetitionLevels)) {
      const page = slicePage(pageData, values, start, end);
      uncompressedSize += writePlainPage(writer, column, page, plain.bytes.subarray(plain.offsets[start], plain.offsets[end]));
    }
  }
  return {
    meta_data: {
      type: "BYTE_ARRAY",
      encodings,
      path_in_schema: schemaPath.slice(1).map((s) => s.name),
      codec: codec ?? "UNCOMPRESSED",
      num_values: BigInt(values.length),
      total_compressed_size: BigInt(writer.offset - offsetStart),
      total_uncompressed_size: BigInt(uncompressedSize),
      data_page_offset: dataPageOffset,
      dictionary_page_offset: dictionaryPageOffset,
    },
    file_offset: BigInt(offsetStart),
  } as ColumnChunk;
}

/** useDictionary's sample: up to this many values spread over the chunk. */
const DICTIONARY_SAMPLE = 1000;
/** Sampled strings up to this long are told apart by a set, longer ones first by their length. */
const SHORT_STRING = 256;
/** useDictionary refuses a dictionary when the sample's distinct values are more than this share of its bytes. */
const DICTIONARY_SAMPLE_REFUSAL = 0.9;

/**
 * useDictionary's first step, the same decision, without hashing every sampled string: its Map keyed
 * by the strings hashed each in full (1.5 KB texts: ~6% of an h4 Parquet export's CPU, profiled), where
 * texts told apart by their length need no comparing. False: useDictionary decides.
 */
function sampleRefusesDictionary(values: PageData["values"]): boolean {
  const count = values.length;
  const sampleSize = Math.min(count, DICTIONARY_SAMPLE);
  const short = new Set<string>();
  const byLength = new Map<number, string[]>();
  let distinctBytes = 0;
  let totalBytes = 0;
  for (let i = 0; i < sampleSize; i++) {
    const value: unknown = values[sampleSize === 1 ? 0 : Math.floor((i * (count - 1)) / (sampleSize - 1))];
    if (value === null || value === undefined) continue; // no bytes either way
    if (typeof value !== "string") return false;
    const bytes = value.length + 4; // as useDictionary counts a string: its length and PLAIN's 4-byte prefix
    totalBytes += bytes;
    if (value.length <= SHORT_STRING) {
      // Short strings hash cheaply, and many have one length (ids, hashes): a set.
      if (short.has(value)) continue;
      short.add(value);
    } else {
      const sameLength = byLength.get(value.length);
      if (!sameLength) byLength.set(value.length, [value]);
      else if (!sameLength.includes(value)) sameLength.push(value);
      else continue;
    }
    distinctBytes += bytes;
  }
  return !totalBytes || distinctBytes / totalBytes > DICTIONARY_SAMPLE_REFUSAL;
}

function slicePage(pageData: PageData, values: PageData["values"], start: number, end: number): PageData {
  return {
    values: values.slice(start, end),
    definitionLevels: pageData.definitionLevels.slice(start, end),
    repetitionLevels: pageData.repetitionLevels.slice(start, end),
    maxDefinitionLevel: pageData.maxDefinitionLevel,
  };
}

/**
 * hyparquet-writer's page split (getPageBoundaries): a page ends once its values reach `pageSize`
 * bytes (PLAIN: each value's UTF-8 bytes), and only where a row starts.
 */
function pageBoundaries(count: number, sizeOf: (i: number) => number, pageSize: number, repetitionLevels: number[]) {
  const boundaries: { start: number; end: number }[] = [];
  let start = 0;
  let accumulated = 0;
  for (let i = 0; i < count; i++) {
    const size = sizeOf(i);
    accumulated += size;
    const rowStart = !repetitionLevels.length || repetitionLevels[i] === 0;
    if (accumulated >= pageSize && i > start && rowStart) {
      boundaries.push({ start, end: i });
      start = i;
      accumulated = size;
    }
  }
  if (start < count) boundaries.push({ start, end: count });
  return boundaries;
}

/** Reused across chunks: a row group's string column is a few MB at most. */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

/**
 * The PLAIN encoding of every present value (4-byte length, UTF-8 bytes), back to back, and where
 * each value's starts: a page's data is then one slice. Nulls take no bytes.
 */
function encodePlain(values: PageData["values"], columnName: string): { bytes: Buffer; offsets: Uint32Array } {
  const count = values.length;
  let bound = 0;
  for (let i = 0; i < count; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    if (typeof value !== "string") throw new Error(`Parquet column ${columnName}: expected a string, got ${typeof value}`);
    bound += 4 + 3 * value.length;
  }
  if (scratch.length < bound) scratch = Buffer.allocUnsafeSlow(Math.max(bound, 2 * scratch.length));
  const bytes = scratch;
  const offsets = new Uint32Array(count + 1);
  let at = 0;
  for (let i = 0; i < count; i++) {
    offsets[i] = at;
    const value = values[i] as string | null | undefined;
    if (value === null || value === undefined) continue;
    const length = bytes.write(value, at + 4, "utf8");
    bytes.writeUInt32LE(length, at);
    at += 4 + length;
  }
  offsets[count] = at;
  return { bytes, offsets };
}

/** One DATA_PAGE_V2 of PLAIN strings (writeDataPageV2's layout: header, levels, compressed values). */
function writePlainPage(writer: Writer, column: ColumnEncoder, page: PageData, plain: Uint8Array): number {
  const levels = new ByteWriter();
  const { definitionLevelsBytes, repetitionLevelsBytes, numNulls, numValues, numRows } = writeLevels(levels, column, page);
  const { codec, compressors } = column;
  const compressed = compressors[codec]?.(plain) ?? plain;
  const headerStart = writer.offset;
  writePageHeader(writer, {
    type: "DATA_PAGE_V2",
    uncompressed_page_size: levels.offset + plain.length,
    compressed_page_size: levels.offset + compressed.length,
    data_page_header_v2: {
      num_values: numValues,
      num_nulls: numNulls,
      num_rows: numRows,
      encoding: "PLAIN",
      definition_levels_byte_length: definitionLevelsBytes,
      repetition_levels_byte_length: repetitionLevelsBytes,
      is_compressed: !!codec,
    },
  });
  const headerSize = writer.offset - headerStart;
  writer.appendBytes(levels.getBytes());
  writer.appendBytes(compressed);
  return headerSize + levels.offset + plain.length;
}

/** hyparquet-writer's writeLevels (not exported): repetition then definition levels, RLE/bit-packed. */
function writeLevels(writer: ByteWriter, column: ColumnEncoder, page: PageData) {
  const { values, definitionLevels, repetitionLevels, maxDefinitionLevel } = page;
  const numValues = definitionLevels.length || values.length;
  let numNulls = 0;
  let numRows = 0;
  if (repetitionLevels.length) {
    for (const level of repetitionLevels) if (level === 0) numRows++;
  } else numRows = values.length;
  for (const level of definitionLevels) if (level < maxDefinitionLevel) numNulls++;
  const maxRepetitionLevel = getMaxRepetitionLevel(column.schemaPath);
  const repetitionLevelsBytes = maxRepetitionLevel
    ? writeRleBitPackedHybrid(writer, repetitionLevels, Math.ceil(Math.log2(maxRepetitionLevel + 1)))
    : 0;
  const definitionLevelsBytes = maxDefinitionLevel
    ? writeRleBitPackedHybrid(writer, definitionLevels, Math.ceil(Math.log2(maxDefinitionLevel + 1)))
    : 0;
  return { definitionLevelsBytes, repetitionLevelsBytes, numNulls, numValues, numRows };
}
