/**
 * Escaping for text we insert into markdown (names, paths). The rendered result reads exactly
 * like the input: no emphasis, links, mentions, HTML, list markers or auto-linked domains.
 */

/** Always markdown-active, or active in Ferry (`@` mentions, `#`/`!` references, `:` emoji, `&` entities). */
const ALWAYS = /[\\`*_{}[\]()#+!<>|~&@"$%=^]/;

/**
 * Escapes `text` for use inside a line of markdown. Whitespace (newlines included) collapses to
 * single spaces. Dots are escaped where they would let a bare domain (`evil.com`) be auto-linked
 * or make an ordered-list marker (`1.`), and `:` before `/` (a scheme).
 */
export function escapeMarkdownInline(text: string): string {
  const collapsed = text.replace(/\s+/g, " ").trim();
  let out = "";
  for (let i = 0; i < collapsed.length; i++) {
    const char = collapsed[i]!;
    const next = collapsed[i + 1] ?? "";
    const previous = collapsed[i - 1] ?? "";
    const escape =
      ALWAYS.test(char) ||
      (char === "." && (/[A-Za-z0-9]/.test(next) || /[0-9]/.test(previous))) ||
      (char === ":" && next === "/") ||
      (char === "-" && i === 0);
    out += escape ? `\\${char}` : char;
  }
  return out;
}

/** `text` as an inline code span, fenced with enough backticks; line breaks become spaces. */
export function codeSpan(text: string): string {
  const content = text.replace(/[\r\n]+/g, " ");
  const fence = "`".repeat(longestBacktickRun(content) + 1);
  const padded = content.startsWith("`") || content.endsWith("`") || content.length === 0 ? ` ${content} ` : content;
  return `${fence}${padded}${fence}`;
}

/** Length of the longest run of backticks in `text` (0 when there is none). */
export function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}
