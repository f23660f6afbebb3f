import { percentDecoded } from "@/lib/markdown";
import { mapProse } from "./markdown-structure";

/**
 * Links to the source repository, rewritten to the Ferry project (GitLab's URL scheme).
 *
 * Unlike GitLab's RefConverter (a global substring replace, comments only) this finds URLs,
 * parses them, and rewrites only those that are exactly on the source repository:
 *
 * | Bitbucket (after the repository path)        | Ferry (after the project URL)       |
 * |----------------------------------------------|-------------------------------------|
 * | (nothing)                                    | (nothing)                           |
 * | `/issues`                                    | `/-/issues`                         |
 * | `/issues/3[/title-slug]`                     | `/-/issues/3`                       |
 * | `/pull-requests`                             | `/-/merge_requests`                 |
 * | `/pull-requests/5[/title-slug]`              | `/-/merge_requests/5`               |
 * | `/pull-requests/5[/…]/diff`                  | `/-/merge_requests/5/diffs`         |
 * | `/pull-requests/5[/…]/commits`               | `/-/merge_requests/5/commits`       |
 * | `…#comment-7` (issues, pull requests)        | `…#source-note-7`                   |
 * | `/src/<ref>` or `/src/<ref>/`                | `/-/tree/<ref>`                     |
 * | `/src/<ref>/<dir>/`                          | `/-/tree/<ref>/<dir>`               |
 * | `/src/<ref>/<path>[#lines-5[:9]]`            | `/-/blob/<ref>/<path>[#L5[-9]]`     |
 * | `/raw/<ref>/<path>` (images, downloads)      | `/-/raw/<ref>/<path>`               |
 * | `/commits`                                   | `/-/commits`                        |
 * | `/commits/<sha>`                             | `/-/commit/<sha>`                   |
 * | `/commits/branch/<name>`, `/commits/tag/<n>` | `/-/commits/<name>`                 |
 * | `/branch/<name>`                             | `/-/tree/<name>`                    |
 * | `…#markdown-header-intro` (root, files)      | `…#intro`                           |
 *
 * `#comment-7` becomes `#source-note-7`, not GitLab's `#note_<id>`: Ferry's note id is not known
 * when the text is converted (the comment may be imported later, or belong to another thread),
 * and a guessed `#note_7` would point at an unrelated note. The notes UI should give each imported
 * note `id="source-note-<sourceId>"` (see `sourceNoteAnchor`); until it does, the link still lands
 * on the right issue or merge request.
 *
 * Anything else on the repository (`/downloads`, `/wiki`, `/issues/new`, `.git`…) stays as it
 * is. Query strings (`?at=main`, `?fileviewer=…`) are Bitbucket UI state and are dropped from
 * rewritten URLs, as are fragments without a Ferry counterpart (`#chg-…`).
 *
 * "On the source repository" means: same host and port as `sourceRepositoryUrl` (http and https,
 * and a `www.` prefix, count as the same site), then exactly the repository's path segments,
 * compared case-insensitively and after resolving `..`; so `…/rocket-launcher-experiments` and
 * other workspaces never match.
 *
 * URLs are recognised bare, in autolinks (`<…>`) and in link and image destinations (`[x](…)`).
 * A URL used as link text is rewritten too, so the text does not keep pointing people to
 * Bitbucket. Code spans and code blocks are left literal.
 *
 * Short references (`#12`, `pull request #5`) are linked by ./short-references.ts.
 */

export type ReferenceOptions = {
  /** Web URL of the source repository, e.g. `https://bitbucket.org/acme/rocket-launcher`. */
  sourceRepositoryUrl: string;
  /** The Ferry project, absolute (`https://ferry.example.com/acme/rocket-launcher`) or root-relative (`/acme/rocket-launcher`). */
  targetProjectUrl: string;
};

/** The fragment (without `#`) that a link to a source comment becomes; imported notes should carry it as their element id. */
export function sourceNoteAnchor(sourceCommentId: string | number): string {
  return `source-note-${sourceCommentId}`;
}

