import { describe, expect, it } from "vitest";
import { codeBlocks, mapProse, splitLines } from "./markdown-structure";

const upper = (text: string) => mapProse(text, (prose) => prose.toUpperCase());

describe("splitLines", () => {
  it("keeps every line terminator so that joining restores the text", () => {
    for (const text of ["", "a", "a\n", "a\r\nb\rc\nd", "\n\n", "x\n\ny"]) expect(splitLines(text).join("")).toBe(text);
    expect(splitLines("a\r\nb\rc\nd")).toEqual(["a\r\n", "b\r", "c\n", "d"]);
  });
});

describe("codeBlocks", () => {
  it("finds fences and indented code at any depth", () => {
    const blocks = codeBlocks("text\n\n```js\nx\n```\n\n    indented\n\n- item\n\n      nested\n\n> ~~~\n> q");
    expect(blocks.map(({ kind, startLine, endLine, level, info }) => ({ kind, startLine, endLine, level, info }))).toEqual([
      { kind: "fence", startLine: 2, endLine: 5, level: 0, info: "js" },
      { kind: "indented", startLine: 6, endLine: 7, level: 0, info: "" },
      { kind: "indented", startLine: 10, endLine: 11, level: 2, info: "" },
      { kind: "fence", startLine: 12, endLine: 14, level: 1, info: "" },
    ]);
  });
});

describe("mapProse", () => {
  it("transforms prose only: code spans, fences and indented code stay literal", () => {
    expect(upper("a `b` c ``d`e`` f")).toBe("A `b` C ``d`e`` F");
    expect(upper("a\n\n```\nb\n```\nc")).toBe("A\n\n```\nb\n```\nC");
    expect(upper("a\n\n    b\n\nc")).toBe("A\n\n    b\n\nC");
  });

  it("treats an unclosed fence as running to the end, like the renderer", () => {
    expect(upper("a\n\n```\nb\nc")).toBe("A\n\n```\nb\nc");
  });

  it("treats unmatched backticks as text", () => {
    expect(upper("a ` b ``")).toBe("A ` B ``");
    expect(upper("a ``` b ` c")).toBe("A ``` B ` C");
  });

  it("matches code spans across a line break but not across a blank line", () => {
    expect(upper("a `b\nc` d")).toBe("A `b\nc` D");
    expect(upper("a `b\n\nc` d")).toBe("A `B\n\nC` D");
  });

  it("honours backslash-escaped backticks outside code only", () => {
    expect(upper("\\`a\\` `b\\` c")).toBe("\\`A\\` `b\\` C");
  });

  it("four spaces after a paragraph line are a continuation, not code", () => {
    expect(upper("a\n    b")).toBe("A\n    B");
  });

  it("is linear on pathological backtick input", () => {
    const text = Array.from({ length: 2000 }, (_, i) => "`".repeat((i % 200) + 1) + " x ").join("");
    const start = performance.now();
    mapProse(text, (prose) => prose);
    expect(performance.now() - start).toBeLessThan(500);
  });
});
