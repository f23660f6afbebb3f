/**
 * Markdown rendering for Ferry. React-free: server components call these and insert the result
 * with `dangerouslySetInnerHTML`; the output is sanitized.
 */
export { renderMarkdown, renderPlainText, escapeHtml, percentDecoded, type RenderMarkdownOptions } from "./render";
export { createMarkdownIt } from "./parser";
