import { describe, expect, it } from "vitest";
import { extendSelectionBySentence, sentenceRangeAt, sentenceRanges } from "@/lib/critiques/sentences";

/** The sentences' texts, to read the boundaries at a glance. */
const sentences = (text: string) => sentenceRanges(text, "en").map(({ start, end }) => Array.from(text).slice(start, end).join(""));

describe("sentence boundaries (Intl.Segmenter, trailing whitespace left out)", () => {
  it("keeps 'e.g.' inside a sentence when a lowercase word follows, as ICU does", () => {
    expect(sentences("Take 5 mg, e.g. with food. Then stop.")).toEqual(["Take 5 mg, e.g. with food.", "Then stop."]);
  });

  it("splits after 'e.g.' and 'Dr.' before a capitalised word (ICU does not know the abbreviation)", () => {
    expect(sentences("Give e.g. Aspirin daily. Stop.")).toEqual(["Give e.g.", "Aspirin daily.", "Stop."]);
  });

  it("ends a sentence at each line ending: list items are sentences", () => {
    expect(sentences("- first item\n- second item\n1. third")).toEqual(["- first item", "- second item", "1. third"]);
  });

  it("splits Chinese at 。！？ and Arabic at its question mark", () => {
    expect(sentences("每日服用。然后停止！好吗？")).toEqual(["每日服用。", "然后停止！", "好吗？"]);
    expect(sentences("خذ الدواء. ثم توقف؟ نعم")).toEqual(["خذ الدواء.", "ثم توقف؟", "نعم"]);
  });

  it("counts code points: an emoji before a sentence counts once", () => {
    // "💊 Take. Stop." in code points: "💊 Take." is 0–6 (💊 is 0), " " 7, "Stop." 8–12; in UTF-16 it would be 0–7 and 9–13.
    expect(sentenceRanges("💊 Take. Stop.", "en")).toEqual([
      { start: 0, end: 7 },
      { start: 8, end: 13 },
    ]);
  });
});

describe("extendSelectionBySentence", () => {
  // "Take 5 mg. Then stop. Call us.": "Take 5 mg." 0–9, "Then stop." 11–20, "Call us." 22–29.
  const text = "Take 5 mg. Then stop. Call us.";

  it("moves the end forward to the end of the sentence it is in, then to the next sentence's end", () => {
    expect(extendSelectionBySentence(text, { start: 5, end: 6 }, "forward", "en")).toEqual({ start: 5, end: 10 });
    expect(extendSelectionBySentence(text, { start: 5, end: 10 }, "forward", "en")).toEqual({ start: 5, end: 21 });
    // From the space after a sentence, to the next one's end.
    expect(extendSelectionBySentence(text, { start: 5, end: 11 }, "forward", "en")).toEqual({ start: 5, end: 21 });
  });

  it("moves the start back to the start of its sentence, then to the previous sentence's start", () => {
    expect(extendSelectionBySentence(text, { start: 14, end: 16 }, "backward", "en")).toEqual({ start: 11, end: 16 });
    expect(extendSelectionBySentence(text, { start: 11, end: 16 }, "backward", "en")).toEqual({ start: 0, end: 16 });
  });

  it("stays put at the text's edges", () => {
    expect(extendSelectionBySentence(text, { start: 0, end: 30 }, "forward", "en")).toEqual({ start: 0, end: 30 });
    expect(extendSelectionBySentence(text, { start: 0, end: 30 }, "backward", "en")).toEqual({ start: 0, end: 30 });
  });

  it("steps over list items and Chinese sentences", () => {
    // "- a dose\n- b dose": items 0–7 and 9–16.
    expect(extendSelectionBySentence("- a dose\n- b dose", { start: 2, end: 3 }, "forward", "en")).toEqual({ start: 2, end: 8 });
    expect(extendSelectionBySentence("- a dose\n- b dose", { start: 2, end: 8 }, "forward", "en")).toEqual({ start: 2, end: 17 });
    // "每日服用。然后停止！": 0–4 and 5–9.
    expect(extendSelectionBySentence("每日服用。然后停止！", { start: 0, end: 5 }, "forward", "zh")).toEqual({ start: 0, end: 10 });
  });
});

describe("sentenceRangeAt", () => {
  it("is the sentence around a caret, the next one between sentences, null after the last", () => {
    const text = "Take 5 mg. Then stop. ";
    expect(sentenceRangeAt(text, 3, "en")).toEqual({ start: 0, end: 10 });
    expect(sentenceRangeAt(text, 10, "en")).toEqual({ start: 11, end: 21 });
    expect(sentenceRangeAt(text, 21, "en")).toBeNull();
  });
});
