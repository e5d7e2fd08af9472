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
export const messagesType = listOf(structOf([{ name: "role", type: stringType }, { name: "content", type: stringType }]));

function formatDouble(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot export the non-finite number ${value}`);
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function serializeValue(type: ColumnType, value: unknown, nullable: boolean, path: string): string {
  if (value === null || value === undefined) {
    if (!nullable) throw new Error(`export column ${path} is missing a value`);
    return "null";
  }
  switch (type.kind) {
    case "string":
      return JSON.stringify(value);
    case "double":
      return formatDouble(value as number);
    case "int":
      return String(value as number);
    case "bool":
      return value ? "true" : "false";
    case "list":
      return `[${(value as unknown[]).map((v) => serializeValue(type.of, v, type.nullableElements ?? false, path)).join(",")}]`;
    case "struct":
      return serializeStruct(type.fields, value as Record<string, unknown>, path);
  }
}

function serializeStruct(columns: readonly Column[], row: Record<string, unknown>, path = ""): string {
  const parts = columns.map((c) => `${JSON.stringify(c.name)}:${serializeValue(c.type, row[c.name], c.nullable ?? false, path ? `${path}.${c.name}` : c.name)}`);
  return `{${parts.join(",")}}`;
}

/** One JSON object with the columns in order; throws on a value that breaks the column's type. */
export function serializeJsonRow(columns: readonly Column[], row: Record<string, unknown>): string {
  return serializeStruct(columns, row);
}
