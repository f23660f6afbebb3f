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

const INLINE =
  /\{\{\{(.*?)\}\}\}(?!\})|~(\S)|\[\[(.+?)\]\]|\{\{(.+?)\}\}|(\*\*)|(\/\/)|(\\\\)|(##)|\b((?:https?|ftp):\/\/[^\s[\]|<>"]*[^\s[\]|<>".,;:!?')])/g;

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
  for (const match of text.matchAll(INLINE)) {
    out += literal(text.slice(last, match.index));
    last = match.index + match[0].length;
    const [whole, nowiki, escaped, link, image, bold, italic, lineBreak, mono, url] = match;
    if (nowiki !== undefined) {
      const fence = "`".repeat(longestBacktickRun(nowiki) + 1);
      out += nowiki.startsWith("`") || nowiki.endsWith("`") ? `${fence} ${nowiki} ${fence}` : `${fence}${nowiki}${fence}`;
    } else if (escaped !== undefined) {
      out += literal(escaped);
    } else if (link !== undefined) {
      const bar = link.indexOf("|");
      const target = bar === -1 ? link : link.slice(0, bar);
      const label = bar === -1 ? link : link.slice(bar + 1);
      out += `[${literal(label.trim())}](${destination(linkTarget(target))})`;
    } else if (image !== undefined) {
      const bar = image.indexOf("|");
      const source = (bar === -1 ? image : image.slice(0, bar)).trim();
      const alt = bar === -1 ? "" : image.slice(bar + 1).trim();
      out += `![${literal(alt)}](${destination(EXTERNAL.test(source) ? source : encodeWikiSlug(source))})`;
    } else if (bold !== undefined) {
      toggle("**", "**");
    } else if (italic !== undefined) {
      toggle("//", "_");
    } else if (mono !== undefined) {
      toggle("##", "`");
    } else if (lineBreak !== undefined) {
      out += "\\\n";
    } else if (url !== undefined) {
      out += `[${literal(url)}](${destination(url)})`;
    } else {
      out += literal(whole);
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
    const heading = /^\s*(={1,6})\s*(.*?)\s*=*\s*$/.exec(line);
    if (heading) {
      flushParagraph();
      endList();
      out.push(`${"#".repeat(heading[1]!.length)} ${creoleInline(heading[2]!)}`, "");
      continue;
    }
    if (/^\s*-{4,}\s*$/.test(line)) {
      flushParagraph();
      endList();
      out.push("---", "");
      continue;
    }
    const item = /^\s*([*#]+)\s*(.*)$/.exec(line);
    // `**bold**` starting a line is bold, not a second-level item, unless a list is going on.
    if (item && (inList || item[1]!.length === 1 || item[1]![0] === "#") && !(item[1]!.startsWith("**") && !inList) && !(item[1] === "#" && item[2]!.startsWith("#"))) {
      flushParagraph();
      const markers = item[1]!;
      out.push(`${"    ".repeat(markers.length - 1)}${markers.at(-1) === "#" ? "1." : "-"} ${creoleInline(item[2]!)}`);
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
