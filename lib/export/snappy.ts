/**
 * Snappy compression for Parquet pages: hyparquet-writer's compressor (snappyjs's algorithm: one
 * hash table of up to 2^14 entries over the whole input, offsets below 64 KB) emitting the same
 * bytes, but into one array sized for the worst case instead of a growing writer called per byte
 * (its bounds checks and DataView writes were a fifth of a rankings Parquet export's CPU).
 */
const MAX_HASH_TABLE_BITS = 14;
const MAX_OFFSET = 0xffff;
const INPUT_MARGIN = 15;
const hashTables: (Uint32Array | undefined)[] = [];

const hashOf = (key: number, shift: number) => Math.imul(key, 0x1e35a7bd) >>> shift;
const load32 = (a: Uint8Array, i: number) => a[i]! + (a[i + 1]! << 8) + (a[i + 2]! << 16) + (a[i + 3]! << 24);
const equals32 = (a: Uint8Array, i: number, j: number) =>
  a[i] === a[j] && a[i + 1] === a[j + 1] && a[i + 2] === a[j + 2] && a[i + 3] === a[j + 3];

/** Snappy's bound on the compressed size of `n` bytes. */
const maxCompressedLength = (n: number) => 32 + n + Math.floor(n / 6);

export function snappyCompress(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(maxCompressedLength(input.length));
  let op = 0;
  // The uncompressed length as a varint.
  for (let n = input.length; ; n >>>= 7) {
    if (n < 0x80) {
      out[op++] = n;
      break;
    }
    out[op++] = (n & 0x7f) | 0x80;
  }

  const emitLiteral = (from: number, length: number) => {
    if (length <= 60) out[op++] = (length - 1) << 2;
    else {
      const value = length - 1;
      const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
      out[op++] = (59 + bytes) << 2;
      for (let i = 0; i < bytes; i++) out[op++] = value >>> (i * 8);
    }
    out.set(input.subarray(from, from + length), op);
    op += length;
  };
  const emitCopyLessThan64 = (offset: number, length: number) => {
    if (length < 12 && offset < 2048) {
      out[op++] = 1 + ((length - 4) << 2) + ((offset >>> 8) << 5);
      out[op++] = offset & 0xff;
    } else {
      out[op++] = 2 + ((length - 1) << 2);
      out[op++] = offset & 0xff;
      out[op++] = offset >>> 8;
    }
  };
  const emitCopy = (offset: number, length: number) => {
    while (length >= 68) {
      emitCopyLessThan64(offset, 64);
      length -= 64;
    }
    if (length > 64) {
      emitCopyLessThan64(offset, 60);
      length -= 60;
    }
    emitCopyLessThan64(offset, length);
  };

  const inputSize = input.length;
  let bits = 1;
  while (1 << bits <= inputSize && bits <= MAX_HASH_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = (hashTables[bits] ??= new Uint32Array(1 << bits));
  table.fill(0);

  let nextEmit = 0;
  if (inputSize >= INPUT_MARGIN) {
    const ipLimit = inputSize - INPUT_MARGIN;
    let ip = 1;
    let nextHash = hashOf(load32(input, ip), shift);
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
        nextHash = hashOf(load32(input, nextIp), shift);
        candidate = table[hash]!;
        table[hash] = ip;
      } while (ip - candidate > MAX_OFFSET || !equals32(input, ip, candidate));

      emitLiteral(nextEmit, ip - nextEmit);
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < inputSize && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        emitCopy(base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[hashOf(load32(input, ip - 1), shift)] = ip - 1;
        const current = hashOf(load32(input, ip), shift);
        candidate = table[current]!;
        table[current] = ip;
      } while (ip - candidate <= MAX_OFFSET && equals32(input, ip, candidate));
      ip++;
      nextHash = hashOf(load32(input, ip), shift);
    }
  }
  if (nextEmit < inputSize) emitLiteral(nextEmit, inputSize - nextEmit);
  return out.subarray(0, op);
}
