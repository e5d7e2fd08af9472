/**
 * Snappy compression for Parquet pages: hyparquet-writer's compressor (snappyjs's algorithm: one
 * hash table of up to 2^14 entries over the whole input, offsets below 64 KB) emitting the same
 * bytes, but into one array sized for the worst case instead of a growing writer called per byte
 * (its bounds checks and DataView writes were a fifth of a rankings Parquet export's CPU).
 * Four bytes are read and compared at a time (one unaligned little-endian load; where they differ,
 * the XOR's trailing zeros say how many matched), the output position is a local rather than a
 * closure's variable, and short literals are copied byte by byte rather than through a subarray:
 * about 2× faster on export text (pages of bench:scale's completions, CPU time), same bytes.
 */
const MAX_HASH_TABLE_BITS = 14;
const MAX_OFFSET = 0xffff;
const INPUT_MARGIN = 15;
/** Literals up to this long are copied in a loop: a subarray per literal costs more than the copy. */
const SHORT_LITERAL = 32;
const hashTables: (Uint32Array | undefined)[] = [];

const hashOf = (key: number, shift: number) => Math.imul(key, 0x1e35a7bd) >>> shift;

/** Snappy's bound on the compressed size of `n` bytes. */
const maxCompressedLength = (n: number) => 32 + n + Math.floor(n / 6);

/** Appends a literal of `length` bytes of `input` from `from`; returns the new output position. */
function emitLiteral(out: Uint8Array, op: number, input: Uint8Array, from: number, length: number): number {
  if (length <= 60) out[op++] = (length - 1) << 2;
  else {
    const value = length - 1;
    const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    out[op++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) out[op++] = value >>> (i * 8);
  }
  if (length <= SHORT_LITERAL) for (let i = 0; i < length; i++) out[op++] = input[from + i]!;
  else {
    out.set(input.subarray(from, from + length), op);
    op += length;
  }
  return op;
}

function emitCopyLessThan64(out: Uint8Array, op: number, offset: number, length: number): number {
  if (length < 12 && offset < 2048) {
    out[op++] = 1 + ((length - 4) << 2) + ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
  } else {
    out[op++] = 2 + ((length - 1) << 2);
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
  }
  return op;
}

function emitCopy(out: Uint8Array, op: number, offset: number, length: number): number {
  while (length >= 68) {
    op = emitCopyLessThan64(out, op, offset, 64);
    length -= 64;
  }
  if (length > 64) {
    op = emitCopyLessThan64(out, op, offset, 60);
    length -= 60;
  }
  return emitCopyLessThan64(out, op, offset, length);
}

export function snappyCompress(input: Uint8Array): Uint8Array {
  const inputSize = input.length;
  const out = new Uint8Array(maxCompressedLength(inputSize));
  let op = 0;
  // The uncompressed length as a varint.
  for (let n = inputSize; ; n >>>= 7) {
    if (n < 0x80) {
      out[op++] = n;
      break;
    }
    out[op++] = (n & 0x7f) | 0x80;
  }

  let bits = 1;
  while (1 << bits <= inputSize && bits <= MAX_HASH_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = (hashTables[bits] ??= new Uint32Array(1 << bits));
  table.fill(0);

  let nextEmit = 0;
  if (inputSize >= INPUT_MARGIN) {
    const view = new DataView(input.buffer, input.byteOffset, inputSize);
    const ipLimit = inputSize - INPUT_MARGIN;
    let ip = 1;
    let nextHash = hashOf(view.getUint32(ip, true), shift);
    let candidate = 0;
    outer: for (;;) {
      let skip = 32;
      let nextIp = ip;
      do {
        ip = nextIp;
        const hash = nextHash;
        nextIp = ip + (skip >>> 5);
        skip++;
        if (ip > ipLimit) break outer;
        // Past the limit the next round stops before using its hash (and a load there could overrun).
        if (nextIp <= ipLimit) nextHash = hashOf(view.getUint32(nextIp, true), shift);
        candidate = table[hash]!;
        table[hash] = ip;
      } while (ip - candidate > MAX_OFFSET || view.getUint32(ip, true) !== view.getUint32(candidate, true));

      op = emitLiteral(out, op, input, nextEmit, ip - nextEmit);
      do {
        const base = ip;
        let matched = 4;
        // Four bytes at a time; where they differ, the equal low (little-endian) bytes are the XOR's trailing zero bits over 8.
        for (;;) {
          if (ip + matched + 4 > inputSize) {
            while (ip + matched < inputSize && input[ip + matched] === input[candidate + matched]) matched++;
            break;
          }
          const difference = view.getUint32(ip + matched, true) ^ view.getUint32(candidate + matched, true);
          if (difference !== 0) {
            matched += (31 - Math.clz32(difference & -difference)) >>> 3;
            break;
          }
          matched += 4;
        }
        ip += matched;
        op = emitCopy(out, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[hashOf(view.getUint32(ip - 1, true), shift)] = ip - 1;
        const current = hashOf(view.getUint32(ip, true), shift);
        candidate = table[current]!;
        table[current] = ip;
      } while (ip - candidate <= MAX_OFFSET && view.getUint32(ip, true) === view.getUint32(candidate, true));
      ip++;
      nextHash = hashOf(view.getUint32(ip, true), shift);
    }
  }
  if (nextEmit < inputSize) op = emitLiteral(out, op, input, nextEmit, inputSize - nextEmit);
  return out.subarray(0, op);
}
