/**
 * A small renderer for the `html` of Bitbucket's rendered content objects
 * ({raw, markup, html, type: "rendered"}). It covers what the generated content uses:
 * paragraphs, headings, lists, fenced code, inline code, links, bare URLs and
 * `@{account_id}` mentions. Bitbucket's real HTML differs in detail (classes, attributes);
 * importers should use `raw`.
 */
import { escapeHtml } from "./responses";

export interface MentionTarget {
  readonly display_name: string;
  readonly uuid: string;
}

export interface RenderOptions {
  readonly webUrl: string;
  readonly mention: (accountId: string) => MentionTarget | undefined;
}

function inline(text: string, options: RenderOptions): string {
  // Tokenize code spans first so nothing inside them is touched.
  const parts = text.split(/(`[^`]*`)/);
  return parts
    .map((part) => {
      if (part.startsWith("`") && part.endsWith("`") && part.length >= 2) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      let html = "";
      const pattern = /\[([^\]]+)\]\(([^)\s]+)\)|@\{([^}]+)\}|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;
      let last = 0;
      for (let match = pattern.exec(part); match; match = pattern.exec(part)) {
        html += escapeHtml(part.slice(last, match.index));
        if (match[1] !== undefined) {
          html += `<a href="${escapeHtml(match[2]!)}" rel="nofollow">${escapeHtml(match[1])}</a>`;
        } else if (match[3] !== undefined) {
          const target = options.mention(match[3]);
          html += target
            ? `<a href="${escapeHtml(`${options.webUrl}/${encodeURIComponent(target.uuid)}/`)}" rel="nofollow" class="ap-mention" data-account-id="${escapeHtml(match[3])}">@${escapeHtml(target.display_name)}</a>`
            : escapeHtml(match[0]);
        } else {
          html += `<a href="${escapeHtml(match[4]!)}" rel="nofollow">${escapeHtml(match[4]!)}</a>`;
        }
        last = match.index + match[0].length;
      }
      return html + escapeHtml(part.slice(last)).replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
    })
    .join("");
}

export function renderMarkdown(raw: string, options: RenderOptions): string {
  const blocks: string[] = [];
  const lines = raw.replace(/\r\n/g, "\n").split("\n");
  let paragraph: string[] = [];
  let list: string[] = [];
  let ordered = false;
  const flush = () => {
    if (paragraph.length > 0) blocks.push(`<p>${paragraph.map((line) => inline(line, options)).join("<br>\n")}</p>`);
    if (list.length > 0) blocks.push(`<${ordered ? "ol" : "ul"}>\n${list.map((item) => `<li>${inline(item, options)}</li>`).join("\n")}\n</${ordered ? "ol" : "ul"}>`);
    paragraph = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("```")) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) code.push(lines[i]!);
      blocks.push(`<div class="codehilite"><pre><span></span>${escapeHtml(code.join("\n"))}\n</pre></div>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+\.\s+(.*)$/.exec(line);
    if (line.trim() === "") flush();
    else if (heading) {
      flush();
      blocks.push(`<h${heading[1]!.length} id="markdown-header-${heading[2]!.toLowerCase().replace(/[^a-z0-9]+/g, "-")}">${inline(heading[2]!, options)}</h${heading[1]!.length}>`);
    } else if (bullet || numbered) {
      if (paragraph.length > 0 || (list.length > 0 && ordered !== Boolean(numbered))) flush();
      ordered = Boolean(numbered);
      list.push((bullet ?? numbered)![1]!);
    } else {
      if (list.length > 0) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks.join("\n");
}

/** Creole (old wikis and some issues): headings, bullets, bold, nowiki blocks; the rest as text. */
export function renderCreole(raw: string, options: RenderOptions): string {
  const converted = raw
    .replace(/\{\{\{\n([\s\S]*?)\n\}\}\}/g, (_, code: string) => `\`\`\`\n${code}\n\`\`\``)
    .replace(/^(=+)\s*(.*?)\s*=*\s*$/gm, (_, marks: string, text: string) => `${"#".repeat(marks.length)} ${text}`);
  return renderMarkdown(converted, options);
}

export function renderPlaintext(raw: string): string {
  return raw.trim() === "" ? "" : `<p>${escapeHtml(raw).replace(/\n/g, "<br>\n")}</p>`;
}

export function render(raw: string, markup: "markdown" | "creole" | "plaintext", options: RenderOptions): string {
  if (raw === "") return "";
  if (markup === "creole") return renderCreole(raw, options);
  if (markup === "plaintext") return renderPlaintext(raw);
  return renderMarkdown(raw, options);
}
