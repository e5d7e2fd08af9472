import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SafeMarkdown, safeUrl } from "@/components/markdown/safe-markdown";

const render = (text: string) => renderToStaticMarkup(createElement(SafeMarkdown, { text }));

describe("rendering untrusted Markdown", () => {
  it("drops javascript: and data: links and keeps http(s) ones", () => {
    expect(safeUrl("javascript:alert(1)")).toBe("");
    expect(safeUrl(" JaVaScRiPt:alert(1)")).toBe("");
    expect(safeUrl("data:text/html;base64,xx")).toBe("");
    expect(safeUrl("https://pubmed.ncbi.nlm.nih.gov/1")).toBe("https://pubmed.ncbi.nlm.nih.gov/1");
  });

  it("never emits raw HTML, scripts or event handlers", () => {
    const html = render('Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> **bold**');
    expect(html).not.toMatch(/<script|onerror|<img/i);
    expect(html).toContain("<strong>bold</strong>");
  });

  it("does not load images, showing their alt text instead", () => {
    const html = render("![tracking pixel](https://evil.example/p.png)");
    expect(html).not.toMatch(/<img|evil\.example/);
    expect(html).toContain("[image: tracking pixel not loaded]");
  });

  it("opens links without referrer and without passing rank", () => {
    const html = render("[PubMed](https://pubmed.ncbi.nlm.nih.gov/) and [x](javascript:alert(1))");
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).not.toContain("javascript:");
  });
});

describe("line breaks in exam questions", () => {
  it("keeps each answer option on its own line", () => {
    expect(render("Which drug?\nA. Ampicillin\nB. Ceftriaxone")).toContain("A. Ampicillin<br/>");
  });
});
