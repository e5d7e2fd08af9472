/**
 * Column types of export rows. One description drives both file types, so a column has one
 * type everywhere: Parquet's schema is built from it, and JSONL writes doubles with a decimal
 * point (2.0, not 2) so JSON readers never infer an integer column that later meets 2.5.
 */
export type ColumnType =
  | { kind: "string" }
  | { kind: "double" }
  | { kind: "int" }
  | { kind: "bool" }
  | { kind: "list"; of: ColumnType; nullableElements?: boolean }
  | { kind: "struct"; fields: Column[] };

export interface Column {
  name: string;
  type: ColumnType;
  nullable?: boolean;
}

export const stringType: ColumnType = { kind: "string" };
export const doubleType: ColumnType = { kind: "double" };
export const intType: ColumnType = { kind: "int" };
export const boolType: ColumnType = { kind: "bool" };
export const listOf = (of: ColumnType, nullableElements = false): ColumnType => ({ kind: "list", of, nullableElements });
export const structOf = (fields: Column[]): ColumnType => ({ kind: "struct", fields });

/** A conversation: [{role, content}] (Hugging Face chat format). */
export const messagesType = listOf(
  structOf([
    { name: "role", type: stringType },
    { name: "content", type: stringType },
  ]),
);

function formatDouble(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot export the non-finite number ${value}`);
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** A value's JSON text, checked against its column's type. */
type ValueSerializer = (value: unknown) => string;

/**
 * The serializer of one column type, built once per layout: the keys' JSON, the paths named in
 * errors and the type dispatch are decided here, not again for every value of every row.
 */
function valueSerializer(type: ColumnType, nullable: boolean, path: string): ValueSerializer {
  const present = presentValueSerializer(type, path);
  return (value) => {
    if (value === null || value === undefined) {
      if (!nullable) throw new Error(`export column ${path} is missing a value`);
      return "null";
    }
    return present(value);
  };
}

function presentValueSerializer(type: ColumnType, path: string): ValueSerializer {
  switch (type.kind) {
    case "string": {
      // A prompt's rows repeat its strings (kto: the prompt in each of up to 8 rows): the last one's JSON is kept.
      let last: unknown;
      let lastJson = "";
      return (value) => {
        if (value !== last) {
          last = value;
          lastJson = escapeLineSeparators(JSON.stringify(value));
        }
        return lastJson;
      };
    }
    case "double":
      return (value) => formatDouble(value as number);
    case "int":
      return (value) => String(value as number);
    case "bool":
      return (value) => (value ? "true" : "false");
    case "list": {
      const element = valueSerializer(type.of, type.nullableElements ?? false, path);
      return (value) => {
        const list = value as unknown[];
        let out = "[";
        for (let i = 0; i < list.length; i++) out += (i === 0 ? "" : ",") + element(list[i]);
        return out + "]";
      };
    }
    case "struct":
      return structSerializer(type.fields, path);
  }
}

function structSerializer(columns: readonly Column[], path: string): ValueSerializer {
  const names = columns.map((c) => c.name);
  // `{"name":` for the first field, `,"name":` for the others.
  const prefixes = columns.map((c, i) => `${i === 0 ? "{" : ","}${escapeLineSeparators(JSON.stringify(c.name))}:`);
  const values = columns.map((c) => valueSerializer(c.type, c.nullable ?? false, path ? `${path}.${c.name}` : c.name));
  const count = columns.length;
  return (value) => {
    const row = value as Record<string, unknown>;
    if (count === 0) return "{}";
    let out = "";
    for (let i = 0; i < count; i++) out += prefixes[i]! + values[i]!(row[names[i]!]);
    return out + "}";
  };
}

const LINE_SEPARATORS = /[\u2028\u2029]/g;

/**
 * U+2028 and U+2029 escaped: valid in JSON, but line breaks to JavaScript and to readers that split
 * lines on Unicode separators, which would cut a JSONL row in two. Only strings can hold them, so
 * each string's JSON is checked (once), not every line.
 */
function escapeLineSeparators(json: string): string {
  return json.includes("\u2028") || json.includes("\u2029")
    ? json.replace(LINE_SEPARATORS, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029"))
    : json;
}

/** A serializer of rows of these columns: one JSON object with the columns in order; throws on a value that breaks the column's type. */
export function jsonRowSerializer(columns: readonly Column[]): (row: Record<string, unknown>) => string {
  return structSerializer(columns, "");
}

/** One row as JSON (jsonRowSerializer for one row). */
export function serializeJsonRow(columns: readonly Column[], row: Record<string, unknown>): string {
  return jsonRowSerializer(columns)(row);
}

/** A Hugging Face `datasets` feature as the dataset card's YAML writes it (dataset_info.features). */
type HfFeature = Record<string, unknown>;

function hfType(type: ColumnType): HfFeature {
  switch (type.kind) {
    case "string":
      return { dtype: "string" };
    case "double":
      return { dtype: "float64" };
    case "int":
      return { dtype: "int32" };
    case "bool":
      return { dtype: "bool" };
    case "struct":
      return { struct: type.fields.map((f) => ({ name: f.name, ...hfType(f.type) })) };
    case "list":
      // A list of structs is `list:` (a Python list of dicts); `sequence:` of a struct would mean a dict of lists.
      if (type.of.kind === "struct") return { list: type.of.fields.map((f) => ({ name: f.name, ...hfType(f.type) })) };
      return { sequence: sequenceOf(type.of) };
  }
}

function sequenceOf(type: ColumnType): unknown {
  const inner = hfType(type);
  return "dtype" in inner ? inner.dtype : inner;
}

/** The columns as `dataset_info.features`, so `datasets` reads every file with one schema. */
export function hfFeatures(columns: readonly Column[]): HfFeature[] {
  return columns.map((c) => ({ name: c.name, ...hfType(c.type) }));
}
