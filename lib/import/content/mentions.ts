import { codeSpan, escapeMarkdownInline } from "./escape";
import { mapProse } from "./markdown-structure";

/**
 * Bitbucket stores a mention as `@{<account_id>}` (`@{557058:3f2a…}`), older text as
 * `@{<uuid>}` with the uuid's own braces (`@{{a1b2…}}`). GitLab's importer shows these as
 * `@Name` in backticks, never linked. Ferry converts each one according to `resolve`:
 *
 * - a mapped Ferry user → `@username`, a markdown link to the profile when `profileUrl` is given
 *   (`[@alice](https://ferry.example.com/alice)`), so it reads and works as a mention;
 * - a known but unmapped person → their display name as plain text, without `@`, so it can never
 *   become a mention of an unrelated Ferry user who happens to have that name;
 * - an unknown id → kept as written inside a code span (`` `@{557058:…}` ``): visibly an
 *   unresolved reference, inert for mention parsing, linkification and emphasis.
 *
 * Mentions inside code spans and code blocks stay literal. Bitbucket's older plain `@nickname`
 * mentions are left alone: they cannot be told apart from prose such as e-mail addresses.
 */

/** Where a Ferry user's profile lives; mentions of mapped users link there. */
export function userProfilePath(username: string): string {
  return `/users/${encodeURIComponent(username)}`;
}

export type MentionTarget = { username: string; profileUrl?: string } | { displayName: string } | null;

/** Looks a source user up by account id or uuid (with braces, `{…}`), as written in the mention. */
export type MentionResolver = (id: string) => MentionTarget;

export const MENTION_PATTERN = /@\{(\{[^\s{}]{1,128}\}|[^\s{}]{1,128})\}/g;
const SAFE_USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A profile URL usable as a markdown link destination, or null when it is not http(s) or root-relative. */
function linkDestination(url: string): string | null {
  const trimmed = url.trim();
  const absolute = /^https?:\/\//i.test(trimmed);
  const rootRelative = trimmed.startsWith("/") && !trimmed.startsWith("//") && !trimmed.startsWith("/\\");
  if (!absolute && !rootRelative) return null;
  return trimmed.replace(/[\s()<>\\`]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** How far from a mention the brackets of a link around it are looked for. */
const LINK_TEXT_REACH = 2000;

const isBracketOrNewline = (char: string | undefined) => char === "[" || char === "]" || char === "\n";

/**
 * Whether `[start, end)` sits inside the text of a link: an unclosed `[` before it and `](` closing
 * after it on the line, each within LINK_TEXT_REACH characters. Asked with increasing offsets, it
 * walks the text once (time linear in its length, however many mentions it holds).
 */
export function linkTextChecker(prose: string): (start: number, end: number) => boolean {
  let scanned = 0;
  let lastBefore = -1;
  let nextAfter = -1;
  return (start, end) => {
    for (; scanned < start; scanned++) if (isBracketOrNewline(prose[scanned])) lastBefore = scanned;
    const opened = lastBefore !== -1 && prose[lastBefore] === "[" && start - lastBefore <= LINK_TEXT_REACH;
    if (!opened) return false;
    if (nextAfter < end) {
      nextAfter = end;
      while (nextAfter < prose.length && !isBracketOrNewline(prose[nextAfter])) nextAfter++;
    }
    return prose[nextAfter] === "]" && prose[nextAfter + 1] === "(" && nextAfter + 2 - end <= LINK_TEXT_REACH;
  };
}

function resolveId(id: string, resolve: MentionResolver): MentionTarget {
  const direct = resolve(id);
  if (direct) return direct;
  // Be lenient about the uuid's braces: callers may key users either way.
  if (id.startsWith("{") && id.endsWith("}")) return resolve(id.slice(1, -1));
  if (UUID.test(id)) return resolve(`{${id}}`);
  return null;
}

/**
 * The markdown that replaces one mention. `inLinkText` (the mention is inside `[…](…)`) leaves out
 * the profile link: links cannot nest.
 */
export function formatMention(target: MentionTarget, original: string, inLinkText = false): string {
  if (target && "username" in target && target.username.trim()) {
    const username = target.username.trim();
    const destination = target.profileUrl && !inLinkText ? linkDestination(target.profileUrl) : null;
    if (destination) return `[@${escapeMarkdownInline(username)}](${destination})`;
    return SAFE_USERNAME.test(username) ? `@${username}` : `@${escapeMarkdownInline(username)}`;
  }
  if (target && "displayName" in target && target.displayName.trim()) return escapeMarkdownInline(target.displayName);
  return codeSpan(original);
}

/** Replaces mentions in one stretch of prose (no code in it). */
export function convertMentionsInProse(prose: string, resolve: MentionResolver): string {
  if (!prose.includes("@{")) return prose;
  const isInLinkText = linkTextChecker(prose);
  return prose.replace(MENTION_PATTERN, (original: string, id: string, offset: number) =>
    formatMention(resolveId(id, resolve), original, isInLinkText(offset, offset + original.length)),
  );
}

/** Converts Bitbucket mentions in markdown `text`; see the module comment for the rules. */
export function convertMentions(text: string, resolve: MentionResolver): string {
  if (!text || !text.includes("@{")) return text;
  return mapProse(text, (prose) => convertMentionsInProse(prose, resolve));
}
