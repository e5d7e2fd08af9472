import { readFile } from "node:fs/promises";

/** A process's peak resident set size in MB: the kernel's high-water mark (VmHWM), so polling misses nothing but the last moments. */
export async function peakRssMbOf(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a child's peak RSS every 20 ms until stopped; returns the highest seen. */
export function followPeakRss(pid: number): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => void peakRssMbOf(pid).then((mb) => (peak = Math.max(peak, mb ?? 0))), 20);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
