import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { writeColumn } from "hyparquet-writer/src/column.js";
import { encodeNestedValues } from "hyparquet-writer/src/dremel.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { schemaPathResolver } from "hyparquet-writer/src/schema.js";
import { serializeTCompactProtocol } from "hyparquet-writer/src/thrift.js";
import { CompressionCodecs, Encodings, ParquetTypes } from "hyparquet/src/constants.js";
import type { ColumnEncoder } from "hyparquet-writer/src/types.js";
import type { ColumnChunk, FileMetaData, RowGroup, SchemaElement, SchemaTree } from "hyparquet";
import { repairEmptyLists, rowGroupListSpan } from "@/lib/export/parquet-footer";
import { writeStringColumn } from "@/lib/export/parquet-string-column";
import { snappyCompress } from "@/lib/export/snappy";

const THRIFT_STRUCT = 12;
/** The writer's buffer goes to the file once it holds this much. */
const FILE_CHUNK_BYTES = 1 << 20;

/**
 * The file a Parquet writer writes to, hashed as it goes: hyparquet-writer's own file writer
 * reopens the file for every megabyte it appends, and the package then read every file back
 * to hash it (a second pass over each file).
 */
class HashingFileWriter extends ByteWriter {
  private readonly fd: number;
  private readonly hash = createHash("sha256");

  constructor(path: string) {
    super(2 * FILE_CHUNK_BYTES);
    this.fd = openSync(path, "w");
  }

  override ensure(size: number): void {
    if (this.index > FILE_CHUNK_BYTES) this.writeOut();
    super.ensure(size);
  }

  private writeOut() {
    const chunk = new Uint8Array(this.buffer, 0, this.index);
    this.hash.update(chunk);
    for (let at = 0; at < chunk.length;) at += writeSync(this.fd, chunk, at);
    this.index = 0;
  }

  override finish(): void {
    this.writeOut();
    closeSync(this.fd);
  }

  /** After finish: the file's SHA-256. */
  sha256(): string {
    return this.hash.digest("hex");
  }
}

const PARQUET_MAGIC = 0x31524150; // "PAR1"
const CREATED_BY = "medpref";
/** hyparquet-writer's default page size (uncompressed bytes). */
const PAGE_SIZE = 1 << 20;
/** Pages shorter than this are compressed again rather than looked up (a copy and a compare each). */
const REUSED_PAGE_BYTES = 4096;
/** The most recent pages kept for reuse (their bytes): a row group's string pages, about its text. */
const REUSED_PAGES_BYTES = 8 * 1024 * 1024;

/**
 * Snappy for Parquet pages, a page seen among the most recent ones compressed once: columns of a row
 * can hold the same values (h4's `messages` is its `chosen` conversation in prefs and sft rows), and
 * files of a package the same rows (h4's sft file takes each prompt's first prefs row, so with one
 * pair per prompt its row groups are the prefs file's), and then their pages are the same bytes.
 */
export class PageCompressor {
  private readonly pages = new Map<number, { page: Buffer; compressed: Uint8Array }[]>();
  /** Kept pages, oldest first, and their bytes. */
  private readonly order: { length: number; page: Buffer }[] = [];
  private keptBytes = 0;

  readonly compress = (input: Uint8Array): Uint8Array => {
    if (input.length < REUSED_PAGE_BYTES) return snappyCompress(input);
    const sameLength = this.pages.get(input.length);
    const page = Buffer.from(input.buffer, input.byteOffset, input.length);
    for (const seen of sameLength ?? []) if (seen.page.equals(page)) return seen.compressed;
    // A copy of its length: the compressor's array has room for the worst case, a fifth more than the page.
    const compressed = snappyCompress(input).slice();
    this.keep(Buffer.from(page), compressed);
    return compressed;
  };

