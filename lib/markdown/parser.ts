import MarkdownIt from "markdown-it";

/**
 * The markdown dialect Ferry renders: CommonMark plus GFM tables and strikethrough (markdown-it's
 * "default" preset), raw HTML escaped, bare URLs linked, no typographic replacements, and no
 * hard breaks on single newlines (GitLab's behaviour).
 *
 * Shared with lib/import/content so that text conversion skips exactly what the renderer treats
 * as code. Returns a fresh instance: callers may add rules without affecting each other.
 */
export function createMarkdownIt(): MarkdownIt {
  return new MarkdownIt("default", { html: false, linkify: true, typographer: false, breaks: false });
}
