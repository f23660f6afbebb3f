import { longestBacktickRun } from "@/lib/import/content/escape";
import { encodeWikiSlug } from "./wiki";

/**
 * WikiCreole 1.0 (the markup of older Bitbucket wikis, `.wiki` files) converted to Ferry's
 * markdown, which the shared renderer then turns into sanitized HTML: no second HTML path, and
 * the same link rules (http/https/mailto only, relative links resolved against the page).
 *
 * Covered: headings (`= … =`), paragraphs, `**bold**`, `//italic//`, `##monospace##`, `\\`
 * line breaks, `[[page]]`, `[[page|text]]`, `[[http://…|text]]`, free URLs, `{{image|alt}}`,
 * `*`/`#` lists (nested), `----`, `{{{nowiki}}}` inline and as blocks, `|=` tables, `~` escapes.
 * All other text is escaped so it shows as written.
 */

const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Text shown literally in markdown (every ASCII punctuation character escaped; whitespace kept). */
function literal(text: string): string {
  return text.replace(PUNCTUATION, "\\$&");
}

function destination(url: string): string {
  return `<${url.replace(/[<>\s]/g, (char) => encodeURIComponent(char))}>`;
}

const EXTERNAL = /^(?:https?|ftp|mailto):/i;

function linkTarget(target: string): string {
  const trimmed = target.trim();
  if (EXTERNAL.test(trimmed)) return trimmed;
  // A wiki page, relative to the current one (the renderer resolves it against the page's folder).
  const [page, anchor] = trimmed.split("#", 2) as [string, string | undefined];
  return `${encodeWikiSlug(page.trim())}${anchor ? `#${encodeURIComponent(anchor)}` : ""}`;
}

/**
 * Inline markup is read by a left-to-right scanner, never by a regular expression that can
 * backtrack: every search for a closing marker is an `indexOf` whose answer is remembered, so a
 * block costs time linear in its length whatever it holds (unclosed `[[`, `{{`, `{{{`…).
 */
type InlineToken =
  | { kind: "nowiki" | "escaped" | "link" | "image" | "url"; text: string; end: number }
  | { kind: "bold" | "italic" | "lineBreak" | "mono"; end: number };

/** The first occurrence of `token` at or after a position, remembered for the next, later query. */
function finder(text: string, token: string, accept: (index: number) => boolean = () => true): (from: number) => number {
  let askedFrom = Infinity;
  let answer = -1;
  return (from) => {
    if (from >= askedFrom && (answer === -1 || answer >= from)) return answer;
    let index = text.indexOf(token, from);
    while (index !== -1 && !accept(index)) index = text.indexOf(token, index + 1);
    askedFrom = from;
    answer = index;
    return answer;
  };
}

function isWordCharacter(char: string | undefined): boolean {
  return char !== undefined && /\w/.test(char);
}

