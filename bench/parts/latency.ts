/** The q-quantile (0..1) of a sample, nearest-rank: p95 of 40 requests is the 38th fastest. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error("no values");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Milliseconds each call of `run` took, called `times` times one after another (one user clicking through). */
export async function timeEach(times: number, run: (i: number) => Promise<void>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run(i);
    ms.push(performance.now() - t);
  }
  return ms;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
