import { escapeMarkdownInline } from "./escape";

/**
 * When a contribution's author is not a Ferry user, the importer's user becomes the author and
 * the text starts with who really wrote it (the rule from GitLab's importer):
 *
 *     *Created by: alice*
 *
 *     original text…
 *
 * The name is the source nickname (`username`), else the display name, else "Anonymous".
 */

/** The parts of a source user the attribution needs (a SourceUser fits; `nickname` is accepted as an alias of `username`). */
export type AttributedUser = {
  username?: string | null;
  nickname?: string | null;
  displayName?: string | null;
};

export function attributionName(user: AttributedUser | null): string {
  const name = [user?.username, user?.nickname, user?.displayName].find((candidate) => candidate && candidate.trim());
  return name ? name.trim() : "Anonymous";
}

/** `*Created by: <name>*` followed by a blank line; the name is escaped so it renders as written. */
export function attributionPrefix(user: AttributedUser | null): string {
  return `*Created by: ${escapeMarkdownInline(attributionName(user))}*\n\n`;
}

/**
 * `body` with the attribution prefix when the author could not be mapped; unchanged when it
 * could. Idempotent: a body that already starts with the same prefix gets no second one.
 */
export function withAttribution(body: string, user: AttributedUser | null, mapped: boolean): string {
  if (mapped) return body;
  const prefix = attributionPrefix(user);
  const heading = prefix.trimEnd();
  if (body === heading || body.startsWith(prefix)) return body;
  if (!body.trim()) return heading;
  return prefix + body;
}
