import { createHash } from "node:crypto";
import { db, Prisma } from "@/lib/db";
import { toValidPath } from "@/lib/namespaces/paths";
import type { UserMapping } from "@/lib/settings";

/**
 * Who a contribution from the source belongs to in Ferry. Contributors map by the Bitbucket
 * account's uuid (archive data without uuid: its account_id), never by a nickname or display
 * name, which people change; so a rename on Bitbucket never breaks or misdirects a mapping.
 *
 * - mapped: a Ferry user who linked that Bitbucket account, or the user a placeholder of that
 *   source user was reassigned to in this top-level namespace;
 * - placeholder: (placeholders mode) the one placeholder user of that source user in the
 *   top-level namespace, created on first use;
 * - importer: the importing user; the caller keeps the `*Created by: <nickname>*` attribution.
 *   Anonymous contributions (no identity) are always the importer's, attributed to "Anonymous".
 */

export type SourceIdentity = {
  /** Whose accounts `uuid` names: Bitbucket uuids, or GitHub's numeric user ids. */
  provider: "bitbucket" | "github";
  uuid?: string | null;
  accountId?: string | null;
  username?: string | null;
  displayName?: string | null;
};

export type ContributorResolution = { userId: string; kind: "mapped" | "placeholder" | "importer" };

export type ContributorResolver = {
  resolve(identity: SourceIdentity | null): Promise<ContributorResolution>;
  /** The Ferry user the identity maps to, without creating a placeholder (mentions, member lists). */
  mappedUserId(identity: SourceIdentity | null): Promise<string | null>;
};

/** Bitbucket writes uuids in braces; archives and older data sometimes without. One canonical form: `{lowercase}`. */
export function normalizeUuid(uuid: string): string {
  const bare = uuid.trim().replace(/^\{|\}$/g, "").toLowerCase();
  return `{${bare}}`;
}

function uuidVariants(uuid: string): string[] {
  const canonical = normalizeUuid(uuid);
  const bare = canonical.slice(1, -1);
  return [...new Set([canonical, uuid.trim(), bare, `{${bare.toUpperCase()}}`])];
}

/** The key a placeholder is stored under ("bitbucket:<uuid>", "bitbucket-account:<account_id>"). */
export function placeholderSourceKeys(identity: SourceIdentity): string[] {
  if (identity.provider === "github") return identity.uuid?.trim() ? [`github:${identity.uuid.trim()}`] : [];
  const keys: string[] = [];
  if (identity.uuid?.trim()) keys.push(`bitbucket:${normalizeUuid(identity.uuid)}`);
  if (identity.accountId?.trim()) keys.push(`bitbucket-account:${identity.accountId.trim()}`);
  return keys;
}

function identityKey(identity: SourceIdentity | null): string | null {
  return identity ? (placeholderSourceKeys(identity)[0] ?? null) : null;
}

/** The Ferry user who linked this Bitbucket account (by uuid, else by account_id). */
export async function linkedUserId(identity: SourceIdentity): Promise<string | null> {
  if (identity.provider === "github") {
    if (!identity.uuid?.trim()) return null;
    const linked = await db.account.findFirst({ where: { provider: "github", providerAccountId: identity.uuid.trim(), user: { kind: "human" } }, select: { userId: true } });
    return linked?.userId ?? null;
  }
  if (identity.uuid?.trim()) {
    const byUuid = await db.account.findFirst({
      where: { provider: "bitbucket", providerAccountId: { in: uuidVariants(identity.uuid) }, user: { kind: "human" } },
      select: { userId: true },
    });
    if (byUuid) return byUuid.userId;
  }
  if (identity.accountId?.trim()) {
    const byAccountId = await db.account.findFirst({
      where: { provider: "bitbucket", externalAccountId: identity.accountId.trim(), user: { kind: "human" } },
      select: { userId: true },
    });
    if (byAccountId) return byAccountId.userId;
  }
  return null;
}

type PlaceholderRow = { id: string; placeholderSource: Prisma.JsonValue; reassignment: { status: string; targetUserId: string | null } | null };

/**
 * The placeholder standing for the identity in the namespace: by its uuid key, else its
 * account_id key, else a placeholder whose recorded source has that account_id (a user first
 * seen in archive data without uuid, or the other way round, is still one placeholder).
 */
async function findPlaceholder(namespaceId: number, identity: SourceIdentity): Promise<PlaceholderRow | null> {
  const keys = placeholderSourceKeys(identity);
  if (keys.length === 0) return null;
  const accountId = identity.accountId?.trim();
  const rows = await db.user.findMany({
    where: {
      kind: "placeholder",
      placeholderNamespaceId: namespaceId,
      OR: [{ placeholderSourceKey: { in: keys } }, ...(accountId ? [{ placeholderSource: { path: ["accountId"], equals: accountId } }] : [])],
    },
    select: { id: true, placeholderSource: true, placeholderSourceKey: true, placeholderReassignment: { select: { status: true, targetUserId: true } } },
    orderBy: { createdAt: "asc" },
  });
  const row = keys.map((key) => rows.find((candidate) => candidate.placeholderSourceKey === key)).find(Boolean) ?? rows[0];
  return row ? { id: row.id, placeholderSource: row.placeholderSource, reassignment: row.placeholderReassignment } : null;
}

function sourceJson(identity: SourceIdentity): Prisma.InputJsonObject {
  return {
    provider: identity.provider,
    uuid: identity.uuid ? (identity.provider === "github" ? identity.uuid.trim() : normalizeUuid(identity.uuid)) : null,
    accountId: identity.accountId ?? null,
    username: identity.username ?? null,
    displayName: identity.displayName ?? null,
  };
}

