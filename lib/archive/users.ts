import { db } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import type { UserMapping } from "@/lib/settings";
import { createContributorResolver, topLevelNamespaceId, type ContributorResolution } from "@/lib/users/mapping";
import type { ArchiveUser } from "./export-format";
import { userKey } from "./export-reader";

/**
 * Who an archive's users are in Ferry: the one place archive imports look users up.
 *
 * - db-2.0 users (`{display_name, account_id}`) go through the shared contributor resolver
 *   (lib/users/mapping.ts), as in the API import: a Ferry user who linked that Bitbucket
 *   account, or in "placeholders" mode the namespace's placeholder for it (created on first use).
 * - db-1.0 users are bare usernames, which the shared resolver does not map (nicknames change):
 *   an archive has nothing better, so they map to a linked account with that nickname (ignoring
 *   case). They get no placeholders: without an account id a placeholder could not be matched
 *   to the person later.
 * - Everyone else: the importing user, with the `*Created by: <name>*` attribution in the text
 *   (lib/import/content); null users are "Anonymous".
 *
 * An archive is a file its uploader wrote: its user fields prove nothing. Linked accounts map
 * directly only when an administrator runs the import. For anyone else, linked and unlinked users
 * alike become placeholders (or attribution); the placeholders page then suggests the linked user,
 * who must accept the reassignment.
 */

export type ArchiveAuthor = { userId: string; mapped: boolean };

export type ArchiveUserResolver = {
  /** The author to record: mapped user or placeholder, else the importing user (then `mapped` is false). */
  author(user: ArchiveUser | null): Promise<ArchiveAuthor>;
  /** Assignees: the mapped user or placeholder; null when the importer would stand in. */
  ferryUserFor(user: ArchiveUser | null): Promise<string | null>;
  /** The linked Ferry user, never creating a placeholder (mentions, counts). */
  mappedUserId(user: ArchiveUser | null): Promise<string | null>;
  readonly mode: UserMapping;
};

export async function createArchiveUserResolver(options: { importingUserId: string; projectNamespaceId: number; mode: UserMapping }): Promise<ArchiveUserResolver> {
  const importingUser = await db.user.findUnique({ where: { id: options.importingUserId }, select: { isAdmin: true } });
  const trustLinkedIdentities = importingUser?.isAdmin === true;
  const contributors = createContributorResolver({
    importingUserId: options.importingUserId,
    topLevelNamespaceId: await topLevelNamespaceId(options.projectNamespaceId),
    mode: options.mode,
    trustLinkedIdentities,
  });
  const byNickname = new Map<string, Promise<string | null>>();
  const importer: ContributorResolution = { userId: options.importingUserId, kind: "importer" };

  const nicknameUser = (username: string): Promise<string | null> => {
    if (!trustLinkedIdentities) return Promise.resolve(null);
    const key = username.toLowerCase();
    let pending = byNickname.get(key);
    if (!pending) {
      pending = db.account
        .findFirst({
          where: { provider: "bitbucket", nickname: sameTextIgnoringCase(username), user: { kind: "human" } },
          select: { userId: true },
          orderBy: { createdAt: "asc" },
        })
        .then((account) => account?.userId ?? null);
      pending.catch(() => byNickname.delete(key));
      byNickname.set(key, pending);
    }
    return pending;
  };

  const resolve = async (user: ArchiveUser | null): Promise<ContributorResolution> => {
    if (!user) return importer;
    if (user.accountId) return contributors.resolve({ provider: "bitbucket", accountId: user.accountId, username: user.username, displayName: user.displayName });
    if (user.username) {
      const userId = await nicknameUser(user.username);
      return userId ? { userId, kind: "mapped" } : importer;
    }
    return importer;
  };

  return {
    mode: options.mode,
    async author(user) {
      const resolution = await resolve(user);
      return { userId: resolution.userId, mapped: resolution.kind !== "importer" };
    },
    async ferryUserFor(user) {
      const resolution = await resolve(user);
      return resolution.kind === "importer" ? null : resolution.userId;
    },
    async mappedUserId(user) {
      if (!user) return null;
      if (user.accountId) return contributors.mappedUserId({ provider: "bitbucket", accountId: user.accountId, username: user.username, displayName: user.displayName });
      return user.username ? nicknameUser(user.username) : null;
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

export { userKey };
