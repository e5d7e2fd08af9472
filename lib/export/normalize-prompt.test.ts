import { describe, expect, it } from "vitest";
import { normalizePromptText } from "@/lib/export/normalize-prompt";

/** The Unicode definition the ASCII path must agree with. */
const unicodeNormalized = (text: string) =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, " ")
    .trim();

describe("normalizePromptText", () => {
  it("folds every ASCII character as the Unicode definition does", () => {
    for (let c = 0; c < 128; c++) {
      const text = `a${String.fromCharCode(c)}b ${String.fromCharCode(c)}`;
      expect(normalizePromptText(text), `U+${c.toString(16).padStart(4, "0")}`).toBe(unicodeNormalized(text));
    }
    const sample = "  What is the DOSE?\n(adult) -- 5 mg/kg; [q8h] {max} `x` ~y~ \\ | ^ _ \t\v\f\r 100% $3 #1 @a <b> \"c\" 'd'\x00\x1f\x7f";
    expect(normalizePromptText(sample)).toBe(unicodeNormalized(sample));
    expect(normalizePromptText(sample)).toBe("what is the dose adult 5 mg kg q8h max x y 100 3 1 a b c d \x00\x1f\x7f");
  });

  it("still applies NFKC and Unicode punctuation beyond ASCII", () => {
    expect(normalizePromptText("Ｆｕｌｌ—width… «dose»\u00a0ﬁne")).toBe("full width dose fine");
  });
});
