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
  it.each([
    ["transforms prose only: code spans stay literal", "a `b` c ``d`e`` f", "A `b` C ``d`e`` F"],
    ["transforms prose only: fences stay literal", "a\n\n```\nb\n```\nc", "A\n\n```\nb\n```\nC"],
    ["transforms prose only: indented code stays literal", "a\n\n    b\n\nc", "A\n\n    b\n\nC"],
    ["treats an unclosed fence as running to the end, like the renderer", "a\n\n```\nb\nc", "A\n\n```\nb\nc"],
    ["treats an unmatched backtick as text", "a ` b ``", "A ` B ``"],
    ["treats unmatched backtick runs as text", "a ``` b ` c", "A ``` B ` C"],
    ["matches code spans across a line break", "a `b\nc` d", "A `b\nc` D"],
    ["does not match code spans across a blank line", "a `b\n\nc` d", "A `B\n\nC` D"],
    ["honours backslash-escaped backticks outside code only", "\\`a\\` `b\\` c", "\\`A\\` `b\\` C"],
    ["takes four spaces after a paragraph line as a continuation, not code", "a\n    b", "A\n    B"],
  ])("%s", (_rule, text, expected) => {
    expect(upper(text)).toBe(expected);
  });

  it("is linear on pathological backtick input", () => {
    const text = Array.from({ length: 2000 }, (_, i) => "`".repeat((i % 200) + 1) + " x ").join("");
    const start = performance.now();
    mapProse(text, (prose) => prose);
    expect(performance.now() - start).toBeLessThan(500);
  });
});