/**
 * A URL (group 2) not preceded by a letter or digit, with the `<` and `>` of an autolink around it
 * (groups 1 and 3). It ends at whitespace or at characters that never occur unescaped in one.
 */
const URL_PATTERN = /(<?)(?<![A-Za-z0-9])(https?:\/\/[^\s<>"`[\]{}|\\^]+)(>?)/gi;
const TRAILING_PUNCTUATION = new Set([".", ",", ";", ":", "!", "?", "'", "*", "_", "~"]);

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** Removes sentence punctuation and unbalanced closing parentheses from the end of a bare URL. */
function trimTrailing(url: string): string {
  const opening = count(url, "(");
  let closing = count(url, ")");
  let end = url.length;
  while (end > 0) {
    const char = url[end - 1]!;
    if (TRAILING_PUNCTUATION.has(char)) {
      end--;
    } else if (char === ")" && closing > opening) {
      end--;
      closing--;
    } else {
      break;
    }
  }
  return url.slice(0, end);
}

function hostKey(url: URL): string {
  return `${url.hostname.replace(/^www\./, "")}:${url.port}`;
}

function lineFragment(hash: string): string {
  const match = /^#lines-(\d+)(?::(\d+))?/.exec(hash);
  if (!match) return headerFragment(hash);
  return match[2] && match[2] !== match[1] ? `#L${match[1]}-${match[2]}` : `#L${match[1]}`;
}

function headerFragment(hash: string): string {
  const match = /^#markdown-header-(.+)$/.exec(hash);
  return match ? `#${match[1]}` : "";
}

function commentFragment(hash: string): string {
  const match = /^#comment-(\d+)$/.exec(hash);
  return match ? `#${sourceNoteAnchor(match[1]!)}` : "";
}

const isNumber = (segment: string | undefined): segment is string => segment !== undefined && /^\d+$/.test(segment);
const isSha = (segment: string | undefined): segment is string => segment !== undefined && /^[0-9a-f]{7,40}$/i.test(segment);

/**
 * The Ferry path (with fragment) for `rest`, the path segments after the repository, or null
 * when the URL has no Ferry counterpart. A trailing slash shows up as a final empty segment.
 */
function mapPath(rest: string[], hash: string): string | null {
  const parts = rest.at(-1) === "" ? rest.slice(0, -1) : rest;
  const trailingSlash = parts.length !== rest.length;
  const [section, id] = parts;
  if (section === undefined) return headerFragment(hash);
  switch (section) {
    case "issues":
      if (parts.length === 1) return "/-/issues";
      if (isNumber(id)) return `/-/issues/${id}${commentFragment(hash)}`;
      return null;
    case "pull-requests": {
      if (parts.length === 1) return "/-/merge_requests";
      if (!isNumber(id)) return null;
      const more = parts.slice(2);
      const tab = more.includes("diff") ? "/diffs" : more.includes("commits") ? "/commits" : "";
      return `/-/merge_requests/${id}${tab}${commentFragment(hash)}`;
    }
    case "src": {
      if (id === undefined) return "";
      const path = parts.slice(2);
      if (path.length === 0) return `/-/tree/${id}`;
      if (trailingSlash) return `/-/tree/${id}/${path.join("/")}`;
      return `/-/blob/${id}/${path.join("/")}${lineFragment(hash)}`;
    }
    case "raw":
      return id === undefined || parts.length < 3 ? null : `/-/raw/${id}/${parts.slice(2).join("/")}`;
    case "commits":
      if (parts.length === 1) return "/-/commits";
      if ((id === "branch" || id === "tag") && parts.length > 2) return `/-/commits/${parts.slice(2).join("/")}`;
      if (isSha(id)) return `/-/commit/${id}`;
      return null;
    case "branch":
      return id === undefined ? null : `/-/tree/${parts.slice(1).join("/")}`;
    default:
      return null;
  }
}

function parseAbsolute(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${what} is not a URL: ${url}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TypeError(`${what} must be http(s): ${url}`);
  return parsed;
}

export function isRelativeTarget(targetProjectUrl: string): boolean {
  return targetProjectUrl.startsWith("/") && !targetProjectUrl.startsWith("//");
}

/** Rewrites one URL (already delimited); null when it is not a link into the source repository. */
export type UrlRewriter = (url: string) => string | null;

/** Compiles the options once; the returned function maps a single URL. */
export function createUrlRewriter({ sourceRepositoryUrl, targetProjectUrl }: ReferenceOptions): UrlRewriter {
  const source = parseAbsolute(sourceRepositoryUrl, "sourceRepositoryUrl");
  const sourceHost = hostKey(source);
  const repositorySegments = source.pathname
    .split("/")
    .filter(Boolean)
    .map((segment) => percentDecoded(segment).toLowerCase());
  if (repositorySegments.length === 0) throw new TypeError(`sourceRepositoryUrl has no repository path: ${sourceRepositoryUrl}`);
  if (!isRelativeTarget(targetProjectUrl)) parseAbsolute(targetProjectUrl, "targetProjectUrl");
  const target = targetProjectUrl.replace(/\/+$/, "");

  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || hostKey(parsed) !== sourceHost) return null;
    const segments = parsed.pathname.split("/").slice(1);
    for (let i = 0; i < repositorySegments.length; i++) {
      if (segments[i] === undefined || percentDecoded(segments[i]!).toLowerCase() !== repositorySegments[i]) return null;
    }
    const mapped = mapPath(segments.slice(repositorySegments.length), parsed.hash);
    return mapped === null ? null : target + mapped;
  };
}

