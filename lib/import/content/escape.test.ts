import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/markdown";
import { codeSpan, escapeMarkdownInline } from "./escape";

/** Rendered as a paragraph on its own line: the worst case for list markers and headings. */
const rendered = (text: string) => renderMarkdown(escapeMarkdownInline(text));

describe("escapeMarkdownInline", () => {
  it.each([
    "John Doe",
    "# Heading",
    "- Bob",
    "+ Bob",
    "1. Bob",
    "2) Bob",
    "> quoted",
    "*bold* _it_ __init__",
    "[x](https://evil.example)",
    "<b>html</b> &amp;",
    "evil.com",
    "https://evil.example/x",
    "@admin #12 !5 ~label",
    "`code`",
    "a | b",
    "===",
    "back\\slash",
  ])("renders %j as written, without markup", (name) => {
    const html = rendered(name);
    const text = name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    expect(html).toBe(`<p>${text}</p>\n`);
  });

  it("collapses whitespace and newlines", () => {
    expect(escapeMarkdownInline("  Jane \n\n Doe  ")).toBe("Jane Doe");
  });

  it("leaves ordinary names readable", () => {
    expect(escapeMarkdownInline("Zoë O'Brien-Smith")).toBe("Zoë O'Brien-Smith");
  });
});

describe("codeSpan", () => {
  it("fences with more backticks than the content has", () => {
    expect(codeSpan("a")).toBe("`a`");
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(codeSpan("`a`")).toBe("`` `a` ``");
    expect(renderMarkdown(codeSpan("`a`"))).toBe("<p><code>`a`</code></p>\n");
  });
});
