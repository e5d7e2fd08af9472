import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors/app-error";
import { markdownText } from "@/lib/export/dataset-card";
import { readRecords, type RawRecord } from "@/lib/import/read-records";
import { DEFAULT_IMPORT_LIMITS, type NormalizedPrompt } from "@/lib/import/types";
import { validateNormalizedPrompt } from "@/lib/import/validate-prompt";
import { findUnsafeText, safeName, safeText, unsafeTextReason, utf8TextOnly } from "@/lib/text/safe-text";

describe("text that can be stored", () => {
  it("refuses NUL and lone surrogates, accepts paired surrogates and other controls", () => {
    expect(unsafeTextReason("a\u0000b")).toBe("contains a NUL character (U+0000)");
    expect(unsafeTextReason("a\uD800b")).toBe("contains a lone surrogate (invalid Unicode)");
    expect(unsafeTextReason("a\uDC00")).toBe("contains a lone surrogate (invalid Unicode)");
    expect(unsafeTextReason("\uDC00\uD800")).toBe("contains a lone surrogate (invalid Unicode)");
    expect(unsafeTextReason("emoji \uD83D\uDE00 tab\t bell\u0007 é")).toBeNull();
  });

  it("safeText keeps z.string's chain and names the problem", () => {
    const schema = safeText().trim().max(5);
    expect(schema.parse("  ok ")).toBe("ok");
    expect(schema.safeParse("o\u0000k").error?.issues[0]?.message).toBe("contains a NUL character (U+0000)");
    expect(schema.safeParse("toolong").success).toBe(false);
  });

  it("names refuse bidirectional overrides (U+202A–U+202E, U+2066–U+2069) too", () => {
    for (const c of ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"]) {
      expect(safeName().safeParse(`gpt${c}4`).error?.issues[0]?.message).toBe(
        "contains a bidirectional override character (U+202A–U+202E or U+2066–U+2069)",
      );
      expect(safeText().safeParse(`gpt${c}4`).success).toBe(true);
    }
    expect(safeName().safeParse("\u200F").success).toBe(true); // a plain RLM mark is not an override
  });

  it("finds the first unstorable string in a JSON value, keys included, and names its path", () => {
    expect(findUnsafeText({ tiers: [], details: { abc: { comment: "x\u0000" } } })).toEqual({
      field: "details.abc.comment",
      reason: "contains a NUL character (U+0000)",
    });
    expect(findUnsafeText({ completions: [{ text: "ok" }, { text: "\uD800" }] })).toEqual({
      field: "completions[1].text",
      reason: "contains a lone surrogate (invalid Unicode)",
    });
    expect(findUnsafeText({ metadata: { "k\u0000": 1 } })).toEqual({
      field: "metadata.k\u0000",
      reason: "its name contains a NUL character (U+0000)",
    });
    expect(findUnsafeText("\u0000")).toEqual({ field: "request", reason: "contains a NUL character (U+0000)" });
    expect(findUnsafeText({ a: [1, null, true, "fine"] })).toBeNull();
  });
});

async function drain(input: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of utf8TextOnly(input, (m) => new Error(m))) out.push(b);
  return Buffer.concat(out);
}

