import type { StateCore, Token } from "markdown-it";
import sanitizeHtml from "sanitize-html";
import { createMarkdownIt } from "./parser";

export type RenderMarkdownOptions = {
  /**
   * Where relative links and images point from, absolute (`https://ferry.example.com/acme/app/-/blob/main/docs/`)
   * or root-relative (`/acme/app/-/blob/main/docs/`). Without it relative URLs are left as written.
   * Links to the base's origin count as internal: they do not get `rel="nofollow noopener noreferrer"`.
   */
  baseUrl?: string;
};

type RenderEnv = { baseUrl?: string };

const LINK_SCHEMES = ["http", "https", "mailto"];
const IMAGE_SCHEMES = ["http", "https"];
const EXTERNAL_REL = "nofollow noopener noreferrer";
/** Stand-in origin for resolving against a root-relative base; never appears in output. */
const PLACEHOLDER_ORIGIN = "http://ferry.invalid";

/** Characters browsers drop or ignore in URLs, used to smuggle schemes past naive checks (`java\tscript:`). */
const IGNORED_URL_CHARACTERS = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]/g;

function cleanUrl(url: string): string {
  return url.replace(IGNORED_URL_CHARACTERS, "");
}

/** The URL's scheme in lower case, or null for a relative URL. */
function schemeOf(url: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(cleanUrl(url));
  return match ? match[1]!.toLowerCase() : null;
}

/** `//host` and its backslash variants, which browsers treat as another host. */
function isProtocolRelative(url: string): boolean {
  return /^[\\/]{2}/.test(cleanUrl(url));
}

/** The percent-decoded form of a URL or a part of one; text that does not decode stays as it is. */
export function percentDecoded(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/**
 * markdown-it's check for link, autolink, linkify and image URLs: http(s), mailto and relative
 * only. markdown-it hands over the percent-encoded form, so the decoded form is checked as well:
 * `java%09script:` would only be a harmless relative path, but it is refused like the real thing.
 */
function validateLink(url: string): boolean {
  return [url, percentDecoded(url)].every((candidate) => {
    if (isProtocolRelative(candidate)) return false;
    const scheme = schemeOf(candidate);
    return scheme === null || LINK_SCHEMES.includes(scheme);
  });
}

function resolveUrl(url: string, baseUrl: string | undefined): string {
  if (!baseUrl || url.startsWith("#") || schemeOf(url) !== null || isProtocolRelative(url)) return url;
  try {
    if (schemeOf(baseUrl) !== null) return new URL(url, baseUrl).href;
    const resolved = new URL(url, PLACEHOLDER_ORIGIN + (baseUrl.startsWith("/") ? baseUrl : `/${baseUrl}`));
    return resolved.origin === PLACEHOLDER_ORIGIN ? resolved.pathname + resolved.search + resolved.hash : resolved.href;
  } catch {
    return url;
  }
}

function originOf(url: string | undefined): string | null {
  if (!url || schemeOf(url) === null) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** True unless the URL is relative or on the base's origin. */
function isExternal(href: string, baseOrigin: string | null): boolean {
  if (isProtocolRelative(href)) return true;
  if (schemeOf(href) === null) return false;
  return baseOrigin === null || originOf(href) !== baseOrigin;
}

const TABLE_ALIGNMENT = /^text-align:\s*(left|center|right)$/;

/** Resolves relative URLs, marks images lazy, and turns table alignment styles into `align` attributes. */
function adjustTokens(tokens: Token[], env: RenderEnv): void {
  for (const token of tokens) {
    if (token.type === "link_open") {
      const href = token.attrGet("href");
      if (href !== null) token.attrSet("href", resolveUrl(href, env.baseUrl));
    } else if (token.type === "image") {
      const src = token.attrGet("src");
      if (src !== null) token.attrSet("src", resolveUrl(src, env.baseUrl));
      token.attrSet("loading", "lazy");
    } else if (token.type === "th_open" || token.type === "td_open") {
      const style = token.attrGet("style");
      if (style !== null) {
        token.attrs = (token.attrs ?? []).filter(([name]) => name !== "style");
        const alignment = TABLE_ALIGNMENT.exec(style);
        if (alignment) token.attrSet("align", alignment[1]!);
      }
    }
    if (token.children) adjustTokens(token.children, env);
  }
}

const md = createMarkdownIt();
md.validateLink = validateLink;
md.core.ruler.push("ferry_adjust_tokens", (state: StateCore) => {
  adjustTokens(state.tokens, state.env as RenderEnv);
});

const ALIGN = { name: "align", multiple: false, values: ["left", "center", "right"] };

function sanitizeOptions(baseOrigin: string | null): sanitizeHtml.IOptions {
  return {
    allowedTags: [
      "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr",
      "ul", "ol", "li", "blockquote", "pre", "code",
      "em", "strong", "s", "del", "a", "img",
      "table", "thead", "tbody", "tr", "th", "td",
    ],
    allowedAttributes: {
      a: ["href", "title", "rel"],
      img: ["src", "alt", "title", "loading"],
      ol: ["start"],
      code: ["class"],
      th: [ALIGN],
      td: [ALIGN],
    },
    allowedClasses: { code: [/^language-[A-Za-z0-9_+#.-]+$/] },
    allowedSchemes: LINK_SCHEMES,
    allowedSchemesByTag: { img: IMAGE_SCHEMES },
    allowedSchemesAppliedToAttributes: ["href", "src"],
    allowProtocolRelative: false,
    allowVulnerableTags: false,
    disallowedTagsMode: "discard",
    // An image whose src was refused (data:, javascript:, mailto:) is dropped rather than left empty.
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
    transformTags: {
      a: (tagName, attribs) => {
        const out: sanitizeHtml.Attributes = {};
        if (attribs.href !== undefined) out.href = attribs.href;
        if (attribs.title !== undefined) out.title = attribs.title;
        if (attribs.href !== undefined && isExternal(attribs.href, baseOrigin)) out.rel = EXTERNAL_REL;
        return { tagName, attribs: out };
      },
      img: (tagName, attribs) => {
        const out: sanitizeHtml.Attributes = {};
        if (attribs.src !== undefined) out.src = attribs.src;
        if (attribs.alt !== undefined) out.alt = attribs.alt;
        if (attribs.title !== undefined) out.title = attribs.title;
        out.loading = "lazy";
        return { tagName, attribs: out };
      },
    },
  };
}

/**
 * Renders user-written markdown (descriptions, comments, imported text) to HTML that is safe to
 * insert with `dangerouslySetInnerHTML`. markdown-it escapes raw HTML and refuses unsafe link
 * schemes; sanitize-html then enforces an explicit allowlist as a second line of defence.
 */
export function renderMarkdown(source: string, options: RenderMarkdownOptions = {}): string {
  if (!source) return "";
  const env: RenderEnv = { baseUrl: options.baseUrl };
  const html = md.render(source, env);
  return sanitizeHtml(html, sanitizeOptions(originOf(options.baseUrl)));
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** Text shown as written (plain-text READMEs, text that is not markdown): escaped and preformatted. */
export function renderPlainText(text: string): string {
  return `<pre class="plain-text">${escapeHtml(text ?? "")}</pre>`;
}
