import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { ParquetWriter } from "hyparquet-writer";
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import type { ColumnSource } from "hyparquet-writer/src/types.js";
import type { FileMetaData, RowGroup, SchemaElement } from "hyparquet";
import { repairEmptyLists, rowGroupListSpan } from "@/lib/export/parquet-footer";
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

/**
 * A Parquet file written one row group at a time whose memory does not grow with the file.
 * hyparquet-writer keeps every row group's metadata as objects until the footer (about 700 bytes
 * per column chunk: an h4 all-pairs export of 30k prompts held tens of MB of it); this keeps each
 * row group serialized (its Thrift bytes, about a tenth of that) and writes the footer from them.
 * The footer's empty lists get their element type (lib/export/parquet-footer.ts).
 */
export class ParquetFileWriter {
  private readonly writer: ParquetWriter;
  private readonly file: HashingFileWriter;
  /** The row groups written so far, each serialized as a Thrift RowGroup struct, back to back. */
  private readonly rowGroups = new ByteWriter();
  private rowGroupCount = 0;

  constructor(
    path: string,
    private readonly schema: SchemaElement[],
  ) {
    this.file = new HashingFileWriter(path);
    this.writer = new ParquetWriter({
      writer: this.file,
      schema,
      codec: "SNAPPY",
      compressors: { SNAPPY: snappyCompress },
      createdBy: "medpref",
      statistics: false,
    });
  }

  /** Writes one row group (no offset index: readers do not need one, and it would be held to the end). */
  async writeRowGroup(columnData: ColumnSource[], rows: number): Promise<void> {
    await this.writer.write({ columnData: columnData.map((c) => ({ ...c, offsetIndex: false })), rowGroupSize: rows });
    for (const rowGroup of this.writer.row_groups) this.appendRowGroup(rowGroup);
    this.writer.row_groups = [];
    this.writer.pendingIndexes = [];
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
      created_by: this.writer.createdBy,
      schema: this.schema,
      num_rows: this.writer.num_rows,
      row_groups: rowGroups,
      metadata_length: 0,
    };
    writeMetadata(bytes, metadata);
    // writeMetadata appends the footer's length after it.
    return bytes.getBytes().subarray(0, bytes.index - 4);
  }

  private appendRowGroup(rowGroup: RowGroup) {
    const metadata = this.metadata([rowGroup]);
    const { start, end } = rowGroupListSpan(metadata);
    // A one-element list: one header byte, then the struct.
    this.rowGroups.appendBytes(metadata.subarray(start + 1, end));
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