  private keep(page: Buffer, compressed: Uint8Array) {
    const sameLength = this.pages.get(page.length);
    if (sameLength) sameLength.push({ page, compressed });
    else this.pages.set(page.length, [{ page, compressed }]);
    this.order.push({ length: page.length, page });
    this.keptBytes += page.length;
    while (this.keptBytes > REUSED_PAGES_BYTES) {
      const oldest = this.order.shift()!;
      const kept = this.pages.get(oldest.length)!;
      kept.splice(
        kept.findIndex((k) => k.page === oldest.page),
        1,
      );
      if (kept.length === 0) this.pages.delete(oldest.length);
      this.keptBytes -= oldest.length;
    }
  }
}

/** A column's values, one per row of the row group. */
export interface ColumnValues {
  name: string;
  data: unknown[];
}

/** The leaf columns under a schema node (a struct or list column has several), each as its path from the root. */
function leafPaths(path: SchemaTree[]): SchemaTree[][] {
  const node = path[path.length - 1]!;
  if (!node.children.length) return [path];
  return node.children.flatMap((child) => leafPaths([...path, child]));
}

const isString = (element: SchemaElement) => element.type === "BYTE_ARRAY" && element.converted_type === "UTF8";

/**
 * A row group's Thrift struct, the bytes writeMetadata (hyparquet-writer/src/metadata.js) writes for
 * it in the footer's list, from the same field mapping, for the column chunks written here (no
 * statistics, indexes, bloom filters or key-value metadata): serializing a whole footer around each
 * row group to cut it out again (its schema every time) took 1.2 s of a kto Parquet export's 47 s CPU at
 * 100,000 prompts, profiled.
 */
function serializeRowGroup(out: ByteWriter, rowGroup: RowGroup): void {
  for (const { meta_data, ...chunk } of rowGroup.columns) {
    const unsupported = [
      chunk.file_path,
      chunk.offset_index_offset,
      chunk.column_index_offset,
      chunk.encrypted_column_metadata,
      meta_data?.statistics,
      meta_data?.encoding_stats,
      meta_data?.key_value_metadata,
      meta_data?.size_statistics,
      meta_data?.geospatial_statistics,
      meta_data?.bloom_filter_offset,
      meta_data?.index_page_offset,
    ];
    if (unsupported.some((field) => field !== undefined))
      throw new Error("serializeRowGroup: a column chunk with fields MedPref does not write");
  }
  if (rowGroup.sorting_columns !== undefined || rowGroup.file_offset !== undefined)
    throw new Error("serializeRowGroup: a row group with fields MedPref does not write");
  serializeTCompactProtocol(out, {
    field_1: rowGroup.columns.map((c) => ({
      field_2: c.file_offset,
      field_3: c.meta_data && {
        field_1: ParquetTypes.indexOf(c.meta_data.type),
        field_2: c.meta_data.encodings.map((e) => Encodings.indexOf(e)),
        field_3: c.meta_data.path_in_schema,
        field_4: CompressionCodecs.indexOf(c.meta_data.codec),
        field_5: c.meta_data.num_values,
        field_6: c.meta_data.total_uncompressed_size,
        field_7: c.meta_data.total_compressed_size,
        field_9: c.meta_data.data_page_offset,
        field_11: c.meta_data.dictionary_page_offset,
      },
    })),
    field_2: rowGroup.total_byte_size,
    field_3: rowGroup.num_rows,
    field_6: rowGroup.total_compressed_size,
  });
}

/**
 * A Parquet file written one row group at a time whose memory does not grow with the file, with
 * the bytes hyparquet-writer's ParquetWriter writes (SNAPPY, no statistics, no page indexes):
 * - ParquetWriter keeps every row group's metadata as objects until the footer (about 700 bytes
 *   per column chunk: an h4 all-pairs export of 30k prompts held tens of MB of it); this keeps each
 *   row group serialized (its Thrift bytes, about a tenth of that) and writes the footer from them.
 * - its row-group loop is this class's, so string columns go through writeStringColumn
 *   (lib/export/parquet-string-column.ts) and the others through hyparquet-writer's writeColumn.
 * The footer's empty lists get their element type (lib/export/parquet-footer.ts).
 */
