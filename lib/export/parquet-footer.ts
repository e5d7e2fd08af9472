/**
 * A walker over a Parquet footer (Thrift Compact Protocol), for the two things MedPref changes in
 * the footers hyparquet-writer serializes:
 * - hyparquet-writer (0.17, the newest) writes an empty Thrift list with element type 0, which is
 *   no Compact Protocol type: arrow-rs (pyarrow ≥ 22's Rust readers, parquet-wasm, Polars) refuse
 *   the whole file (apache/arrow-rs#8826, pola-rs/polars#27754). `repairEmptyLists` gives each
 *   empty list its element type from the Parquet Thrift definitions; the header byte keeps its
 *   size, so nothing moves.
 * - the row-group list is written by lib/export/parquet-writer.ts from row groups serialized as
 *   they were written; `rowGroupListSpan` finds where it goes.
 */

// Compact Protocol types.
const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

/** parquet.thrift: which struct a struct field holds, and the element type of each list field. */
const STRUCT_FIELDS: Record<string, Record<number, string>> = {
  FileMetaData: { 2: "SchemaElement", 4: "RowGroup", 5: "KeyValue", 7: "ColumnOrder" },
  RowGroup: { 1: "ColumnChunk", 4: "SortingColumn" },
  ColumnChunk: { 3: "ColumnMetaData" },
  ColumnMetaData: { 8: "KeyValue", 13: "PageEncodingStats", 16: "SizeStatistics" },
};
const LIST_ELEMENTS: Record<string, Record<number, number>> = {
  FileMetaData: { 2: STRUCT, 4: STRUCT, 5: STRUCT, 7: STRUCT },
  RowGroup: { 1: STRUCT, 4: STRUCT },
  ColumnMetaData: { 2: I32, 3: BINARY, 8: STRUCT, 13: STRUCT },
  SizeStatistics: { 2: I64, 3: I64 },
};

class Reader {
  offset = 0;
  /** Offsets of empty lists' header bytes written with element type 0, and the type they need. */
  readonly repairs: { offset: number; type: number }[] = [];
  /** Where FileMetaData's row-group list (field 4) starts (its header) and ends. */
  rowGroups: { start: number; end: number } | null = null;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.offset >= this.bytes.length) throw new Error("Parquet footer ends early");
    return this.bytes[this.offset++]!;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }

  struct(name: string): void {
    let fid = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return;
      const delta = header >> 4;
      const type = header & 0x0f;
      if (delta === 0) {
        const z = this.varint();
        fid = (z >>> 1) ^ -(z & 1);
      } else fid += delta;
      const start = this.offset;
      this.value(type, STRUCT_FIELDS[name]?.[fid] ?? "", LIST_ELEMENTS[name]?.[fid] ?? STRUCT);
      if (name === "FileMetaData" && fid === 4) this.rowGroups = { start, end: this.offset };
    }
  }

  value(type: number, structName: string, listElement: number): void {
    switch (type) {
      case BOOL_TRUE:
      case BOOL_FALSE:
        return;
      case BYTE:
        this.offset += 1;
        return;
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        this.offset += 8;
        return;
      case BINARY: {
        const length = this.varint();
        this.offset += length;
        return;
      }
      case LIST:
      case SET: {
        const at = this.offset;
        const header = this.byte();
        let size = header >> 4;
        const element = header & 0x0f;
        if (size === 15) size = this.varint();
        if (size === 0 && element === 0) this.repairs.push({ offset: at, type: listElement });
        for (let i = 0; i < size; i++) {
          if (element === BOOL_TRUE || element === BOOL_FALSE) this.offset += 1;
          else this.value(element, structName, STRUCT);
        }
        return;
      }
      case MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.value(kinds >> 4, "", STRUCT);
          this.value(kinds & 0x0f, "", STRUCT);
        }
        return;
      }
      case STRUCT:
        this.struct(structName);
        return;
      default:
        throw new Error(`unknown Thrift Compact type ${type} in the Parquet footer at byte ${this.offset}`);
    }
  }
}

function walk(footer: Uint8Array): Reader {
  const reader = new Reader(footer);
  reader.struct("FileMetaData");
  return reader;
}

/** Offsets (within the footer) of the empty lists with element type 0, and the type each needs. */
export function emptyListsWithoutType(footer: Uint8Array): { offset: number; type: number }[] {
  return walk(footer).repairs;
}

/** Gives every empty list of a footer its element type, in place; returns how many were repaired. */
export function repairEmptyLists(footer: Uint8Array): number {
  const repairs = emptyListsWithoutType(footer);
  for (const r of repairs) footer[r.offset] = r.type;
  return repairs.length;
}

/** The bytes of FileMetaData's row-group list within a footer: its header and its elements. */
export function rowGroupListSpan(footer: Uint8Array): { start: number; end: number } {
  const span = walk(footer).rowGroups;
  if (!span) throw new Error("Parquet footer without a row-group list");
  return span;
}
