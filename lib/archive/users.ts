import { db } from "@/lib/db";
import type { ArchiveUser } from "./export-format";
import { userKey } from "./export-reader";

/**
 * Who an archive's users are in Ferry. This is the ONE place archive imports look users up:
 * swap its body for `createContributorResolver` (lib/users/mapping.ts, placeholder users) when
 * that lands, keeping the interface.
 *
 * - db-2.0 users (`{display_name, account_id}`) map by account_id to a linked Bitbucket identity
 *   (`Account.externalAccountId`), db-1.0 users (username strings) by nickname, ignoring case.
 * - An unmapped user resolves to null: the importing user becomes the author and the text gets the
 *   `*Created by: <name>*` attribution (lib/import/content), as in the API import. A null user
 *   (anonymous in the export) is "Anonymous".
 */

export type ArchiveAuthor = { userId: string; mapped: boolean };

export type ArchiveUserResolver = {
  /** Looks all of `users` up at once (one query per kind); later calls are answered from memory. */
  prime(users: readonly ArchiveUser[]): Promise<void>;
  /** The Ferry user a source user maps to, or null. */
  ferryUserFor(user: ArchiveUser | null): Promise<string | null>;
  /** The author to record: the mapped user, else the importing user (then `mapped` is false). */
  author(user: ArchiveUser | null): Promise<ArchiveAuthor>;
};

export function createArchiveUserResolver(options: { importingUserId: string }): ArchiveUserResolver {
  const cache = new Map<string, string | null>();

  async function lookUp(users: readonly ArchiveUser[]): Promise<void> {
    const accountIds = new Set<string>();
    const usernames = new Set<string>();
    for (const user of users) {
      const key = userKey(user);
      if (cache.has(key)) continue;
      cache.set(key, null);
      if (user.accountId) accountIds.add(user.accountId);
      else if (user.username) usernames.add(user.username.toLowerCase());
    }
    if (accountIds.size > 0) {
      const accounts = await db.account.findMany({
        where: { provider: "bitbucket", externalAccountId: { in: [...accountIds] } },
        select: { userId: true, externalAccountId: true },
        orderBy: { createdAt: "asc" },
      });
      for (const account of accounts) {
        const key = `account:${account.externalAccountId}`;
        if (!cache.get(key)) cache.set(key, account.userId);
      }
    }
    if (usernames.size > 0) {
      const accounts = await db.account.findMany({
        where: { provider: "bitbucket", OR: [...usernames].map((nickname) => ({ nickname: { equals: nickname, mode: "insensitive" as const } })) },
        select: { userId: true, nickname: true },
        orderBy: { createdAt: "asc" },
      });
      for (const account of accounts) {
        const key = `username:${account.nickname!.toLowerCase()}`;
        if (!cache.get(key)) cache.set(key, account.userId);
      }
    }
  }

  async function ferryUserFor(user: ArchiveUser | null): Promise<string | null> {
    if (!user) return null;
    const key = userKey(user);
    if (!cache.has(key)) await lookUp([user]);
    return cache.get(key) ?? null;
  }

  return {
    async prime(users) {
      const batch = 500;
      for (let start = 0; start < users.length; start += batch) await lookUp(users.slice(start, start + batch));
    },
    ferryUserFor,
    async author(user) {
      const mapped = await ferryUserFor(user);
      return mapped ? { userId: mapped, mapped: true } : { userId: options.importingUserId, mapped: false };
    },
  };
}

/** How a source user is kept on imported rows (sourceAuthor, watchers), for showing and later remapping. */
export function archiveUserJson(user: ArchiveUser | null, mapped?: boolean): { accountId: string | null; username: string | null; displayName: string | null; mapped?: boolean } | null {
  if (!user) return null;
  return { accountId: user.accountId, username: user.username, displayName: user.displayName, ...(mapped === undefined ? {} : { mapped }) };
}

/** The name shown for a source user: username, else display name, else "Anonymous". */
export function archiveUserName(user: ArchiveUser | null): string {
  return user?.username ?? user?.displayName ?? "Anonymous";
}
