import { describe, expect, it } from "vitest";
import { wrapLabel } from "@/components/agreement/wrap-label";

describe("model names on chart axes", () => {
  it("stay whole when they fit", () => {
    expect(wrapLabel("gpt-4", 18)).toEqual(["gpt-4"]);
    expect(wrapLabel("Qwen1.5-72B-Chat", 18)).toEqual(["Qwen1.5-72B-Chat"]);
  });

  it("break after separators, never losing a character", () => {
    expect(wrapLabel("Mixtral-8x7B-Instruct-v0.1", 18)).toEqual(["Mixtral-8x7B-", "Instruct-v0.1"]);
    expect(wrapLabel("meta-llama/Meta-Llama-3-70B-Instruct", 18)).toEqual(["meta-llama/Meta-", "Llama-3-70B-", "Instruct"]);
    for (const name of ["Mixtral-8x7B-Instruct-v0.1", "a b c", "x".repeat(50), "--//__"]) expect(wrapLabel(name, 18).join("")).toBe(name);
  });

  it("cut a part longer than a line only where it must", () => {
    expect(wrapLabel("abcdefghijklmnopqrstuvwxyz", 10)).toEqual(["abcdefghij", "klmnopqrst", "uvwxyz"]);
    expect(wrapLabel("ab-abcdefghijklmnop", 10)).toEqual(["ab-", "abcdefghij", "klmnop"]);
  });
});
