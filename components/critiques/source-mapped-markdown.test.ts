import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { markedText, renderMapped, renderedText, selectRendered, selectWord } from "@/components/critiques/mapped-render.test-support";
import { SafeMarkdown } from "@/components/markdown/safe-markdown";
import type { HighlightSpan } from "@/lib/critiques/rehype-critique-marks";
import { stampedSelectionToSource } from "@/lib/critiques/stamped-selection";

/** Selecting `word` in the rendering of `source` gives this source range; its slice is the quote. */
function expectSelection(source: string, word: string, expected: { start: number; end: number; text: string }, occurrence = 0) {
  expect(selectWord(source, renderMapped(source), word, occurrence)).toEqual(expected);
}

describe("a selection in the rendered Markdown maps to code-point offsets into the source", () => {
  it("in lists, across items too", () => {
    // "- **Aspirin** 75 mg\n- take _daily_": "- **" is 0–3, "Aspirin" 4–10, " 75 mg" 13–18, "\n" 19,
    // "- take " 20–26, "_" 27, "daily" 28–32.
    const source = "- **Aspirin** 75 mg\n- take _daily_";
    expectSelection(source, "Aspirin", { start: 4, end: 11, text: "Aspirin" });
    expectSelection(source, "daily", { start: 28, end: 33, text: "daily" });
    // Rendered "75 mg" then "take" (the next item): the source between them comes along.
    expectSelection(source, "75 mgtake", { start: 14, end: 26, text: "75 mg\n- take" });
  });

  it("never takes an ordered list's marker for the item's text, after a soft line break too", () => {
    // "1. 1\n2": the marker is 0–2, the item's "1" is 3, the lazy line's "2" is 5.
    const source = "1. 1\n2";
    expectSelection(source, "1", { start: 3, end: 4, text: "1" });
    expectSelection(source, "2", { start: 5, end: 6, text: "2" });
  });

  it("in bold, and from inside bold to after it", () => {
    // "Give **5 mg** daily": "Give " 0–4, "**" 5–6, "5 mg" 7–10, "**" 11–12, " daily" 13–18.
    const source = "Give **5 mg** daily";
    expectSelection(source, "5 mg", { start: 7, end: 11, text: "5 mg" });
    expectSelection(source, "mg daily", { start: 9, end: 19, text: "mg** daily" });
  });

  it("in italics and headings", () => {
    expectSelection("Avoid _NSAIDs_ here", "NSAIDs", { start: 7, end: 13, text: "NSAIDs" });
    // "## " 0–2, "Dosing " 3–9, "*" 10, "plan" 11–14.
    expectSelection("## Dosing *plan*", "Dosing plan", { start: 3, end: 15, text: "Dosing *plan" });
  });

  it("in link text, and past a link's destination", () => {
    // "See " 0–3, "[" 4, "the BNF" 5–11, "](" 12–13, the 24-character URL 14–37, ")" 38, " now" 39–42.
    const source = "See [the BNF](https://bnf.nice.org.uk/) now";
    expectSelection(source, "the BNF", { start: 5, end: 12, text: "the BNF" });
    expectSelection(source, "BNF now", { start: 9, end: 43, text: "BNF](https://bnf.nice.org.uk/) now" });
  });

  it("in inline code and code blocks (never in a fence's info string)", () => {
    expectSelection("Use `q12h` dosing", "q12h", { start: 5, end: 9, text: "q12h" });
    // "```js\n" is 0–5, "const " 6–11, "dose" 12–15.
    expectSelection("```js\nconst dose = 5;\n```", "dose", { start: 12, end: 16, text: "dose" });
    // The code starts with "js", as the info string does: the code's "js" is 6–7, not 3–4.
    expectSelection("```js\njs_dose\n```", "js", { start: 6, end: 8, text: "js" });
    // In code, escapes and references are shown as written.
    expectSelection("`a \\* &amp; b`", "\\* &amp;", { start: 3, end: 11, text: "\\* &amp;" });
  });

  it("in tables, with non-Latin cells", () => {
    // Line 1 is 0–15 with its "\n", line 2 16–29; line 3 starts at 30: "| " 30–31, "阿司匹林" 32–35, " | " 36–38, "75 mg" 39–43.
    const source = "| Drug | Dose |\n| --- | --- |\n| 阿司匹林 | 75 mg |";
    expectSelection(source, "阿司匹林", { start: 32, end: 36, text: "阿司匹林" });
    expectSelection(source, "75 mg", { start: 39, end: 44, text: "75 mg" });
    expectSelection(source, "Dose", { start: 9, end: 13, text: "Dose" });
  });

  it("over backslash escapes and character references, which map to the whole escape or reference", () => {
    // "Take 2 \* 5 mg": "\*" is 7–8.
    expectSelection("Take 2 \\* 5 mg", "*", { start: 7, end: 9, text: "\\*" });
    expectSelection("Take 2 \\* 5 mg", "2 * 5", { start: 5, end: 11, text: "2 \\* 5" });
    // "A &amp; B &lt; C &#x1F48A;": "&amp;" 2–6, "B" 8, "&lt;" 10–13, "C" 15, "&#x1F48A;" 17–25.
    const source = "A &amp; B &lt; C &#x1F48A;";
    expectSelection(source, "&", { start: 2, end: 7, text: "&amp;" });
    expectSelection(source, "B < C", { start: 8, end: 16, text: "B &lt; C" });
    expectSelection(source, "💊", { start: 17, end: 26, text: "&#x1F48A;" });
    expectSelection("5 &copy; 6", "©", { start: 2, end: 8, text: "&copy;" });
  });

  it("in Chinese, Arabic and emoji text, counting code points (not UTF-16 units)", () => {
    expectSelection("每日服用**阿司匹林**一次", "阿司匹林", { start: 6, end: 10, text: "阿司匹林" });
    expectSelection("خذ **جرعة** واحدة", "جرعة", { start: 5, end: 9, text: "جرعة" });
    // "💊" is one code point (two UTF-16 units): "**" 2–3, "take" 4–7, then " " 10 and the
    // four-code-point "👩‍⚕️" (woman, ZWJ, staff of Aesculapius, VS16) 11–14, " " 15, "now" 16–18.
    const source = "💊 **take** 👩‍⚕️ now";
    expectSelection(source, "take", { start: 4, end: 8, text: "take" });
    expectSelection(source, "👩‍⚕️ now", { start: 11, end: 19, text: "👩‍⚕️ now" });
  });

  it("across a single line break (remark-breaks renders it as <br>)", () => {
    // "First line\n" 0–10, "second " 11–17, "**" 18–19, "line" 20–23.
    const source = "First line\nsecond **line**";
    expectSelection(source, "second", { start: 11, end: 17, text: "second" });
    expectSelection(source, "linesecond", { start: 6, end: 17, text: "line\nsecond" });
  });

  it("drops whitespace selected at either end, and maps a whitespace-only selection to null", () => {
    const source = "Give **5 mg** daily";
    const render = renderMapped(source);
    expect(renderedText(render)).toBe("Give 5 mg daily");
    // Rendered " daily" (9–14) starts with the space after the bold.
    expect(selectRendered(source, render, 9, 15)).toEqual({ start: 14, end: 19, text: "daily" });
    expect(selectRendered(source, render, 9, 10)).toBeNull();
  });

  it("starts a selection that begins at the end of a text in the next one, past the syntax between", () => {
    const source = "Give **5 mg** daily";
    const render = renderMapped(source);
    // Offset 5 of "Give " (its end) to offset 4 of "5 mg": the range starts at "5" (7), not at "**" (5).
    const selection = stampedSelectionToSource(source, render.texts, { index: 0, offset: 5 }, { index: 1, offset: 4 });
    expect(selection).toEqual({ start: 7, end: 11, text: "5 mg" });
    // Either order of the boundaries.
    expect(stampedSelectionToSource(source, render.texts, { index: 1, offset: 4 }, { index: 0, offset: 5 })).toEqual(selection);
  });
});