/** A placeholder's username: readable, derived from the nickname, unique per namespace and source user. */
export function placeholderUsername(identity: SourceIdentity, namespaceId: number, sourceKey: string, attempt = 0): string {
  const base = toValidPath(identity.username || identity.displayName || "bitbucket-user", "bitbucket-user").slice(0, 60).replace(/[._-]+$/, "");
  const hash = createHash("sha256").update(`${namespaceId}:${sourceKey}:${attempt}`).digest("hex").slice(0, 8);
  return `${base}-placeholder-${hash}`;
}

/**
 * The placeholder of a source user in a top-level namespace, created when missing. Safe under
 * concurrency: inserts skip on the unique (namespace, source key), then everyone reads the winner.
 */
export async function ensurePlaceholder(namespaceId: number, identity: SourceIdentity): Promise<PlaceholderRow> {
  const keys = placeholderSourceKeys(identity);
  const sourceKey = keys[0];
  if (!sourceKey) throw new Error("A placeholder needs the source user's uuid or account_id");
  const existing = await findPlaceholder(namespaceId, identity);
  if (existing) {
    await refreshPlaceholderSource(existing, identity);
    return existing;
  }
  const name = identity.displayName?.trim() || identity.username?.trim() || "Bitbucket user";
  for (let attempt = 0; attempt < 5; attempt++) {
    await db.user.createMany({
      data: [
        {
          kind: "placeholder",
          username: placeholderUsername(identity, namespaceId, sourceKey, attempt),
          name,
          placeholderNamespaceId: namespaceId,
          placeholderSourceKey: sourceKey,
          placeholderSource: sourceJson(identity),
        },
      ],
      skipDuplicates: true,
    });
    const row = await findPlaceholder(namespaceId, identity);
    if (row) {
      await db.placeholderReassignment.createMany({ data: [{ placeholderId: row.id, namespaceId }], skipDuplicates: true });
      return row.reassignment ? row : { ...row, reassignment: { status: "pending", targetUserId: null } };
    }
    // The username was taken by someone else: try the next one.
  }
  throw new Error(`Could not create a placeholder for ${sourceKey}`);
}

/** Keeps the source name a placeholder shows current when the source user was renamed. */
async function refreshPlaceholderSource(row: PlaceholderRow, identity: SourceIdentity): Promise<void> {
  const stored = placeholderSourceFields(row.placeholderSource);
  const next = {
    ...stored,
    uuid: stored.uuid ?? (identity.uuid ? (identity.provider === "github" ? identity.uuid.trim() : normalizeUuid(identity.uuid)) : null),
    accountId: stored.accountId ?? identity.accountId ?? null,
    username: identity.username ?? stored.username,
    displayName: identity.displayName ?? stored.displayName,
  };
  if (JSON.stringify(next) === JSON.stringify(stored)) return;
  await db.user.update({
    where: { id: row.id },
    data: { placeholderSource: next, ...(identity.displayName ? { name: identity.displayName } : {}) },
  });
}

function placeholderSourceFields(value: Prisma.JsonValue) {
  const source = (value ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof source[key] === "string" ? (source[key] as string) : null);
  return { provider: "bitbucket", uuid: text("uuid"), accountId: text("accountId"), username: text("username"), displayName: text("displayName") };
}

/** The user a reassigned placeholder's contributions went to; later imports map to them directly. */
function reassignedTarget(row: PlaceholderRow | null): string | null {
  return row?.reassignment?.status === "reassigned" && row.reassignment.targetUserId ? row.reassignment.targetUserId : null;
}

export function createContributorResolver(options: {
  importingUserId: string;
  topLevelNamespaceId: number;
  mode: UserMapping;
  /**
   * Whether the data vouches for who wrote it, so that a Ferry user who linked the source account
   * gets their contributions directly (default). When not (an archive a non-administrator
   * uploaded), only a placeholder reassignment that user accepted maps to them.
   */
  trustLinkedIdentities?: boolean;
}): ContributorResolver {
  const trustLinkedIdentities = options.trustLinkedIdentities ?? true;
  const importer: ContributorResolution = { userId: options.importingUserId, kind: "importer" };
  const resolutions = new Map<string, Promise<ContributorResolution>>();
  const mappings = new Map<string, Promise<string | null>>();

  const mapped = (identity: SourceIdentity, key: string): Promise<string | null> => {
    let pending = mappings.get(key);
    if (!pending) {
      pending = (async () => {
        const linked = trustLinkedIdentities ? await linkedUserId(identity) : null;
        if (linked) return linked;
        return reassignedTarget(await findPlaceholder(options.topLevelNamespaceId, identity));
      })();
      pending.catch(() => mappings.delete(key));
      mappings.set(key, pending);
    }
    return pending;
  };

  return {
    async mappedUserId(identity) {
      const key = identityKey(identity);
      return key && identity ? mapped(identity, key) : null;
    },
    async resolve(identity) {
      const key = identityKey(identity);
      if (!key || !identity) return importer;
      let pending = resolutions.get(key);
      if (!pending) {
        pending = (async (): Promise<ContributorResolution> => {
          const userId = await mapped(identity, key);
          if (userId) return { userId, kind: "mapped" };
          if (options.mode !== "placeholders") return importer;
          const placeholder = await ensurePlaceholder(options.topLevelNamespaceId, identity);
          const target = reassignedTarget(placeholder);
          return target ? { userId: target, kind: "mapped" } : { userId: placeholder.id, kind: "placeholder" };
        })();
        // A failed lookup is not remembered: the next item asks again.
        pending.catch(() => resolutions.delete(key));
        resolutions.set(key, pending);
      }
      return pending;
    },
  };
}

/** Placeholders live in the top-level namespace above (or equal to) the project's namespace. */
export { topLevelNamespaceId } from "@/lib/projects/access";
