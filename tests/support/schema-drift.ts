import { createRequire } from "node:module";
import type pg from "pg";

/**
 * Compares what prisma/schema.prisma describes with what the migrations built, without
 * Prisma's native engine: the schema's DMMF comes from Prisma's WebAssembly schema module,
 * the database's shape from the catalogs. Partial and expression indexes, checks, functions and triggers are left out on
 * purpose: Prisma cannot express them, so only the SQL holds them.
 */
export interface SchemaShape {
  tables: string[];
  columns: string[];
  enums: string[];
  indexes: string[];
  foreignKeys: string[];
}

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object";
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  documentation?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: { model: string; type: "id" | "unique" | "normal" | "fulltext"; fields: { name: string }[] }[];
  };
}

export function dmmfOf(schema: string): Dmmf {
  const wasm = createRequire(import.meta.url)("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as Dmmf;
}

const SCALAR_TYPES: Record<string, string> = {
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Boolean: "boolean",
  Json: "jsonb",
  String: "text",
  Decimal: "numeric",
  Bytes: "bytea",
};

function columnType(field: DmmfField, enums: Map<string, string>): string {
  const native = field.nativeType?.[0];
  let base: string;
  if (field.kind === "enum") base = `enum:${enums.get(field.type)}`;
  else if (field.type === "DateTime")
    base = native === "Timestamptz" ? `timestamp with time zone(${field.nativeType?.[1][0] ?? 6})` : "timestamp without time zone(3)";
  else if (field.type === "String" && native === "Uuid") base = "uuid";
  else base = SCALAR_TYPES[field.type] ?? field.type;
  return field.isList ? `${base}[]` : base;
}

/** The doc comment of a relation checked by triggers, not by a foreign key (see its migration). */
export const NO_FOREIGN_KEY = "No foreign key:";

export function expectedShape(dmmf: Dmmf): SchemaShape {
  const enums = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
  const table = (m: DmmfModel) => m.dbName ?? m.name;
  const column = (m: DmmfModel, field: string) => {
    const f = m.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };
  const shape: SchemaShape = { tables: [], columns: [], enums: [], indexes: [], foreignKeys: [] };
  for (const e of dmmf.datamodel.enums) shape.enums.push(`${e.dbName ?? e.name}: ${e.values.map((v) => v.dbName ?? v.name).join(",")}`);
  for (const m of dmmf.datamodel.models) {
    shape.tables.push(table(m));
    for (const f of m.fields) {
      if (f.kind === "object") {
        // A relation the migrations enforce with triggers instead of a foreign key says so in its doc comment.
        if (f.relationFromFields?.length && !f.documentation?.includes(NO_FOREIGN_KEY)) {
          const target = models.get(f.type)!;
          const onDelete = (f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull")).toLowerCase();
          shape.foreignKeys.push(
            `${table(m)}(${f.relationFromFields.map((x) => column(m, x)).join(",")}) -> ${table(target)}(${(f.relationToFields ?? []).map((x) => column(target, x)).join(",")}) on delete ${onDelete}`,
          );
        }
        continue;
      }
      // Prisma leaves list columns nullable in its DDL; their nullability is not compared.
      const nullability = f.isList ? "" : f.isRequired ? " not null" : " null";
      shape.columns.push(`${table(m)}.${f.dbName ?? f.name}: ${columnType(f, enums)}${nullability}${f.hasDefaultValue ? " default" : ""}`);
    }
  }
  for (const i of dmmf.datamodel.indexes) {
    if (i.type === "fulltext") continue;
    const m = models.get(i.model)!;
    const kind = i.type === "id" ? "primary" : i.type;
    shape.indexes.push(`${table(m)} ${kind} (${i.fields.map((f) => column(m, f.name)).join(",")})`);
  }
  return sortShape(shape);
}

const ON_DELETE: Record<string, string> = { a: "noaction", r: "restrict", c: "cascade", n: "setnull", d: "setdefault" };

export async function actualShape(client: pg.Client | pg.PoolClient): Promise<SchemaShape> {
  const shape: SchemaShape = { tables: [], columns: [], enums: [], indexes: [], foreignKeys: [] };
  const tables = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
  );
  shape.tables = tables.rows.map((r) => r.table_name);
  const columns = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
    datetime_precision: number | null;
  }>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, datetime_precision
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  for (const c of columns.rows) {
    let type: string;
    if (c.data_type === "ARRAY") type = `${c.udt_name.replace(/^_/, "") === "text" ? "text" : c.udt_name.replace(/^_/, "")}[]`;
    else if (c.data_type === "USER-DEFINED") type = `enum:${c.udt_name}`;
    else if (c.data_type.startsWith("timestamp")) type = `${c.data_type}(${c.datetime_precision})`;
    else type = c.data_type;
    const nullability = c.data_type === "ARRAY" ? "" : c.is_nullable === "NO" ? " not null" : " null";
    shape.columns.push(`${c.table_name}.${c.column_name}: ${type}${nullability}${c.column_default !== null ? " default" : ""}`);
  }
  const enums = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  shape.enums = enums.rows.map((e) => `${e.name}: ${e.values.join(",")}`);
  const indexes = await client.query<{ table: string; columns: string[]; is_unique: boolean; is_primary: boolean }>(
    `SELECT t.relname AS table, ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            ix.indisunique AS is_unique, ix.indisprimary AS is_primary
       FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations' AND ix.indpred IS NULL AND ix.indexprs IS NULL`,
  );
  shape.indexes = indexes.rows.map(
    (i) => `${i.table} ${i.is_primary ? "primary" : i.is_unique ? "unique" : "normal"} (${i.columns.join(",")})`,
  );
  const fks = await client.query<{ table: string; columns: string[]; ref_table: string; ref_columns: string[]; deltype: string }>(
    `SELECT t.relname AS table, r.relname AS ref_table, c.confdeltype AS deltype,
            ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS ref_columns
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  shape.foreignKeys = fks.rows.map(
    (f) => `${f.table}(${f.columns.join(",")}) -> ${f.ref_table}(${f.ref_columns.join(",")}) on delete ${ON_DELETE[f.deltype]}`,
  );
  return sortShape(shape);
}

function sortShape(s: SchemaShape): SchemaShape {
  return {
    tables: [...s.tables].sort(),
    columns: [...s.columns].sort(),
    enums: [...s.enums].sort(),
    indexes: [...s.indexes].sort(),
    foreignKeys: [...s.foreignKeys].sort(),
  };
}

/** Lines present on one side only, as "+ in schema.prisma" / "- in the database". */
export function shapeDifferences(expected: SchemaShape, actual: SchemaShape): string[] {
  const out: string[] = [];
  for (const key of Object.keys(expected) as (keyof SchemaShape)[]) {
    const a = new Set(actual[key]);
    const e = new Set(expected[key]);
    for (const x of expected[key]) if (!a.has(x)) out.push(`${key}: only in schema.prisma: ${x}`);
    for (const x of actual[key]) if (!e.has(x)) out.push(`${key}: only in the migrations: ${x}`);
  }
  return out;
}