describe("highlighting stored spans in the rendering", () => {
  const source = "Give **5 mg** daily";
  const dose: HighlightSpan = {
    id: "s1",
    start: 7,
    end: 11,
    tag: "wrong-dose",
    severity: "critical",
    label: "wrong dose",
    marker: "D",
    colour: "orange",
  };
  const later: HighlightSpan = { id: "s2", start: 9, end: 19, tag: "incomplete", severity: "minor" };

  it("wraps exactly the covered characters in nested marks, with a screen-reader note and the marker", () => {
    const { html } = renderMapped(source, [dose, later]);
    expect(html).toBe(
      '<p><span data-source-start="0" data-source-end="5">Give </span><strong><span data-source-start="7" data-source-end="11">' +
        '<mark class="critique-mark critique-tag-wrong-dose critique-severity-critical critique-colour-orange" data-span-id="s1" data-tag="wrong-dose" data-severity="critical" data-span-depth="1">' +
        '<span class="sr-only" data-critique-annotation="">Marked: wrong dose, critical. </span>5 </mark>' +
        '<mark class="critique-mark critique-tag-wrong-dose critique-severity-critical critique-colour-orange" data-span-id="s1" data-tag="wrong-dose" data-severity="critical" data-span-depth="1">' +
        '<mark class="critique-mark critique-tag-incomplete critique-severity-minor" data-span-id="s2" data-tag="incomplete" data-severity="minor" data-span-depth="2">' +
        '<span class="sr-only" data-critique-annotation="">Marked: incomplete, minor. </span>mg</mark>' +
        '<sup aria-hidden="true" data-critique-annotation="" class="critique-marker">D</sup><span class="sr-only" data-critique-annotation=""> (end of mark)</span></mark>' +
        '</span></strong><span data-source-start="13" data-source-end="19">' +
        '<mark class="critique-mark critique-tag-incomplete critique-severity-minor" data-span-id="s2" data-tag="incomplete" data-severity="minor" data-span-depth="1">' +
        ' daily<span class="sr-only" data-critique-annotation=""> (end of mark)</span></mark></span></p>',
    );
  });

  it("marks the rendered text of each span, and selecting inside a highlighted rendering still maps to the source", () => {
    const render = renderMapped(source, [dose, later]);
    expect(markedText(render.tree, "s1")).toBe("5 mg");
    expect(markedText(render.tree, "s2")).toBe("mg daily");
    expect(selectWord(source, render, "daily")).toEqual({ start: 14, end: 19, text: "daily" });
  });

  it("keeps the rendering safe: no raw HTML, scripts, unsafe links or images, and tags are only attribute text", () => {
    const hostile = 'Hi <script>alert(1)</script> [x](javascript:alert(1)) ![p](https://evil.example/p.png) <b onclick="x()">b</b>';
    const tag = '"><img src=x onerror=alert(1)>';
    const { html } = renderMapped(hostile, [{ id: "a", start: 0, end: 2, tag, severity: "major", label: "<b>bold</b>" }]);
    expect(html).not.toMatch(/<script|<img|onclick|javascript:|evil\.example|<b>/i);
    expect(html).toContain('data-tag="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(html).toContain("critique-tag-img-src-x-onerror-alert-1");
    expect(html).toContain("Marked: &lt;b&gt;bold&lt;/b&gt;, major.");
  });

  it("renders as SafeMarkdown does, but for the stamp wrappers", () => {
    const documents = [
      "- **Aspirin** 75 mg\n- take _daily_",
      "See [the BNF](https://bnf.nice.org.uk/) now\nsecond `co\nde` line &amp; \\* &copy;",
      "| Drug | Dose |\n| --- | --- |\n| 阿司匹林 | 75 mg |",
      "# Head *it*\n\n```js\ncode\n```\n\nfoot[^1] ![alt](https://x.org/i.png)\n\n[^1]: note www.example.com here",
    ];
    for (const document of documents) {
      const unwrapped = renderMapped(document).html.replace(
        /<span data-source-start="\d+" data-source-end="\d+"(?: data-source-literal="")?>([^<]*)<\/span>/g,
        "$1",
      );
      const plain = renderToStaticMarkup(createElement(SafeMarkdown, { text: document }));
      expect(`<div class="prose-safe ">${unwrapped}</div>`).toBe(plain);
    }
  });
});
