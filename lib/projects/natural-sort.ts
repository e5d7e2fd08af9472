/**
 * Natural order of ids: runs of digits compare as numbers, so "q2" comes before "q10" and
 * "medqa,9" before "medqa,10"; letters compare case-insensitively. `naturalSortKey` gives a string
 * whose plain (byte-wise) order is that order; NATURAL_SORT_SQL is the same key in PostgreSQL, so
 * the prompt list is sorted and paged in the database.
 */
const PAD = 20;

export function naturalSortKey(value: string): string {
  return (value.match(/[0-9]+|[^0-9]+/g) ?? [])
    .map((part) => (/^[0-9]/.test(part) ? part.padStart(Math.max(PAD, part.length), "0") : part.toLowerCase()))
    .join("");
}

export function naturalCompare(a: string, b: string): number {
  const ka = naturalSortKey(a);
  const kb = naturalSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** `naturalSortKey` of a text column, as an SQL expression (compare it with COLLATE "C"). */
export function naturalSortSql(column: string): string {
  return `(array_to_string(ARRAY(SELECT CASE WHEN x.part ~ '^[0-9]' THEN lpad(x.part, greatest(${PAD}, length(x.part)), '0') ELSE lower(x.part) END
            FROM regexp_matches(coalesce(${column}, ''), '[0-9]+|[^0-9]+', 'g') WITH ORDINALITY AS t(parts, i), LATERAL (SELECT t.parts[1] AS part) x
            ORDER BY t.i), '') COLLATE "C")`;
}
