import type pg from "pg";

/**
 * MedPref's one way to write SQL (docs/decisions/0001-data-access.md): a tagged template that
 * numbers its own parameters and composes fragments, and typed reads that map snake_case columns
 * to camelCase fields in one place.
 *
 *   const where = sql`p.project_id = ${projectId}`;
 *   const rows = await queryRows<{ id: string; createdAt: Date }>(client, sql`SELECT id, created_at FROM prompts p WHERE ${where}`);
 *
 * Every interpolated value becomes a parameter ($1, $2, … in order of appearance); an interpolated
 * `Sql` fragment is spliced in with its own values renumbered. Nothing else reaches the text: the
 * only ways to put names into SQL are `sql.identifier` (checked against an allow-list) and
 * `sql.unsafe` for constant text written in the source.
 */
export class Sql {
  /** Text pieces; `values[i]` sits between `strings[i]` and `strings[i + 1]`. Already flattened: no value is a Sql. */
  readonly strings: readonly string[];
  readonly values: readonly unknown[];

  constructor(strings: readonly string[], values: readonly unknown[]) {
    const flatStrings: string[] = [strings[0] ?? ""];
    const flatValues: unknown[] = [];
    values.forEach((value, i) => {
      const next = strings[i + 1] ?? "";
      if (value instanceof Sql) {
        flatStrings[flatStrings.length - 1] += value.strings[0]!;
        for (let j = 0; j < value.values.length; j++) {
          flatValues.push(value.values[j]);
          flatStrings.push(value.strings[j + 1]!);
        }
        flatStrings[flatStrings.length - 1] += next;
      } else {
        flatValues.push(value);
        flatStrings.push(next);
      }
    });
    this.strings = flatStrings;
    this.values = flatValues;
  }

  /** The statement text with $1…$n placeholders, in the order of `values`. */
  get text(): string {
    let text = this.strings[0]!;
    for (let i = 1; i < this.strings.length; i++) text += `$${i}${this.strings[i]!}`;
    return text;
  }

  /** A pg query config; `name` makes it a prepared statement (for hot statements run many times per connection). */
  toQuery(name?: string): pg.QueryConfig {
    return name ? { name, text: this.text, values: [...this.values] } : { text: this.text, values: [...this.values] };
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql(strings, values);
}

/** An empty fragment (for optional clauses). */
sql.empty = new Sql([""], []);

/** Fragments or values joined by a separator: `sql.join(ids)` gives `$1, $2, $3`. */
sql.join = (items: readonly unknown[], separator: Sql = sql`, `): Sql => {
  const values: unknown[] = [];
  items.forEach((item, i) => {
    if (i > 0) values.push(separator);
    values.push(item);
  });
  return new Sql(Array<string>(values.length + 1).fill(""), values);
};

/** A double-quoted identifier, refused unless it is in `allowed` (the fixed set the caller supports). */
sql.identifier = (name: string, allowed: readonly string[]): Sql => {
  if (!allowed.includes(name)) throw new Error(`sql.identifier: "${name}" is not an allowed identifier.`);
  return new Sql([`"${name.replaceAll('"', '""')}"`], []);
};

/**
 * Constant SQL text, spliced as is. Only for text written in the source (a keyword chosen by a
 * switch, a constant list); never for anything that came from input.
 */
sql.unsafe = (text: string): Sql => new Sql([text], []);

/** What a query runs on: the pool, a pooled client or a transaction's client. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

export interface QueryOptions {
  /** Prepared-statement name (see Sql.toQuery). */
  name?: string;
}

/** snake_case column name → camelCase field name, cached: the mapping lives here and nowhere else. */
const camelNames = new Map<string, string>();
export function camelCase(column: string): string {
  let name = camelNames.get(column);
  if (name === undefined) {
    name = column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelNames.set(column, name);
  }
  return name;
}

/** A row's columns renamed to camelCase fields, or null when every column already is one (rows pass as they are). */
export function camelCaseRows(columns: readonly { name: string }[]): ((row: Record<string, unknown>) => Record<string, unknown>) | null {
  const fields = columns.map((f) => [f.name, camelCase(f.name)] as const);
  if (fields.every(([column, field]) => column === field)) return null;
  return (row) => {
    const mapped: Record<string, unknown> = {};
    for (const [column, field] of fields) mapped[field] = row[column];
    return mapped;
  };
}

function mapRows<Row>(result: pg.QueryResult): Row[] {
  const rename = camelCaseRows(result.fields);
  return (rename ? result.rows.map(rename) : result.rows) as Row[];
}

/**
 * Runs `statement` and returns its rows typed as `Row`, columns renamed to camelCase
 * (`created_at` → `createdAt`), with the number of rows the statement touched.
 * `Row` is the caller's promise about the SELECT list: keep the two side by side.
 */
export async function query<Row>(
  client: Queryable,
  statement: Sql,
  options: QueryOptions = {},
): Promise<{ rows: Row[]; rowCount: number }> {
  const result = await client.query(statement.toQuery(options.name));
  return { rows: mapRows<Row>(result), rowCount: result.rowCount ?? 0 };
}

/** The rows of `statement`, typed and camelCased. */
export async function queryRows<Row>(client: Queryable, statement: Sql, options?: QueryOptions): Promise<Row[]> {
  return (await query<Row>(client, statement, options)).rows;
}

/** The first row of `statement`, or undefined when it returned none. */
export async function queryOne<Row>(client: Queryable, statement: Sql, options?: QueryOptions): Promise<Row | undefined> {
  return (await query<Row>(client, statement, options)).rows[0];
}

/** Runs a statement for its effect; returns how many rows it touched. */
export async function execute(client: Queryable, statement: Sql, options: QueryOptions = {}): Promise<number> {
  return (await client.query(statement.toQuery(options.name))).rowCount ?? 0;
}
