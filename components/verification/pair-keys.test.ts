import { describe, expect, it } from "vitest";
import { pairKeyAction } from "@/components/verification/pair-keys";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe("the pair screen's keys", () => {
  it("answer with one key each, set confidence with 1–5 and submit with Enter", () => {
    expect(pairKeyAction(key("a"), false)).toEqual({ kind: "answer", answer: "A" });
    expect(pairKeyAction(key("B"), false)).toEqual({ kind: "answer", answer: "B" });
    expect(pairKeyAction(key("t"), false)).toEqual({ kind: "answer", answer: "TIE" });
    expect(pairKeyAction(key("x"), false)).toEqual({ kind: "answer", answer: "BOTH_BAD" });
    expect(pairKeyAction(key("4"), false)).toEqual({ kind: "confidence", value: 4 });
    expect(pairKeyAction(key("Enter"), false)).toEqual({ kind: "submit" });
    expect(pairKeyAction(key("?"), false)).toEqual({ kind: "help" });
    expect(pairKeyAction(key("6"), false)).toBeNull();
  });

  it("leave typing alone: in a text field only Ctrl/⌘+Enter submits, and shortcuts with modifiers pass through", () => {
    expect(pairKeyAction(key("a"), true)).toBeNull();
    expect(pairKeyAction(key("Enter"), true)).toBeNull();
    expect(pairKeyAction(key("Enter", { ctrlKey: true }), true)).toEqual({ kind: "submit" });
    expect(pairKeyAction(key("Enter", { metaKey: true }), false)).toEqual({ kind: "submit" });
    expect(pairKeyAction(key("a", { ctrlKey: true }), false)).toBeNull();
  });
});
