import type { Prisma } from "@/lib/db";

/**
 * People as lists and pages show them: Ferry users (authors, assignees, approvers) and the
 * source users an import recorded beside them. Free of database access, so client and server
 * code share it.
 */

/** What every reference to a user selects; `number` is the id the API shows. */
export const personSelect = { id: true, number: true, kind: true, username: true, name: true, image: true } satisfies Prisma.UserSelect;
export type Person = Prisma.UserGetPayload<{ select: typeof personSelect }>;

function recordOf(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function firstString(record: Record<string, unknown>, keys: readonly string[], nonBlank: boolean): string | null {
  for (const key of keys) {
    const candidate = record[key];
    if (typeof candidate === "string" && (!nonBlank || candidate.trim())) return candidate;
  }
  return null;
}

/** A display name from a stored source user ({uuid, account_id, nickname, display_name} or the camelCase form). */
export function sourceUserName(value: unknown): string | null {
  const record = recordOf(value);
  return record ? firstString(record, ["display_name", "displayName", "nickname", "username"], true) : null;
}

/** A stored source user reduced to its names and uuid. */
export function sourceUserSummary(value: unknown): { username: string | null; name: string | null; uuid: string | null } {
  const record = recordOf(value) ?? {};
  return { username: firstString(record, ["username", "nickname"], false), name: sourceUserName(value), uuid: firstString(record, ["uuid"], false) };
}

/** The name to show for a mapped user, falling back to the source user. */
export function personName(person: Pick<Person, "name" | "username"> | null, sourceUser?: unknown): string {
  return person?.name || person?.username || sourceUserName(sourceUser) || "Unknown user";
}

/**
 * The source user's name when an imported note's author is not a Ferry user (archive imports
 * record `{username, displayName, mapped: false}`, or `{anonymous: true}`); null otherwise.
 */
export function unmappedSourceName(sourceAuthor: unknown): string | null {
  const record = recordOf(sourceAuthor);
  if (!record || record.mapped !== false) return null;
  if (record.anonymous === true) return "Anonymous";
  return sourceUserName(record) ?? "Anonymous";
}

/** A user's own page and the API's User: the person plus their email, admin flag and linked identities. */
export const userDetailSelect = {
  ...personSelect,
  email: true,
  isAdmin: true,
  createdAt: true,
  accounts: { select: { provider: true, providerAccountId: true } },
} satisfies Prisma.UserSelect;
export type UserDetail = Prisma.UserGetPayload<{ select: typeof userDetailSelect }>;
