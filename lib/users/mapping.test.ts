import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { createContributorResolver, normalizeUuid, topLevelNamespaceId, type SourceIdentity } from "./mapping";

const CAROL: SourceIdentity = {
  provider: "bitbucket",
  uuid: "{9e4a7c2f-3b18-4d6e-b5a0-8f1e2d3c4b03}",
  accountId: "5f1a2b3c4d5e6f7a8b9c0d33",
  username: "carol",
  displayName: "Carol Chen",
};

async function human(username: string) {
  return db.user.create({ data: { username, name: username } });
}

async function group(path: string, parentId: number | null = null) {
  const parent = parentId ? await db.namespace.findUniqueOrThrow({ where: { id: parentId } }) : null;
  return db.namespace.create({ data: { kind: "group", name: path, path, fullPath: parent ? `${parent.fullPath}/${path}` : path, parentId } });
}

async function link(userId: string, identity: { uuid: string; accountId?: string; nickname?: string }) {
  await db.account.create({
    data: { userId, type: "oauth", provider: "bitbucket", providerAccountId: identity.uuid, externalAccountId: identity.accountId ?? null, nickname: identity.nickname ?? null },
  });
}

beforeEach(resetDatabase);

describe("the contributor resolver", () => {
  it("maps by the linked uuid, whatever the names say now", async () => {
    const importer = await human("importer");
    const robert = await human("robert");
    await link(robert.id, { uuid: CAROL.uuid!, nickname: "carol" });
    const acme = await group("acme");
    const resolver = createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "attribution" });
    // Renamed at the source since linking: the uuid still decides.
    expect(await resolver.resolve({ ...CAROL, username: "carol-renamed", displayName: "Carol C." })).toEqual({ userId: robert.id, kind: "mapped" });
    // Braces and case are Bitbucket's spelling details, not identity.
    expect(await resolver.resolve({ provider: "bitbucket", uuid: CAROL.uuid!.slice(1, -1).toUpperCase() })).toEqual({ userId: robert.id, kind: "mapped" });
  });

  it("never maps by name: a Ferry user called like the source user stays unrelated", async () => {
    const importer = await human("importer");
    await human("carol");
    const acme = await group("acme");
    const resolver = createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "attribution" });
    expect(await resolver.resolve(CAROL)).toEqual({ userId: importer.id, kind: "importer" });
  });

  it("falls back to the account_id for archive data without uuid", async () => {
    const importer = await human("importer");
    const carol = await human("carol-ferry");
    await link(carol.id, { uuid: CAROL.uuid!, accountId: CAROL.accountId! });
    const acme = await group("acme");
    const resolver = createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "placeholders" });
    expect(await resolver.resolve({ provider: "bitbucket", accountId: CAROL.accountId, username: "carol" })).toEqual({ userId: carol.id, kind: "mapped" });
  });

  it("gives anonymous contributions to the importer in both modes", async () => {
    const importer = await human("importer");
    const acme = await group("acme");
    for (const mode of ["attribution", "placeholders"] as const) {
      const resolver = createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode });
      expect(await resolver.resolve(null)).toEqual({ userId: importer.id, kind: "importer" });
      expect(await resolver.resolve({ provider: "bitbucket", username: "ghost" })).toEqual({ userId: importer.id, kind: "importer" });
    }
    expect(await db.user.count({ where: { kind: "placeholder" } })).toBe(0);
  });

  it("creates exactly one placeholder per source user and top-level namespace, even when asked concurrently", async () => {
    const importer = await human("importer");
    const acme = await group("acme");
    const platform = await group("platform", acme.id);
    const globex = await group("globex");
    expect(await topLevelNamespaceId(platform.id)).toBe(acme.id);

    const resolvers = Array.from({ length: 4 }, () => createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "placeholders" }));
    const results = await Promise.all(resolvers.flatMap((resolver) => Array.from({ length: 5 }, () => resolver.resolve(CAROL))));
    expect(new Set(results.map((result) => result.userId)).size).toBe(1);
    expect(results[0]!.kind).toBe("placeholder");

    const placeholder = await db.user.findUniqueOrThrow({ where: { id: results[0]!.userId }, include: { placeholderReassignment: true } });
    expect(placeholder).toMatchObject({ kind: "placeholder", name: "Carol Chen", placeholderNamespaceId: acme.id, passwordHash: null, email: null });
    expect(placeholder.placeholderSourceKey).toBe(`bitbucket:${normalizeUuid(CAROL.uuid!)}`);
    expect(placeholder.placeholderSource).toMatchObject({ uuid: CAROL.uuid, accountId: CAROL.accountId, username: "carol", displayName: "Carol Chen" });
    expect(placeholder.placeholderReassignment).toMatchObject({ status: "pending", namespaceId: acme.id });

    const other = await createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: globex.id, mode: "placeholders" }).resolve(CAROL);
    expect(other.kind).toBe("placeholder");
    expect(other.userId).not.toBe(placeholder.id);
    expect(await db.user.count({ where: { kind: "placeholder" } })).toBe(2);

    // The same person seen in archive data (account_id only) is the same placeholder.
    const fromArchive = await createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "placeholders" }).resolve({
      provider: "bitbucket",
      accountId: CAROL.accountId,
      username: "carol",
    });
    expect(fromArchive.userId).toBe(placeholder.id);
  });

  it("does not create placeholders in attribution mode, and keeps a placeholder's source name current", async () => {
    const importer = await human("importer");
    const acme = await group("acme");
    const attribution = createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "attribution" });
    expect((await attribution.resolve(CAROL)).kind).toBe("importer");
    expect(await db.user.count({ where: { kind: "placeholder" } })).toBe(0);

    const first = await createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "placeholders" }).resolve(CAROL);
    await createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "placeholders" }).resolve({ ...CAROL, username: "carol2", displayName: "Carol Chen-Smith" });
    const placeholder = await db.user.findUniqueOrThrow({ where: { id: first.userId } });
    expect(placeholder.name).toBe("Carol Chen-Smith");
    expect(placeholder.placeholderSource).toMatchObject({ username: "carol2", uuid: CAROL.uuid });
  });

  it("maps a source user whose placeholder was reassigned to the user who accepted it, in later imports too", async () => {
    const importer = await human("importer");
    const carol = await human("carol-ferry");
    const acme = await group("acme");
    const first = await createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "placeholders" }).resolve(CAROL);
    await db.placeholderReassignment.update({ where: { placeholderId: first.userId }, data: { status: "reassigned", targetUserId: carol.id } });
    for (const mode of ["placeholders", "attribution"] as const) {
      const resolver = createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode });
      expect(await resolver.resolve(CAROL)).toEqual({ userId: carol.id, kind: "mapped" });
      expect(await resolver.mappedUserId(CAROL)).toBe(carol.id);
    }
  });

  it("looks each source user up once per resolver", async () => {
    const importer = await human("importer");
    const acme = await group("acme");
    const resolver = createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "attribution" });
    await resolver.resolve(CAROL);
    // Linking afterwards does not change what this resolver (this import's unit) already decided…
    const carol = await human("carol-ferry");
    await link(carol.id, { uuid: CAROL.uuid! });
    expect((await resolver.resolve(CAROL)).kind).toBe("importer");
    // …but the next one sees it.
    const next = createContributorResolver({ importingUserId: importer.id, topLevelNamespaceId: acme.id, mode: "attribution" });
    expect(await next.resolve(CAROL)).toEqual({ userId: carol.id, kind: "mapped" });
  });
});
