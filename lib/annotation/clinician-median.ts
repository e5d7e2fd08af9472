/**
 * The median of values given as a histogram (value → how many times), as PostgreSQL's
 * percentile_cont(0.5) would give it over the values listed one by one: the middle value, or the
 * mean of the two middle values. Null when there are none.
 */
export function medianOfHistogram(histogram: Iterable<readonly [value: number, count: number]>): number | null {
  const bins = [...histogram].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const total = bins.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const lower = Math.floor((total - 1) / 2);
  const upper = Math.ceil((total - 1) / 2);
  return (valueAt(bins, lower) + valueAt(bins, upper)) / 2;
}

function valueAt(bins: (readonly [number, number])[], index: number): number {
  let seen = 0;
  for (const [value, count] of bins) {
    seen += count;
    if (index < seen) return value;
  }
  throw new Error(`index ${index} is past the histogram's ${seen} values`);
}
