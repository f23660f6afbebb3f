import type { Token } from "markdown-it";
import { createMarkdownIt } from "@/lib/markdown/parser";

/**
 * Where the code is in a markdown text, as Ferry's renderer sees it, so that conversions leave
 * code literal. Block structure comes from markdown-it's block parser (the renderer's own
 * configuration, so fences and indented code inside lists and block quotes are found exactly);
 * inline code spans are found with CommonMark's backtick-run rule, paragraph by paragraph.
 */

const parser = createMarkdownIt();

export type CodeBlock = {
  kind: "fence" | "indented";
  /** First line (0-based) and the line after the last one, as in markdown-it's `map`. */
  startLine: number;
  endLine: number;
  /** Nesting depth: 0 at the top level, more inside lists and block quotes. */
  level: number;
  /** The fence's info string (empty for indented code). */
  info: string;
  /** The code without fences and indentation. */
  content: string;
};

/** Lines of `text`, each with its line terminator (`\n`, `\r\n` or `\r`) so that joining them restores the text. */
export function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

function collectCodeBlocks(tokens: Token[], out: CodeBlock[]): void {
  for (const token of tokens) {
    if ((token.type === "fence" || token.type === "code_block") && token.map) {
      out.push({
        kind: token.type === "fence" ? "fence" : "indented",
        startLine: token.map[0],
        endLine: token.map[1],
        level: token.level,
        info: token.info,
        content: token.content,
      });
    }
    if (token.children) collectCodeBlocks(token.children, out);
  }
}

/** Fenced and indented code blocks of `text`, in document order. */
export function codeBlocks(text: string): CodeBlock[] {
  // markdown-it's normalisation, minus the line-ending change: line numbers must match splitLines.
  const normalized = text.replace(/\r\n?/g, "\n").replace(/\0/g, "\uFFFD");
  const tokens: Token[] = [];
  parser.block.parse(normalized, parser, {}, tokens);
  const blocks: CodeBlock[] = [];
  collectCodeBlocks(tokens, blocks);
  return blocks.sort((a, b) => a.startLine - b.startLine);
}

type Piece = { code: boolean; text: string };

/** Splits one paragraph's text into prose and inline code spans (CommonMark backtick-run matching, linear time). */
function splitCodeSpans(paragraph: string): Piece[] {
  if (!paragraph.includes("`")) return [{ code: false, text: paragraph }];
  const runs: { start: number; length: number; escaped: boolean }[] = [];
  for (const match of paragraph.matchAll(/`+/g)) {
    let backslashes = 0;
    for (let i = match.index - 1; i >= 0 && paragraph[i] === "\\"; i--) backslashes++;
    runs.push({ start: match.index, length: match[0].length, escaped: backslashes % 2 === 1 });
  }
  // Closers by length, each list in document order, with a cursor that only moves forward.
  const byLength = new Map<number, number[]>();
  runs.forEach((run, index) => {
    const list = byLength.get(run.length);
    if (list) list.push(index);
    else byLength.set(run.length, [index]);
  });
  const cursors = new Map<number, number>();
  const pieces: Piece[] = [];
  let position = 0;
  let i = 0;
  while (i < runs.length) {
    const run = runs[i]!;
    // A backslash escapes only the first backtick of an opener; inside a span backslashes are literal.
    const openStart = run.escaped ? run.start + 1 : run.start;
    const openLength = run.escaped ? run.length - 1 : run.length;
    if (openLength === 0) {
      i++;
      continue;
    }
    const closers = byLength.get(openLength) ?? [];
    let cursor = cursors.get(openLength) ?? 0;
    while (cursor < closers.length && closers[cursor]! <= i) cursor++;
    cursors.set(openLength, cursor);
    const closer = closers[cursor];
    if (closer === undefined) {
      i++;
      continue;
    }
    const end = runs[closer]!.start + runs[closer]!.length;
    if (openStart > position) pieces.push({ code: false, text: paragraph.slice(position, openStart) });
    pieces.push({ code: true, text: paragraph.slice(openStart, end) });
    position = end;
    i = closer + 1;
  }
  if (position < paragraph.length) pieces.push({ code: false, text: paragraph.slice(position) });
  return pieces;
}

/** Applies `transform` to the prose of text that holds no code blocks: everything but inline code spans. */
function mapInlineProse(text: string, transform: (prose: string) => string): string {
  if (!text) return text;
  // Code spans never contain a blank line, so paragraphs are scanned separately.
  const lines = splitLines(text);
  let out = "";
  let paragraph = "";
  const flush = () => {
    for (const piece of splitCodeSpans(paragraph)) out += piece.code ? piece.text : transform(piece.text);
    paragraph = "";
  };
  for (const line of lines) {
    if (/^[ \t]*(?:\r\n|\r|\n)?$/.test(line)) {
      flush();
      out += line;
    } else {
      paragraph += line;
    }
  }
  flush();
  return out;
}

/**
 * Applies `transform` to every stretch of prose in the markdown `text`, leaving fenced code
 * blocks, indented code blocks and inline code spans exactly as written. `transform` sees
 * pieces that never span a blank line or a code span.
 */
export function mapProse(text: string, transform: (prose: string) => string): string {
  if (!text) return text;
  const blocks = codeBlocks(text);
  if (blocks.length === 0) return mapInlineProse(text, transform);
  const lines = splitLines(text);
  let out = "";
  let line = 0;
  for (const block of blocks) {
    if (block.startLine < line) continue; // nested inside an earlier block's lines (not expected)
    out += mapInlineProse(lines.slice(line, block.startLine).join(""), transform);
    out += lines.slice(block.startLine, block.endLine).join("");
    line = block.endLine;
  }
  out += mapInlineProse(lines.slice(line).join(""), transform);
  return out;
}

/** `text` with each match of `pattern` (global) passed through `matched` and the text between through `between`. */
export function mapMatches(text: string, pattern: RegExp, matched: (match: string) => string, between: (text: string) => string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out += between(text.slice(last, match.index)) + matched(match[0]);
    last = match.index + match[0].length;
  }
  return out + between(text.slice(last));
}
