import { escapeMarkdownInline, longestBacktickRun } from "@/lib/import/content/escape";
import { mapMatches, mapProse } from "@/lib/import/content/markdown-structure";
import { linkShortReferencesInProse, SHORT_REFERENCE_SOURCE } from "@/lib/import/content/short-references";
import { encodeWikiSlug } from "./wiki";

/**
 * WikiCreole 1.0 (the markup of older Bitbucket wikis, `.wiki` files, and of issues whose content
 * says `markup: "creole"`) converted to Ferry's markdown, which the shared renderer then turns into
 * sanitized HTML: no second HTML path, and the same link rules (http/https/mailto only, relative
 * links resolved against the page).
 *
 * Covered: headings (`= … =`), paragraphs, `**bold**`, `//italic//`, `##monospace##`, `\\`
 * line breaks, `[[page]]`, `[[page|text]]`, `[[http://…|text]]`, free URLs, `{{image|alt}}`,
 * `*`/`#` lists (nested), `----`, `{{{nowiki}}}` inline and as blocks, `|=` tables, `~` escapes.
 * All other text is escaped so it shows as written.
 */

const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Text shown literally in markdown (every ASCII punctuation character escaped; whitespace kept). */
export function markdownLiteral(text: string): string {
  return text.replace(PUNCTUATION, "\\$&");
}

function destination(url: string): string {
  return `<${url.replace(/[<>\s]/g, (char) => encodeURIComponent(char))}>`;
}

const EXTERNAL = /^(?:https?|ftp|mailto):/i;

export type MarkupOptions = {
  /**
   * Prefix of wiki page links (`[[Setup Guide]]`) and images by name: "" (the default) leaves them
   * relative to the current page, which the renderer resolves against the page's folder; text
   * outside the wiki (an issue) passes the wiki's root URL.
   */
  pageBase?: string;
  /**
   * Writes a stretch of plain text (no markup in it) as markdown. The default escapes every
   * punctuation character, so the text shows as written; imported text also turns mentions and
   * references into links here.
   */
  plainText?: (text: string) => string;
};