describe("UTF-8 text files only", () => {
  it("passes UTF-8 through, even with a character split across chunks", async () => {
    const bytes = Buffer.from('{"a":"é😀"}\n');
    expect((await drain([bytes.subarray(0, 7), bytes.subarray(7)])).equals(bytes)).toBe(true);
  });

  it("passes a 4-byte character split over three chunks, and refuses a byte that starts no character in the chunk holding it", async () => {
    const bytes = Buffer.from("a😀b");
    expect((await drain([bytes.subarray(0, 2), bytes.subarray(2, 4), bytes.subarray(4)])).equals(bytes)).toBe(true);
    await expect(drain([Buffer.from("ab"), Buffer.from([0x61, 0xf8])])).rejects.toThrow(
      "The file is not UTF-8 text: an invalid byte sequence is in bytes 3 to 4. Save it as UTF-8 and upload it again.",
    );
    await expect(drain([Buffer.from([0x61, 0xe2, 0x82]), Buffer.from([0x41])])).rejects.toThrow(
      "The file is not UTF-8 text: an invalid byte sequence is in bytes 4 to 4. Save it as UTF-8 and upload it again.",
    );
  });

  it("refuses a NUL byte, saying where", async () => {
    await expect(drain([Buffer.from("abc"), Buffer.from([0x61, 0x00])])).rejects.toThrow(
      "The file is not text: it contains a NUL byte at byte 4. Upload a JSON or JSON Lines file in UTF-8.",
    );
  });

  it("refuses Latin-1 and a truncated character", async () => {
    await expect(drain([Buffer.from([0x7b, 0xe9, 0x7d])])).rejects.toThrow(
      "The file is not UTF-8 text: an invalid byte sequence is in bytes 1 to 3. Save it as UTF-8 and upload it again.",
    );
    await expect(drain([Buffer.from([0x41, 0xc3])])).rejects.toThrow(
      "The file is not UTF-8 text: it ends in the middle of a character. Save it as UTF-8 and upload it again.",
    );
  });

  it("readRecords stops a binary file with an AppError naming the file", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    const read = async () => {
      for await (const r of readRecords([png], { maxRecordBytes: 1024 })) void r;
    };
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).field).toBe("file");
    expect((error as AppError).status).toBe(422);
  });

  it("readRecords reports an escaped NUL or lone surrogate with its line and field", async () => {
    const records: RawRecord[] = [];
    for await (const r of readRecords(['{"prompt":"ok"}\n{"prompt":"a\\u0000b"}\n[1]\n{"completions":[{"text":"\\ud800"}]}\n'], {
      maxRecordBytes: 1024,
    }))
      records.push(r);
    expect(records).toEqual([
      { location: "line 1", value: { prompt: "ok" } },
      { location: "line 2", field: "prompt", error: "contains a NUL character (U+0000)" },
      { location: "line 3", value: [1] },
      { location: "line 4", field: "completions[0].text", error: "contains a lone surrogate (invalid Unicode)" },
    ]);
    const array: RawRecord[] = [];
    for await (const r of readRecords(['[{"a":"x"},{"a":"\\u0000"}]'], { maxRecordBytes: 1024 })) array.push(r);
    expect(array).toEqual([
      { location: "index 0", value: { a: "x" } },
      { location: "index 1", field: "a", error: "contains a NUL character (U+0000)" },
    ]);
  });
});

const prompt = (over: Partial<NormalizedPrompt> = {}): NormalizedPrompt => ({
  externalId: null,
  messages: [{ role: "user", content: "Q?" }],
  referenceAnswer: null,
  source: null,
  promptType: null,
  tags: [],
  metadata: {},
  completions: [
    { model: "a", text: "x" },
    { model: "b", text: "y" },
  ],
  ...over,
});

describe("size limits on imported names", () => {
  it("model names are at most 200 characters and carry no bidi override", () => {
    expect(
      validateNormalizedPrompt(
        prompt({
          completions: [
            { model: "m".repeat(200), text: "x" },
            { model: "b", text: "y" },
          ],
        }),
        DEFAULT_IMPORT_LIMITS,
      ),
    ).toEqual([]);
    expect(
      validateNormalizedPrompt(
        prompt({
          completions: [
            { model: "m".repeat(201), text: "x" },
            { model: "b\u202Eevil", text: "y" },
          ],
        }),
        DEFAULT_IMPORT_LIMITS,
      ),
    ).toEqual([
      { field: "completions[0].model", reason: "model name longer than 200 characters" },
      { field: "completions[1].model", reason: "model name contains a bidirectional override character (U+202A–U+202E or U+2066–U+2069)" },
    ]);
  });

  it("tags: at most 50 of at most 100 characters; metadata: at most 100 keys of at most 200 characters", () => {
    const tooMany = validateNormalizedPrompt(
      prompt({
        tags: Array.from({ length: 51 }, (_, i) => `t${i}`),
        metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])),
      }),
      DEFAULT_IMPORT_LIMITS,
    );
    expect(tooMany).toEqual([
      { field: "tags", reason: "51 tags; at most 50" },
      { field: "metadata", reason: "101 keys; at most 100" },
    ]);
    const tooLong = validateNormalizedPrompt(
      prompt({ tags: ["t".repeat(101)], metadata: { ["k".repeat(201)]: 1 } }),
      DEFAULT_IMPORT_LIMITS,
    );
    expect(tooLong).toEqual([
      { field: "tags[0]", reason: "longer than 100 characters" },
      { field: "metadata", reason: `a key is longer than 200 characters ("${"k".repeat(40)}…")` },
    ]);
  });
});

describe("names in the dataset card", () => {
  it("are inert: HTML escaped, Markdown syntax backslashed, one line", () => {
    expect(markdownText('<img src=x onerror="alert(1)"> **bold** [link](javascript:x) a|b\nnext')).toBe(
      '&lt;img src=x onerror="alert(1)"&gt; \\*\\*bold\\*\\* \\[link\\](javascript:x) a\\|b next',
    );
    expect(markdownText("Cardiology Q&A")).toBe("Cardiology Q&amp;A");
  });
});
