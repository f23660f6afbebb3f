import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { resetDatabase } from "@/test/db";
import { listImportableNamespaces } from "./importable";
import { canImportInto } from "@/lib/projects/access";
import { resolveImportTarget, type TakenNamespacePolicy } from "./targets";

beforeEach(resetDatabase);

async function userWithNamespace(username: string, options: { isAdmin?: boolean } = {}): Promise<SessionUser> {
  const user = await db.user.create({ data: { username, isAdmin: options.isAdmin ?? false } });
  await db.namespace.create({ data: { kind: "user", name: username, path: username, fullPath: username, ownerId: user.id } });
  return { id: user.id, username, name: null, email: null, image: null, isAdmin: options.isAdmin ?? false };
}

async function group(fullPath: string, parentPath?: string) {
  const parent = parentPath ? await db.namespace.findUniqueOrThrow({ where: { fullPath: parentPath } }) : null;
  const path = fullPath.split("/").at(-1)!;
  return db.namespace.create({ data: { kind: "group", name: path, path, fullPath, parentId: parent?.id ?? null } });
}

async function member(user: SessionUser, fullPath: string, role: Role) {
  const namespace = await db.namespace.findUniqueOrThrow({ where: { fullPath } });
  await db.membership.create({ data: { userId: user.id, namespaceId: namespace.id, role } });
}

/** A top-level group with `user` as a member in `role`. */
async function groupWithMember(fullPath: string, user: SessionUser, role: Role) {
  await group(fullPath);
  await member(user, fullPath, role);
}

function resolve(user: SessionUser, target: string | null, policy: TakenNamespacePolicy = "fallback") {
  return db.$transaction((tx) => resolveImportTarget(tx, user, target, policy));
}

