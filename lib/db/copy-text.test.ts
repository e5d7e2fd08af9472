import { describe, expect, it } from "vitest";
import { copyTextField, copyTextRow } from "@/lib/db/copy-text";

describe("COPY text encoding", () => {
  it("writes NULL as \\N and numbers and booleans as text", () => {
    expect(copyTextRow([null, 3, true, "x"])).toBe("\\N\t3\ttrue\tx\n");
  });
  it("escapes backslash, tab, newline and carriage return", () => {
    expect(copyTextField("a\\b\tc\nd\re")).toBe("a\\\\b\\tc\\nd\\re");
  });
  it("leaves other characters, including quotes and unicode, alone", () => {
    expect(copyTextField(`say "hi" — 36.5°C`)).toBe(`say "hi" — 36.5°C`);
  });
  it("writes text arrays as array literals, quoting each element", () => {
    expect(copyTextField(["cardiology", 'a "b"', "c\\d"])).toBe('{"cardiology","a \\\\"b\\\\"","c\\\\\\\\d"}');
    expect(copyTextField([])).toBe("{}");
  });
});