function escapeLinkText(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, "\\$&");
}

/** Whether the URL at `offset` is a link destination: `[x](url`, `[x](<url` or a reference definition `[x]: url`. */
function isDestination(prose: string, offset: number): boolean {
  const before = prose.slice(prose.lastIndexOf("\n", offset - 1) + 1, offset);
  return /\]\(\s*$/.test(before) || /^ {0,3}\[[^\]]+\]:\s*$/.test(before);
}

/** Whether the URL ending at `end` is inside link text (`[see url](…)`): a `]` closes before any `[`. */
function isLinkText(prose: string, end: number): boolean {
  return /^[^[\]\n]*\]/.test(prose.slice(end, end + 2000));
}

/**
 * Rewrites the URLs in one stretch of prose (no code in it). With a root-relative target, a
 * bare URL or autolink becomes a markdown link (a bare path would not be linked by the
 * renderer); in link destinations and link text the path simply replaces the URL.
 */
export function rewriteUrlsInProse(prose: string, rewrite: UrlRewriter, relativeTarget = false): string {
  if (!/https?:\/\//i.test(prose)) return prose;
  return prose.replace(URL_PATTERN, (match: string, open: string, candidate: string, close: string, offset: number) => {
    // In an autolink the URL runs to the `>`; elsewhere trailing punctuation belongs to the sentence.
    const autolink = open === "<" && close === ">";
    const url = autolink ? candidate : trimTrailing(candidate);
    const replacement = rewrite(url);
    if (replacement === null) return match;
    const start = offset + open.length;
    const end = start + candidate.length + close.length;
    if (!relativeTarget || isDestination(prose, start) || isLinkText(prose, end)) {
      return open + replacement + candidate.slice(url.length) + close;
    }
    const link = `[${escapeLinkText(replacement)}](${replacement})`;
    return autolink ? link : open + link + candidate.slice(url.length) + close;
  });
}

/** Rewrites links to the source repository in markdown `text`, leaving code untouched. */
export function rewriteReferences(text: string, options: ReferenceOptions): string {
  if (!text) return text;
  const rewrite = createUrlRewriter(options);
  const relativeTarget = isRelativeTarget(options.targetProjectUrl);
  return mapProse(text, (prose) => rewriteUrlsInProse(prose, rewrite, relativeTarget));
}