/** A wiki page link target: external URLs as they are, page names URL-encoded below `pageBase`. */
export function wikiLinkTarget(target: string, pageBase = ""): string {
  const trimmed = target.trim();
  if (EXTERNAL.test(trimmed)) return trimmed;
  const [page, anchor] = trimmed.split("#", 2) as [string, string | undefined];
  return `${pageBase}${encodeWikiSlug(page.trim())}${anchor ? `#${encodeURIComponent(anchor)}` : ""}`;
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
/** Plain text has no markup but free URLs. */
const PLAIN_TEXT_STARTS = "hf";

function inlineScanner(text: string, starts: string) {
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
    if (!starts.includes(char)) return null;
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
export function creoleInline(text: string, options: MarkupOptions = {}): string {
  return inlineMarkdown(text, MARKUP_STARTS, options);
}

function inlineMarkdown(text: string, starts: string, options: MarkupOptions): string {
  const plain = options.plainText ?? markdownLiteral;
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
      out += markdownLiteral(marker);
    }
  };
  const tokenAt = inlineScanner(text, starts);
  for (let position = 0; position < text.length; ) {
    const token = tokenAt(position);
    if (!token) {
      position++;
      continue;
    }
    out += plain(text.slice(last, position));
    position = last = token.end;
    if (token.kind === "nowiki") {
      const nowiki = token.text;
      const fence = "`".repeat(longestBacktickRun(nowiki) + 1);
      out += nowiki.startsWith("`") || nowiki.endsWith("`") ? `${fence} ${nowiki} ${fence}` : `${fence}${nowiki}${fence}`;
    } else if (token.kind === "escaped") {
      out += markdownLiteral(token.text);
    } else if (token.kind === "link") {
      const link = token.text;
      const bar = link.indexOf("|");
      const target = bar === -1 ? link : link.slice(0, bar);
      const label = bar === -1 ? link : link.slice(bar + 1);
      out += `[${markdownLiteral(label.trim())}](${destination(wikiLinkTarget(target, options.pageBase))})`;
    } else if (token.kind === "image") {
      const image = token.text;
      const bar = image.indexOf("|");
      const source = (bar === -1 ? image : image.slice(0, bar)).trim();
      const alt = bar === -1 ? "" : image.slice(bar + 1).trim();
      out += `![${markdownLiteral(alt)}](${destination(EXTERNAL.test(source) ? source : `${options.pageBase ?? ""}${encodeWikiSlug(source)}`)})`;
    } else if (token.kind === "bold") {
      toggle("**", "**");
    } else if (token.kind === "italic") {
      toggle("//", "_");
    } else if (token.kind === "mono") {
      toggle("##", "`");
    } else if (token.kind === "lineBreak") {
      out += "\\\n";
    } else if (token.kind === "url") {
      out += `[${markdownLiteral(token.text)}](${destination(token.text)})`;
    }
  }
  out += plain(text.slice(last));
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

function table(rows: string[], options: MarkupOptions): string[] {
  const parsed = rows.map(tableCells);
  const width = Math.max(...parsed.map((row) => row.length));
  const line = (row: Array<{ text: string }>) => `| ${Array.from({ length: width }, (_, i) => creoleInline(row[i]?.text ?? "", options)).join(" | ")} |`;
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

export function creoleToMarkdown(source: string, options: MarkupOptions = {}): string {
  const lines = (source ?? "").replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let paragraph: string[] = [];
  let inList = false;

  const flushParagraph = () => {
    if (paragraph.length > 0) {
      out.push(creoleInline(paragraph.join("\n"), options), "");
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
      out.push(`${"#".repeat(heading.level)} ${creoleInline(heading.text, options)}`, "");
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
      out.push(`${"    ".repeat(Math.min(markers.length, MAX_LIST_DEPTH) - 1)}${markers.at(-1) === "#" ? "1." : "-"} ${creoleInline(itemText, options)}`);
      inList = true;
      continue;
    }
    if (/^\s*\|/.test(line)) {
      flushParagraph();
      endList();
      const rows: string[] = [];
      let j = i;
      while (j < lines.length && /^\s*\|/.test(lines[j]!)) rows.push(lines[j++]!);
      out.push(...table(rows, options), "");
      i = j - 1;
      continue;
    }
    if (inList) {
      // A line after a list item continues it.
      out[out.length - 1] += ` ${creoleInline(line.trim(), options)}`;
      continue;
    }
    paragraph.push(line);
  }
  flushParagraph();
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trim() + "\n";
}

/**
 * Plain text (Bitbucket's `markup: "plaintext"`) as markdown that shows it as written: paragraphs
 * kept, each line break a hard break, free URLs linked, everything else literal.
 */
export function plainTextToMarkdown(source: string, options: MarkupOptions = {}): string {
  const paragraphs = (source ?? "").replace(/\r\n?/g, "\n").split(/\n[ \t]*\n/);
  return (
    paragraphs
      .map((paragraph) => paragraph.split("\n").filter((line) => line.trim() !== "").map((line) => inlineMarkdown(line.trim(), PLAIN_TEXT_STARTS, options)).join("\\\n"))
      .filter(Boolean)
      .join("\n\n") + "\n"
  );
}

/** The markups imported text and wiki pages are written in; anything else is markdown already. */
export type Markup = "markdown" | "creole" | "plaintext";

export type MarkupToMarkdownOptions = MarkupOptions & {
  /** Markdown's wiki page links (`[[Setup Guide]]`, `[[Setup Guide|label]]`, Bitbucket's syntax) become links. */
  wikiLinks?: boolean;
  /** When given, short references (`#4`, `issue #4`, `pull request #3`, `!3`) link into this project (absolute or root-relative URL). */
  projectUrl?: string;
};

/**
 * The one way text in another markup becomes Ferry's markdown, for wiki pages and imported issues
 * and comments alike, chosen by the text's markup. Markdown comes back as it is, apart from wiki
 * page links and short references when asked for.
 */
export function markupToMarkdown(source: string, markup: string | null | undefined, options: MarkupToMarkdownOptions = {}): string {
  const { projectUrl } = options;
  const linkReferences = (prose: string) => (projectUrl ? linkShortReferencesInProse(prose, projectUrl) : prose);
  if (markup === "creole" || markup === "plaintext") {
    const plainText = options.plainText ?? (projectUrl ? (text: string) => mapMatches(text, SHORT_REFERENCE, linkReferences, markdownLiteral) : undefined);
    const withPlainText = { ...options, plainText };
    return markup === "creole" ? creoleToMarkdown(source, withPlainText) : plainTextToMarkdown(source, withPlainText);
  }
  if (!options.wikiLinks && !projectUrl) return source;
  return mapProse(source, (prose) => linkReferences(options.wikiLinks ? convertWikiLinksInProse(prose, options.pageBase) : prose));
}

const SHORT_REFERENCE = new RegExp(SHORT_REFERENCE_SOURCE, "giu");

/** `[[page]]` or `[[page|label]]` on one line, without brackets inside: linear to match (each attempt stops at the next bracket). */
const MARKDOWN_WIKI_LINK = /\[\[([^[\]\n|]+)(?:\|([^[\]\n]+))?\]\]/g;

/** Bitbucket's wiki links in one stretch of markdown prose (no code in it) become markdown links. */
function convertWikiLinksInProse(prose: string, pageBase = ""): string {
  if (!prose.includes("[[")) return prose;
  return prose.replace(MARKDOWN_WIKI_LINK, (_match, target: string, label: string | undefined) =>
    `[${escapeMarkdownInline(label ?? target)}](${destination(wikiLinkTarget(target, pageBase))})`,
  );
}
