/**
 * Natural order of ids: runs of digits compare as numbers, so "q2" comes before "q10" and
 * "medqa,9" before "medqa,10"; letters compare case-insensitively. `naturalSortKey` gives a string
 * whose plain (byte-wise) order is that order; naturalSortSql is the same key in PostgreSQL, so
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

/**
 * `naturalSortKey` of a text column in PostgreSQL: the immutable function of migration
 * 20261130100355_prompt_natural_order, which `prompts_natural_order_idx` holds for external ids
 * (ORDER BY this exact expression to read that index).
 */
export function naturalSortSql(column: string): string {
  return `(medpref_natural_sort_key(coalesce(${column}, '')) COLLATE "C")`;
}
