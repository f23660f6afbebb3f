import { longestBacktickRun } from "./escape";
import { codeBlocks, mapProse, splitLines } from "./markdown-structure";

/**
 * Bitbucket-specific markup that plain markdown does not know, converted so it renders in Ferry.
 */

export const CHANGESET_PATTERN = /<<cset ([0-9a-f]{7,40})>>/gi;

/** Replaces `<<cset abc123>>` in one stretch of prose (no code in it). */
export function convertChangesetRefsInProse(prose: string, targetProjectUrl: string): string {
  if (!prose.includes("<<")) return prose;
  const target = targetProjectUrl.replace(/\/+$/, "");
  return prose.replace(CHANGESET_PATTERN, (_match, sha: string) => `[${sha}](${target}/-/commit/${sha.toLowerCase()})`);
}

/**
 * Bitbucket's issue tracker writes commit references as `<<cset abc123def456>>` (for example
 * "→ <<cset 1a2b3c4d5e6f>>" in comments added by commit messages). Each becomes a link to the
 * commit in the Ferry project: `[abc123def456]({target}/-/commit/abc123def456)`. Code stays literal.
 */
export function convertChangesetRefs(text: string, targetProjectUrl: string): string {
  if (!text || !text.includes("<<")) return text;
  return mapProse(text, (prose) => convertChangesetRefsInProse(prose, targetProjectUrl));
}

/** `#!python` (Bitbucket, from Python-Markdown's CodeHilite) or `:::python` on a code block's first line. */
const LANGUAGE_HINT = /^[ \t]*(?:#!|:::)([A-Za-z0-9_+#.-]+)[ \t]*$/;

const lineEnding = (line: string): string => /(?:\r\n|\r|\n)$/.exec(line)?.[0] ?? "";

/**
 * Bitbucket lets a code block name its language on its first line (`#!python`, or `:::python`)
 * instead of in the fence. That line becomes the fence's info string:
 *
 * - a fenced block without info string, at any nesting: the hint moves onto the opening fence;
 * - a top-level indented block: it becomes a fenced block with that language (indented blocks
 *   inside lists and quotes are left alone; their indentation context is not worth rebuilding).
 *
 * A real shebang (`#!/bin/sh`) never matches: the hint is a bare language name.
 */
export function convertCodeLanguageHints(text: string): string {
  if (!text || !/(?:#!|:::)[A-Za-z0-9_+#.-]/.test(text)) return text;
  const blocks = codeBlocks(text);
  if (blocks.length === 0) return text;
  const lines = splitLines(text);
  for (const block of [...blocks].reverse()) {
    const [first = "", ...rest] = block.content.split("\n");
    const hint = LANGUAGE_HINT.exec(first);
    if (!hint) continue;
    const language = hint[1]!;
    if (block.kind === "fence") {
      if (block.info.trim() !== "") continue;
      const opening = lines[block.startLine];
      if (opening === undefined || lines[block.startLine + 1] === undefined) continue;
      lines.splice(block.startLine, 2, opening.replace(/[ \t]*(\r\n|\r|\n)?$/, "") + language + lineEnding(opening));
    } else {
      if (block.level !== 0) continue;
      const code = rest.join("\n").replace(/\n$/, "");
      if (!code.trim()) continue;
      const eol = lineEnding(lines[block.startLine] ?? "") || "\n";
      const fence = "`".repeat(Math.max(3, longestBacktickRun(code) + 1));
      const last = lines[block.endLine - 1] ?? "";
      const closing = fence + (lineEnding(last) || (block.endLine < lines.length ? eol : ""));
      const body = code.split("\n").map((line) => line + eol).join("");
      lines.splice(block.startLine, block.endLine - block.startLine, fence + language + eol + body + closing);
    }
  }
  return lines.join("");
}
