import { createHash } from "node:crypto";

/**
 * The queue job id of one judge call: the same (run, prompt, permutation, generation) always
 * gives the same id, so enqueuing twice adds nothing. `generation` grows with each resume, so
 * a resumed run can enqueue again what is still missing.
 */
export function judgeJobId(runId: string, promptId: string, permutation: number, generation: number): string {
  const h = createHash("sha256").update(`${runId}:${promptId}:${permutation}:${generation}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
