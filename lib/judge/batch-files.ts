/**
 * How the lines of a Batch API submission are split into input files. A provider caps each file
 * by request count and by size (OpenAI: 50,000 requests and 200 MB), whichever comes first; the
 * size is the file's exact bytes: each line's UTF-8 bytes plus its newline.
 */
export interface BatchFileLimits {
  maxRequests: number;
  maxBytes: number;
}

export const OPENAI_BATCH_FILE_LIMITS: BatchFileLimits = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 };

/** A request line that alone exceeds the byte limit: no file can carry it. */
export class BatchLineTooLargeError extends Error {
  constructor(
    readonly customId: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`The batch request ${customId} is ${bytes} bytes as a JSONL line, more than the ${maxBytes} bytes an input file may hold.`);
  }
}

/** The exact bytes a line takes in the file (UTF-8 and its newline). */
export function lineBytes(line: string): number {
  return Buffer.byteLength(line, "utf8") + 1;
}

/**
 * Packs lines into files as they come: `add` says whether the line starts a new file (the
 * current one would exceed a limit with it). Files are filled in order; none is ever empty.
 */
export class BatchFilePacker {
  requests = 0;
  bytes = 0;
  constructor(private readonly limits: BatchFileLimits) {}

  /** Counts a line of `bytes` (see lineBytes); true when it opens a new file. */
  add(customId: string, bytes: number): boolean {
    if (bytes > this.limits.maxBytes) throw new BatchLineTooLargeError(customId, bytes, this.limits.maxBytes);
    const fresh = this.requests > 0 && (this.requests + 1 > this.limits.maxRequests || this.bytes + bytes > this.limits.maxBytes);
    if (fresh) {
      this.requests = 0;
      this.bytes = 0;
    }
    this.requests++;
    this.bytes += bytes;
    return fresh;
  }
}

/** The files `lines` (custom id and byte size each) go into: [start, end) line ranges and their exact bytes. */
export function planBatchFiles(
  lines: readonly { customId: string; bytes: number }[],
  limits: BatchFileLimits,
): { start: number; end: number; requests: number; bytes: number }[] {
  const packer = new BatchFilePacker(limits);
  const files: { start: number; end: number; requests: number; bytes: number }[] = [];
  lines.forEach((line, i) => {
    if (packer.add(line.customId, line.bytes) || files.length === 0) files.push({ start: i, end: i, requests: 0, bytes: 0 });
    const file = files.at(-1)!;
    file.end = i + 1;
    file.requests++;
    file.bytes += line.bytes;
  });
  return files;
}