export class ParquetFileWriter {
  private readonly file: HashingFileWriter;
  private readonly resolveSchemaPath: (path: string[]) => SchemaTree[];
  /** The row groups written so far, each serialized as a Thrift RowGroup struct, back to back. */
  private readonly rowGroups = new ByteWriter();
  private rowGroupCount = 0;
  private numRows = 0n;
  private readonly compressors: { SNAPPY: (input: Uint8Array) => Uint8Array };

  constructor(
    path: string,
    private readonly schema: SchemaElement[],
    /** Shared by the files of a package, whose pages can repeat one another's. */
    compressor = new PageCompressor(),
  ) {
    this.compressors = { SNAPPY: compressor.compress };
    this.file = new HashingFileWriter(path);
    this.resolveSchemaPath = schemaPathResolver(schema);
    this.file.appendUint32(PARQUET_MAGIC);
  }

  /** Writes one row group of `rows` rows (no offset index: readers do not need one, and it would be held to the end). */
  writeRowGroup(columnData: ColumnValues[], rows: number): void {
    const groupStart = this.file.offset;
    const columns: ColumnChunk[] = [];
    for (const { name, data } of columnData) {
      if (data.length !== rows) throw new Error(`Parquet column ${name} has ${data.length} values for ${rows} rows`);
      for (const leafPath of leafPaths(this.resolveSchemaPath([name]))) {
        const schemaPath = leafPath.map((node) => node.element);
        const element = schemaPath[schemaPath.length - 1]!;
        const column: ColumnEncoder = {
          columnName: schemaPath
            .slice(1)
            .map((s) => s.name)
            .join("."),
          element,
          schemaPath,
          codec: "SNAPPY",
          compressors: this.compressors,
          stats: false,
          pageSize: PAGE_SIZE,
          columnIndex: false,
          offsetIndex: false,
        };
        const pageData = encodeNestedValues(leafPath, data);
        columns.push(
          isString(element) ? writeStringColumn(this.file, column, pageData) : writeColumn({ writer: this.file, column, pageData }).chunk,
        );
      }
    }
    let totalByteSize = 0n;
    for (const { meta_data } of columns) totalByteSize += meta_data?.total_uncompressed_size ?? 0n;
    this.numRows += BigInt(rows);
    this.appendRowGroup({
      columns,
      total_byte_size: totalByteSize,
      num_rows: BigInt(rows),
      total_compressed_size: BigInt(this.file.offset - groupStart),
    });
  }

  /** Writes the footer and closes the file: its size and SHA-256. */
  finish(): { bytes: number; sha256: string } {
    const footer = this.footer();
    repairEmptyLists(footer);
    const out = this.file;
    out.appendBytes(footer);
    out.appendUint32(footer.length);
    out.appendUint32(PARQUET_MAGIC);
    out.finish();
    return { bytes: out.offset, sha256: out.sha256() };
  }

  private metadata(rowGroups: RowGroup[]): Uint8Array {
    const bytes = new ByteWriter();
    const metadata: FileMetaData = {
      version: 2,
      created_by: CREATED_BY,
      schema: this.schema,
      num_rows: this.numRows,
      row_groups: rowGroups,
      metadata_length: 0,
    };
    writeMetadata(bytes, metadata);
    // writeMetadata appends the footer's length after it.
    return bytes.getBytes().subarray(0, bytes.index - 4);
  }

  private appendRowGroup(rowGroup: RowGroup) {
    serializeRowGroup(this.rowGroups, rowGroup);
    this.rowGroupCount += 1;
  }

  /** The footer with an empty row-group list, whose header is replaced by the serialized row groups. */
  private footer(): Uint8Array {
    const empty = this.metadata([]);
    const { start, end } = rowGroupListSpan(empty);
    const header = new ByteWriter();
    if (this.rowGroupCount <= 14) header.appendUint8((this.rowGroupCount << 4) | THRIFT_STRUCT);
    else {
      header.appendUint8(0xf0 | THRIFT_STRUCT);
      header.appendVarInt(this.rowGroupCount);
    }
    const parts = [empty.subarray(0, start), header.getBytes(), this.rowGroups.getBytes(), empty.subarray(end)];
    const footer = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      footer.set(p, at);
      at += p.length;
    }
    return footer;
  }
}