const URL_SCHEMES = ["https://", "http://", "ftp://"];
/** Characters a free URL never contains, and the punctuation it never ends with. */
const URL_STOP = /[\s[\]|<>"]/;
const URL_TRAILING = /[.,;:!?')]/;

/** The characters any inline markup starts with. */
const MARKUP_STARTS = "{~[*/\\#hf";

function inlineScanner(text: string) {
  const nextLineEnd = (() => {
    const find = [finder(text, "\n"), finder(text, "\r"), finder(text, "\u2028"), finder(text, "\u2029")];
    return (from: number) => {
      const ends = find.map((f) => f(from)).filter((index) => index !== -1);
      return ends.length === 0 ? text.length : Math.min(...ends);
    };
  })();
  const nextNowikiEnd = finder(text, "}}}", (index) => text[index + 3] !== "}");
  const nextLinkEnd = finder(text, "]]");
  const nextImageEnd = finder(text, "}}");

  /** `open` + at least `minimum` characters of one line + the closing marker found by `close`. */
  const enclosed = (start: number, open: number, minimum: number, close: (from: number) => number, closeLength: number) => {
    const contentStart = start + open;
    const closing = close(contentStart + minimum);
    if (closing === -1 || nextLineEnd(contentStart) < closing) return null;
    return { text: text.slice(contentStart, closing), end: closing + closeLength };
  };

  const freeUrl = (start: number) => {
    if (isWordCharacter(text[start - 1])) return null;
    const scheme = URL_SCHEMES.find((candidate) => text.startsWith(candidate, start));
    if (!scheme) return null;
    let end = start + scheme.length;
    while (end < text.length && !URL_STOP.test(text[end]!)) end++;
    while (end > start + scheme.length && URL_TRAILING.test(text[end - 1]!)) end--;
    return end > start + scheme.length ? { text: text.slice(start, end), end } : null;
  };

  /** The markup starting at `start`, or null when the character there is plain text. */
  return (start: number): InlineToken | null => {
    const char = text[start]!;
    if (!MARKUP_STARTS.includes(char)) return null;
    const pair = text.slice(start, start + 2);
    if (text.startsWith("{{{", start)) {
      const nowiki = enclosed(start, 3, 0, nextNowikiEnd, 3);
      if (nowiki) return { kind: "nowiki", ...nowiki };
    }
    if (char === "~" && start + 1 < text.length && !/\s/.test(text[start + 1]!)) return { kind: "escaped", text: text[start + 1]!, end: start + 2 };
    if (pair === "[[") {
      const link = enclosed(start, 2, 1, nextLinkEnd, 2);
      if (link) return { kind: "link", ...link };
    }
    if (pair === "{{") {
      const image = enclosed(start, 2, 1, nextImageEnd, 2);
      if (image) return { kind: "image", ...image };
    }
    if (pair === "**") return { kind: "bold", end: start + 2 };
    if (pair === "//") return { kind: "italic", end: start + 2 };
    if (pair === "\\\\") return { kind: "lineBreak", end: start + 2 };
    if (pair === "##") return { kind: "mono", end: start + 2 };
    if (char === "h" || char === "f") {
      const url = freeUrl(start);
      if (url) return { kind: "url", ...url };
    }
    return null;
  };
}

/** One line (or paragraph) of Creole inline markup as markdown. */
export function creoleInline(text: string): string {
  let out = "";
  let last = 0;
  const open: string[] = [];
  const toggle = (marker: string, markdown: string) => {
    if (open.at(-1) === marker) {
      open.pop();
      out += markdown;
    } else if (!open.includes(marker)) {
      open.push(marker);
      out += markdown;
    } else {
      out += literal(marker);
    }
  };
  const tokenAt = inlineScanner(text);
  for (let position = 0; position < text.length; ) {
    const token = tokenAt(position);
    if (!token) {
      position++;
      continue;
    }
    out += literal(text.slice(last, position));
    position = last = token.end;
    if (token.kind === "nowiki") {
      const nowiki = token.text;
      const fence = "`".repeat(longestBacktickRun(nowiki) + 1);
      out += nowiki.startsWith("`") || nowiki.endsWith("`") ? `${fence} ${nowiki} ${fence}` : `${fence}${nowiki}${fence}`;
    } else if (token.kind === "escaped") {
      out += literal(token.text);
    } else if (token.kind === "link") {
      const link = token.text;
      const bar = link.indexOf("|");
      const target = bar === -1 ? link : link.slice(0, bar);
      const label = bar === -1 ? link : link.slice(bar + 1);
      out += `[${literal(label.trim())}](${destination(linkTarget(target))})`;
    } else if (token.kind === "image") {
      const image = token.text;
      const bar = image.indexOf("|");
      const source = (bar === -1 ? image : image.slice(0, bar)).trim();
      const alt = bar === -1 ? "" : image.slice(bar + 1).trim();
      out += `![${literal(alt)}](${destination(EXTERNAL.test(source) ? source : encodeWikiSlug(source))})`;
    } else if (token.kind === "bold") {
      toggle("**", "**");
    } else if (token.kind === "italic") {
      toggle("//", "_");
    } else if (token.kind === "mono") {
      toggle("##", "`");
    } else if (token.kind === "lineBreak") {
      out += "\\\n";
    } else if (token.kind === "url") {
      out += `[${literal(token.text)}](${destination(token.text)})`;
    }
  }
  out += literal(text.slice(last));
  // Creole closes open formatting at the end of the block.
  for (const marker of open.reverse()) out += marker === "**" ? "**" : marker === "//" ? "_" : "`";
  return out;
}

function tableCells(line: string): Array<{ header: boolean; text: string }> {
  const body = line.trim().replace(/^\|/, "").replace(/\|\s*$/, "");
  const cells: string[] = [];
  let current = "";
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const pair = body.slice(i, i + 2);
    if (pair === "[[" || pair === "{{") {
      depth++;
      current += pair;
      i++;
    } else if ((pair === "]]" || pair === "}}") && depth > 0) {
      depth--;
      current += pair;
      i++;
    } else if (body[i] === "|" && depth === 0) {
      cells.push(current);
      current = "";
    } else {
      current += body[i];
    }
  }
  cells.push(current);
  return cells.map((cell) => (cell.startsWith("=") ? { header: true, text: cell.slice(1).trim() } : { header: false, text: cell.trim() }));
}

function table(rows: string[]): string[] {
  const parsed = rows.map(tableCells);
  const width = Math.max(...parsed.map((row) => row.length));
  const line = (row: Array<{ text: string }>) => `| ${Array.from({ length: width }, (_, i) => creoleInline(row[i]?.text ?? "")).join(" | ")} |`;
  // Markdown tables need a header row: the first row is it.
  const [header, ...body] = parsed;
  return [line(header!), `|${" --- |".repeat(width)}`, ...body.map(line)];
}

/** Deeper Creole lists are shown at this depth: markdown renderers stop nesting long before. */
const MAX_LIST_DEPTH = 8;

/** The run of `markers` characters a line starts with (after indentation), and the text after it and its spaces. */
function leadingRun(line: string, markers: string): { run: string; rest: string } {
  const indented = line.trimStart();
  let end = 0;
  while (end < indented.length && markers.includes(indented[end]!)) end++;
  return { run: indented.slice(0, end), rest: indented.slice(end).trimStart() };
}

/** `= Title =` (up to six `=`; the closing ones are optional): its level and text. */
function headingOf(line: string): { level: number; text: string } | null {
  const indented = line.trimStart();
  if (!indented.startsWith("=")) return null;
  let level = 0;
  while (level < 6 && indented[level] === "=") level++;
  let end = indented.length;
  while (end > level && /\s/.test(indented[end - 1]!)) end--;
  while (end > level && indented[end - 1] === "=") end--;
  return { level, text: indented.slice(level, end).trim() };
}

export function creoleToMarkdown(source: string): string {
  const lines = (source ?? "").replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let paragraph: string[] = [];
  let inList = false;

  const flushParagraph = () => {
    if (paragraph.length > 0) {
      out.push(creoleInline(paragraph.join("\n")), "");
      paragraph = [];
    }
  };
  const endList = () => {
    if (inList) out.push("");
    inList = false;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*$/.test(line)) {
      flushParagraph();
      endList();
      continue;
    }
    if (/^\{\{\{\s*$/.test(line)) {
      flushParagraph();
      endList();
      const code: string[] = [];
      let j = i + 1;
      while (j < lines.length && !/^\}\}\}\s*$/.test(lines[j]!)) code.push(lines[j++]!);
      const fence = "`".repeat(Math.max(3, longestBacktickRun(code.join("\n")) + 1));
      out.push(fence, ...code, fence, "");
      i = j;
      continue;
    }
    const heading = headingOf(line);
    if (heading) {
      flushParagraph();
      endList();
      out.push(`${"#".repeat(heading.level)} ${creoleInline(heading.text)}`, "");
      continue;
    }
    if (/^\s*-{4,}\s*$/.test(line)) {
      flushParagraph();
      endList();
      out.push("---", "");
      continue;
    }
    const { run: markers, rest: itemText } = leadingRun(line, "*#");
    // `**bold**` starting a line is bold, not a second-level item, unless a list is going on.
    if (markers && (inList || markers.length === 1 || markers[0] === "#") && !(markers.startsWith("**") && !inList) && !(markers === "#" && itemText.startsWith("#"))) {
      flushParagraph();
      out.push(`${"    ".repeat(Math.min(markers.length, MAX_LIST_DEPTH) - 1)}${markers.at(-1) === "#" ? "1." : "-"} ${creoleInline(itemText)}`);
      inList = true;
      continue;
    }
    if (/^\s*\|/.test(line)) {
      flushParagraph();
      endList();
      const rows: string[] = [];
      let j = i;
      while (j < lines.length && /^\s*\|/.test(lines[j]!)) rows.push(lines[j++]!);
      out.push(...table(rows), "");
      i = j - 1;
      continue;
    }
    if (inList) {
      // A line after a list item continues it.
      out[out.length - 1] += ` ${creoleInline(line.trim())}`;
      continue;
    }
    paragraph.push(line);
  }
  flushParagraph();
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trim() + "\n";
}