describe("resolveImportTarget", () => {
  it("uses the personal namespace when no target (or the personal one) is given", async () => {
    const alice = await userWithNamespace("alice");
    for (const target of [null, "", "  ", "alice", "ALICE"]) {
      const result = await resolve(alice, target);
      expect(result).toMatchObject({ warning: null, created: false });
      expect(result.namespace.fullPath).toBe("alice");
    }
  });

  it("creates every missing level of a nested path, with the user as Owner of each", async () => {
    const alice = await userWithNamespace("alice");
    const result = await resolve(alice, "platform/tools/cli");
    expect(result).toMatchObject({ created: true, warning: null });
    expect(result.namespace).toMatchObject({ kind: "group", fullPath: "platform/tools/cli", path: "cli" });

    const chain = await db.namespace.findMany({ where: { kind: "group" }, orderBy: { fullPath: "asc" }, include: { memberships: true } });
    expect(chain.map((namespace) => namespace.fullPath)).toEqual(["platform", "platform/tools", "platform/tools/cli"]);
    expect(chain[1]!.parentId).toBe(chain[0]!.id);
    expect(chain[2]!.parentId).toBe(chain[1]!.id);
    for (const namespace of chain) expect(namespace.memberships).toEqual([expect.objectContaining({ userId: alice.id, role: "owner" })]);
  });

  it("creates only the missing levels under a group the user maintains", async () => {
    const alice = await userWithNamespace("alice");
    await groupWithMember("acme", alice, "maintainer");
    const result = await resolve(alice, "acme/new-team");
    expect(result).toMatchObject({ created: true, warning: null });
    const acme = await db.namespace.findUniqueOrThrow({ where: { fullPath: "acme" } });
    expect(result.namespace.parentId).toBe(acme.id);
    expect(await db.namespace.count({ where: { fullPath: "acme" } })).toBe(1);
  });

  it("matches existing namespaces ignoring case, without creating look-alikes", async () => {
    const alice = await userWithNamespace("alice");
    await groupWithMember("Acme", alice, "owner");
    const result = await resolve(alice, "acme");
    expect(result).toMatchObject({ created: false, warning: null });
    expect(result.namespace.fullPath).toBe("Acme");
    expect(await db.namespace.count({ where: { kind: "group" } })).toBe(1);
  });

  it("falls back to the personal namespace with a warning when the target is another user's personal namespace", async () => {
    const alice = await userWithNamespace("alice");
    await userWithNamespace("bob");
    for (const target of ["bob", "bob/side-projects"]) {
      const result = await resolve(alice, target);
      expect(result.namespace.fullPath).toBe("alice");
      expect(result.created).toBe(false);
      expect(result.warning).toContain(`The namespace ${target} is taken`);
      expect(result.warning).toContain("personal namespace alice");
    }
    expect(await db.namespace.count({ where: { kind: "group" } })).toBe(0);
    await expect(resolve(alice, "bob", "reject")).rejects.toMatchObject({ code: "namespace_forbidden", status: 403 });
  });

  it("treats a group where the user is below Maintainer as taken, and creates no subgroup in it", async () => {
    const alice = await userWithNamespace("alice");
    await groupWithMember("acme", alice, "developer");
    const direct = await resolve(alice, "acme");
    expect(direct.namespace.fullPath).toBe("alice");
    expect(direct.warning).toMatch(/acme is taken/);

    const nested = await resolve(alice, "acme/skunkworks");
    expect(nested.namespace.fullPath).toBe("alice");
    expect(nested.warning).toMatch(/acme\/skunkworks is taken/);
    expect(await db.namespace.count({ where: { fullPath: "acme/skunkworks" } })).toBe(0);

    await expect(resolve(alice, "acme/skunkworks", "reject")).rejects.toMatchObject({ code: "namespace_forbidden" });
  });

  it("treats a group the user does not belong to as taken", async () => {
    const alice = await userWithNamespace("alice");
    await group("globex");
    const result = await resolve(alice, "globex");
    expect(result.namespace.fullPath).toBe("alice");
    expect(result.warning).toMatch(/globex is taken/);
  });

  it("lets a Maintainer of a parent group import into an existing subgroup", async () => {
    const alice = await userWithNamespace("alice");
    await group("acme");
    await group("acme/platform", "acme");
    await group("acme/platform/tools", "acme/platform");
    await member(alice, "acme", "maintainer");
    const result = await resolve(alice, "acme/platform/tools");
    expect(result).toMatchObject({ created: false, warning: null });
    expect(result.namespace.fullPath).toBe("acme/platform/tools");
  });

  it("a role on a subgroup does not open its parent", async () => {
    const alice = await userWithNamespace("alice");
    await group("acme");
    await group("acme/platform", "acme");
    await member(alice, "acme/platform", "owner");
    expect((await resolve(alice, "acme/platform")).namespace.fullPath).toBe("acme/platform");
    expect((await resolve(alice, "acme")).warning).toMatch(/acme is taken/);
  });

  it("lets an admin import into any group", async () => {
    const admin = await userWithNamespace("root", { isAdmin: true });
    await group("acme");
    const result = await resolve(admin, "acme");
    expect(result).toMatchObject({ warning: null, created: false });
    expect(result.namespace.fullPath).toBe("acme");
  });

  it("refuses to create a group inside a personal namespace or over a project", async () => {
    const alice = await userWithNamespace("alice");
    await expect(resolve(alice, "alice/team")).rejects.toMatchObject({ code: "invalid_namespace" });
    await groupWithMember("acme", alice, "owner");
    const acme = await db.namespace.findUniqueOrThrow({ where: { fullPath: "acme" } });
    await db.project.create({ data: { namespaceId: acme.id, name: "tools", path: "tools", fullPath: "acme/tools" } });
    await expect(resolve(alice, "acme/tools")).rejects.toMatchObject({ code: "invalid_namespace", message: expect.stringContaining("is a project") });
    expect(await db.namespace.count({ where: { fullPath: { in: ["alice/team", "acme/tools"] } } })).toBe(0);
  });

  it("creates a group once when two imports create it at the same time", async () => {
    const alice = await userWithNamespace("alice");
    const results = await Promise.all([resolve(alice, "launch/pad"), resolve(alice, "launch/pad"), resolve(alice, "launch")]);
    expect(results.map((result) => result.warning)).toEqual([null, null, null]);
    expect(new Set(results.slice(0, 2).map((result) => result.namespace.id)).size).toBe(1);
    expect(await db.namespace.count({ where: { fullPath: "launch" } })).toBe(1);
    expect(await db.namespace.count({ where: { fullPath: "launch/pad" } })).toBe(1);
    expect(await db.membership.count({ where: { userId: alice.id } })).toBe(2);
  });

  it("when two users race for a new group, one creates it and the other is told it is taken", async () => {
    const alice = await userWithNamespace("alice");
    const bob = await userWithNamespace("bob");
    const [forAlice, forBob] = await Promise.all([resolve(alice, "rocketry"), resolve(bob, "rocketry")]);
    const winners = [forAlice, forBob].filter((result) => result.created);
    expect(winners).toHaveLength(1);
    const loser = winners[0] === forAlice ? forBob : forAlice;
    expect(loser.warning).toMatch(/rocketry is taken/);
    expect(await db.namespace.count({ where: { fullPath: "rocketry" } })).toBe(1);
    expect(await db.membership.count({ where: { namespace: { fullPath: "rocketry" } } })).toBe(1);
  });

  it("rejects malformed paths before touching anything", async () => {
    const alice = await userWithNamespace("alice");
    const bad = ["-team", "team-", "team..core", "a//b", "acme/.hidden", "api", "acme/repo.git", "spaces here", "ümlaut"];
    for (const target of bad) {
      await expect(resolve(alice, target), target).rejects.toMatchObject({ code: "invalid_namespace", status: 400 });
    }
    expect(await resolve(alice, "/acme/tools/").then((result) => result.namespace.fullPath)).toBe("acme/tools");
    expect(await db.namespace.count({ where: { kind: "group" } })).toBe(2);
  });
});

describe("canImportInto and the picker's namespace list", () => {
  it("offer the personal namespace and the groups (with subgroups) where the user is at least Maintainer", async () => {
    const alice = await userWithNamespace("alice");
    const bob = await userWithNamespace("bob");
    await group("acme");
    await group("acme/platform", "acme");
    await group("acme/platform/tools", "acme/platform");
    await group("globex");
    await group("initech");
    await group("initech/printers", "initech");
    await member(alice, "acme", "maintainer");
    await member(alice, "globex", "developer");
    await member(alice, "initech/printers", "owner");

    const listed = await listImportableNamespaces(alice);
    expect(listed).toEqual([
      { fullPath: "alice", kind: "user" },
      { fullPath: "acme", kind: "group" },
      { fullPath: "acme/platform", kind: "group" },
      { fullPath: "acme/platform/tools", kind: "group" },
      { fullPath: "initech/printers", kind: "group" },
    ]);
    // The list and the server's check agree on every namespace.
    const all = await db.namespace.findMany();
    for (const namespace of all) {
      const expected = listed.some((entry) => entry.fullPath === namespace.fullPath);
      expect(await canImportInto(alice, namespace.id), namespace.fullPath).toBe(expected);
    }
    expect(await listImportableNamespaces(bob)).toEqual([{ fullPath: "bob", kind: "user" }]);
  });
});
