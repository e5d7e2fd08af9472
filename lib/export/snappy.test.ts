import { snappyUncompress } from "hyparquet";
import { snappyCompress as librarySnappy } from "hyparquet-writer/src/snappy.js";
import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/core/seeded-random";
import { snappyCompress } from "@/lib/export/snappy";

/** Inputs of every shape the compressor branches on: empty, under the 15-byte margin, literals only, long and short copies, long literals. */
function inputs(): Uint8Array[] {
  const random = seededRandom("snappy");
  const noise = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    new Uint8Array(0),
    text("a"),
    text("fourteen bytes"),
    text("Answer text. ".repeat(200)),
    text("The patient presents with chest pain; ".repeat(3) + "é ü 中文 " + "x".repeat(70_000)),
    noise(100),
    noise(70_000),
    Uint8Array.from({ length: 200_000 }, (_, i) => (random() < 0.3 ? Math.floor(random() * 256) : i % 97)),
    new Uint8Array(130_000),
  ];
}

describe("snappyCompress", () => {
  it("writes exactly the bytes of hyparquet-writer's compressor, which decompress to the input", () => {
    for (const input of inputs()) {
      const compressed = snappyCompress(input);
      expect(Buffer.from(compressed).equals(Buffer.from(librarySnappy(input)))).toBe(true);
      const output = new Uint8Array(input.length);
      snappyUncompress(compressed, output);
      expect(Buffer.from(output).equals(Buffer.from(input))).toBe(true);
    }
  });
});
