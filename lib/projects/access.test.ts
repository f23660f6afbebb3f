import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "@/test/db";
import type { SessionUser } from "@/lib/auth";
import { db, disconnectDb, Prisma } from "@/lib/db";
import type { Role, Visibility } from "@/lib/generated/prisma/enums";
import {
  canImportInto,
  canManagePlaceholders,
  canReadGroup,
  canReadSnippet,
  highestRole,
  importAccess,
  importableNamespacesWhere,
  manageableImportsSql,
  namespaceAncestors,
  placeholderManagedNamespacesWhere,
  projectAccess,
  projectsWithRoleWhere,
  readableProjectsSql,
  readableGroupsWhere,
  readableProjectsWhere,
  readableSnippetsWhere,
  topLevelNamespaceId,
  type Actor,
} from "./access";

beforeEach(resetDatabase);
afterAll(disconnectDb);

async function user(username: string, options: { isAdmin?: boolean } = {}): Promise<SessionUser> {
  const row = await db.user.create({ data: { username, name: username, isAdmin: options.isAdmin ?? false } });
  return { id: row.id, username: row.username, name: row.name, email: row.email, image: row.image, isAdmin: row.isAdmin };
}

async function group(fullPath: string) {
  const segments = fullPath.split("/");
  const parentPath = segments.slice(0, -1).join("/");
  const parent = parentPath ? await db.namespace.findUniqueOrThrow({ where: { fullPath: parentPath } }) : null;
  const name = segments[segments.length - 1]!;
  return db.namespace.create({ data: { kind: "group", name, path: name, fullPath, parentId: parent?.id ?? null } });
}

async function personalNamespace(owner: SessionUser) {
  return db.namespace.create({ data: { kind: "user", name: owner.username, path: owner.username, fullPath: owner.username, ownerId: owner.id } });
}

async function project(namespace: { id: number; fullPath: string }, path: string, visibility: Visibility) {
  return db.project.create({ data: { namespaceId: namespace.id, name: path, path, fullPath: `${namespace.fullPath}/${path}`, visibility } });
}

async function member(who: SessionUser, namespace: { id: number }, role: Role) {
  await db.membership.create({ data: { userId: who.id, namespaceId: namespace.id, role } });
}

async function projectMember(who: SessionUser, row: { id: number }, role: Role) {
  await db.projectMembership.create({ data: { userId: who.id, projectId: row.id, role } });
}

const NO_ACCESS = { canRead: false, canManage: false, role: null };

describe("projectAccess", () => {
  it("lets anyone read a public project, signed in or not, and nobody manage it without a role", async () => {
    const acme = await group("acme");
    const app = await project(acme, "app", "public");
    const stranger = await user("stranger");

    expect(await projectAccess(null, app)).toEqual({ canRead: true, canManage: false, role: null });
    expect(await projectAccess(stranger, app)).toEqual({ canRead: true, canManage: false, role: null });
  });

  it.each(["private", "internal"] as const)("hides a %s project from anonymous visitors and non-members", async (visibility) => {
    const acme = await group("acme");
    const other = await group("other");
    const app = await project(acme, "app", visibility);
    const outsider = await user("outsider");
    await member(outsider, other, "owner");

    expect(await projectAccess(null, app)).toEqual(NO_ACCESS);
    expect(await projectAccess(outsider, app)).toEqual(NO_ACCESS);
  });

  it.each([
    ["guest", false],
    ["developer", false],
    ["maintainer", true],
    ["owner", true],
  ] as const)("gives a %s of the project's namespace read access, and manage access: %s", async (role, canManage) => {
    const acme = await group("acme");
    const app = await project(acme, "app", "private");
    const someone = await user("someone");
    await member(someone, acme, role);
    expect(await projectAccess(someone, app)).toEqual({ canRead: true, canManage, role });
  });

  it("inherits membership from every ancestor of a nested group, but not from descendants or siblings", async () => {
    const acme = await group("acme");
    const platform = await group("acme/platform");
    const tools = await group("acme/platform/tools");
    const deeper = await group("acme/platform/tools/deeper");
    const sibling = await group("acme/marketing");
    const app = await project(tools, "my-project", "private");

    const topMaintainer = await user("top");
    const middleReporter = await user("middle");
    const childOwner = await user("child");
    const siblingOwner = await user("sibling");
    await member(topMaintainer, acme, "maintainer");
    await member(middleReporter, platform, "reporter");
    await member(childOwner, deeper, "owner");
    await member(siblingOwner, sibling, "owner");

    expect(await projectAccess(topMaintainer, app)).toEqual({ canRead: true, canManage: true, role: "maintainer" });
    expect(await projectAccess(middleReporter, app)).toEqual({ canRead: true, canManage: false, role: "reporter" });
    expect(await projectAccess(childOwner, app)).toEqual(NO_ACCESS);
    expect(await projectAccess(siblingOwner, app)).toEqual(NO_ACCESS);
  });

  it("uses the highest role anywhere on the namespace chain", async () => {
    const acme = await group("acme");
    const platform = await group("acme/platform");
    const app = await project(platform, "app", "private");
    const both = await user("both");
    await member(both, acme, "owner");
    await member(both, platform, "developer");

    expect(await projectAccess(both, app)).toEqual({ canRead: true, canManage: true, role: "owner" });
  });

  it("lets the owner of a personal namespace read and manage its projects, and nobody else", async () => {
    const alice = await user("alice");
    const bob = await user("bob");
    const aliceNamespace = await personalNamespace(alice);
    const secret = await project(aliceNamespace, "secret", "private");

    expect(await projectAccess(alice, secret)).toEqual({ canRead: true, canManage: true, role: "owner" });
    expect(await projectAccess(bob, secret)).toEqual(NO_ACCESS);
    expect(await projectAccess(null, secret)).toEqual(NO_ACCESS);
  });

  it("treats members of a personal namespace like members of a group", async () => {
    const alice = await user("alice");
    const carol = await user("carol");
    const aliceNamespace = await personalNamespace(alice);
    const secret = await project(aliceNamespace, "secret", "private");
    await member(carol, aliceNamespace, "developer");

    expect(await projectAccess(carol, secret)).toEqual({ canRead: true, canManage: false, role: "developer" });
  });

  it("lets admins read and manage everything without a role", async () => {
    const alice = await user("alice");
    const admin = await user("root", { isAdmin: true });
    const acme = await group("acme");
    const tools = await group("acme/tools");
    const inGroup = await project(tools, "app", "private");
    const personal = await project(await personalNamespace(alice), "secret", "internal");

    expect(await projectAccess(admin, inGroup)).toEqual({ canRead: true, canManage: true, role: null });
    expect(await projectAccess(admin, personal)).toEqual({ canRead: true, canManage: true, role: null });
    await member(admin, acme, "reporter");
    expect(await projectAccess(admin, inGroup)).toEqual({ canRead: true, canManage: true, role: "reporter" });
  });

  it("grants a project membership's role on that project only, the highest of it and the namespace chain winning", async () => {
    const acme = await group("acme");
    const app = await project(acme, "app", "private");
    const other = await project(acme, "other", "private");
    const collaborator = await user("collaborator");
    await projectMember(collaborator, app, "developer");

    expect(await projectAccess(collaborator, app)).toEqual({ canRead: true, canManage: false, role: "developer" });
    expect(await projectAccess(collaborator, other)).toEqual(NO_ACCESS);

    await member(collaborator, acme, "guest");
    expect(await projectAccess(collaborator, app)).toEqual({ canRead: true, canManage: false, role: "developer" });
    expect(await projectAccess(collaborator, other)).toEqual({ canRead: true, canManage: false, role: "guest" });

    await projectMember(collaborator, other, "maintainer");
    expect(await projectAccess(collaborator, other)).toEqual({ canRead: true, canManage: true, role: "maintainer" });

    const ids = async (minRole: Role | null) => (await db.project.findMany({ where: await projectsWithRoleWhere(collaborator.id, minRole), select: { path: true }, orderBy: { path: "asc" } })).map((row) => row.path);
    expect(await ids(null)).toEqual(["app", "other"]);
    expect(await ids("developer")).toEqual(["app", "other"]);
    expect(await ids("maintainer")).toEqual(["other"]);
    expect(await ids("owner")).toEqual([]);
  });

  it("lets maintainers of a public project manage it", async () => {
    const acme = await group("acme");
    const app = await project(acme, "app", "public");
    const maintainer = await user("maintainer");
    await member(maintainer, acme, "maintainer");

    expect(await projectAccess(maintainer, app)).toEqual({ canRead: true, canManage: true, role: "maintainer" });
  });
});

describe("highestRole", () => {
  it("picks the strongest role", () => {
    expect(highestRole([])).toBeNull();
    expect(highestRole(["reporter", "maintainer", "guest"])).toBe("maintainer");
    expect(highestRole(["owner", "developer"])).toBe("owner");
  });
});

describe("each filter selects exactly what its check allows", () => {
  /** A tree with every kind of caller: roles at different depths, a personal namespace, an importer who lost their role, an admin. */
  async function world() {
    const alice = await user("alice");
    const bob = await user("bob");
    const admin = await user("root", { isAdmin: true });
    const demoted = await user("demoted");
    const collaborator = await user("collaborator");
    const acme = await group("acme");
    const platform = await group("acme/platform");
    const tools = await group("acme/platform/tools");
    const globex = await group("globex");
    const aliceHome = await personalNamespace(alice);
    await member(alice, platform, "maintainer");
    await member(bob, acme, "reporter");
    await member(bob, globex, "owner");
    await member(demoted, tools, "developer");
    await member(alice, aliceHome, "owner");
    const projects = [
      await project(acme, "top", "private"),
      await project(platform, "mid", "internal"),
      await project(tools, "deep", "private"),
      await project(globex, "open", "public"),
      await project(globex, "closed", "private"),
      await project(aliceHome, "home", "private"),
    ];
    await projectMember(collaborator, projects[0]!, "guest");
    await projectMember(collaborator, projects[4]!, "maintainer");
    await projectMember(bob, projects[2]!, "maintainer");
    await projectMember(alice, projects[1]!, "guest");
    const imports = [];
    for (const [index, row] of projects.entries()) {
      const importer = [alice, bob, demoted, alice, demoted, bob][index]!;
      imports.push(await db.projectImport.create({ data: { projectId: row.id, source: "bitbucket_cloud", sourceRepository: `ws/${row.path}`, userId: importer.id, status: "started" } }));
    }
    return { actors: [alice, bob, admin, demoted, collaborator, null] as Array<Actor | null>, projects, imports };
  }

  it("reading projects and managing imports", async () => {
    const { actors, projects, imports } = await world();
    const distinct = new Set<string>();
    for (const actor of actors) {
      const label = actor ? (actor as SessionUser).username : "anonymous";
      const readable = await db.$queryRaw<Array<{ id: number }>>(Prisma.sql`SELECT p.id FROM projects p WHERE ${readableProjectsSql(actor, "p")}`);
      const viaWhere = await db.project.findMany({ where: await readableProjectsWhere(actor), select: { id: true } });
      const expected: number[] = [];
      for (const row of projects) if ((await projectAccess(actor, row)).canRead) expected.push(row.id);
      expect(readable.map((row) => row.id).sort(), label).toEqual(expected.sort());
      expect(viaWhere.map((row) => row.id).sort(), label).toEqual(expected.sort());
      if (!actor) continue;
      const manageable = await db.$queryRaw<Array<{ id: number }>>(
        Prisma.sql`SELECT i.id FROM project_imports i JOIN projects p ON p.id = i.project_id WHERE ${manageableImportsSql(actor, "i", "p")}`,
      );
      const expectedImports: number[] = [];
      for (const row of imports) {
        const subject = projects.find((candidate) => candidate.id === row.projectId)!;
        if ((await importAccess(actor, { importerId: row.userId, project: subject })).canManage) expectedImports.push(row.id);
      }
      expect(manageable.map((row) => row.id).sort(), label).toEqual(expectedImports.sort());
      distinct.add(JSON.stringify([expected, expectedImports]));
    }
    // The callers see different things, so the comparison is not between empty sets.
    expect(distinct.size).toBe(5);
  });

  it("importing into namespaces and managing placeholders", async () => {
    const { actors } = await world();
    const namespaces = await db.namespace.findMany();
    const distinct = new Set<string>();
    for (const actor of actors) {
      if (!actor) continue;
      const label = (actor as SessionUser).username;
      const importable = await db.namespace.findMany({ where: await importableNamespacesWhere(actor), select: { id: true } });
      const placeholders = await db.namespace.findMany({ where: placeholderManagedNamespacesWhere(actor), select: { id: true } });
      const expectedImportable: number[] = [];
      const expectedPlaceholders: number[] = [];
      for (const namespace of namespaces) {
        if (await canImportInto(actor, namespace.id)) expectedImportable.push(namespace.id);
        if (await canManagePlaceholders(actor, namespace)) expectedPlaceholders.push(namespace.id);
      }
      expect(importable.map((row) => row.id).sort(), label).toEqual(expectedImportable.sort());
      expect(placeholders.map((row) => row.id).sort(), label).toEqual(expectedPlaceholders.sort());
      distinct.add(JSON.stringify([expectedImportable, expectedPlaceholders]));
    }
    expect(distinct.size).toBe(4);
  });

  it("reading snippets", async () => {
    const [alice, bob, admin] = [await user("alice"), await user("bob"), await user("root", { isAdmin: true })];
    const snippets = [];
    for (const author of [alice, bob]) {
      for (const visibility of ["private", "internal", "public"] as const) snippets.push(await db.snippet.create({ data: { authorId: author.id, title: `${author.username} ${visibility}`, visibility } }));
    }
    const distinct = new Set<string>();
    for (const actor of [null, alice, bob, admin]) {
      const readable = await db.snippet.findMany({ where: readableSnippetsWhere(actor), select: { id: true } });
      const expected = snippets.filter((snippet) => canReadSnippet(actor, snippet)).map((snippet) => snippet.id);
      expect(readable.map((row) => row.id).sort(), actor?.username ?? "anonymous").toEqual(expected.sort());
      distinct.add(JSON.stringify(expected));
    }
    expect(distinct.size).toBe(4);
    expect(snippets.filter((snippet) => canReadSnippet(bob, snippet)).map((snippet) => snippet.title)).toEqual(["alice internal", "alice public", "bob private", "bob internal", "bob public"]);
  });

  it("walks the chain to the top, and stops on a loop", async () => {
    const acme = await group("acme");
    const platform = await group("acme/platform");
    const tools = await group("acme/platform/tools");
    expect((await namespaceAncestors(tools.id)).map((row) => row.id)).toEqual([tools.id, platform.id, acme.id]);
    expect(await topLevelNamespaceId(tools.id)).toBe(acme.id);
    await db.namespace.update({ where: { id: acme.id }, data: { parentId: tools.id } });
    expect((await namespaceAncestors(tools.id)).length).toBeLessThanOrEqual(101);
  });
});

describe("seeing groups", () => {
  it("shows a group to its members and those of groups above and below it, to anyone when it holds a public project, and every group to admins", async () => {
    const [alice, bob, admin] = [await user("alice"), await user("bob"), await user("root", { isAdmin: true })];
    const groups = new Map<string, Awaited<ReturnType<typeof group>>>();
    for (const path of ["acme", "acme/platform", "acme/platform/tools", "globex", "globex/secret", "initech"]) groups.set(path, await group(path));
    const at = (path: string) => groups.get(path)!;
    await personalNamespace(alice);
    await member(alice, at("acme/platform"), "guest");
    await member(bob, at("globex"), "owner");
    await project(at("globex"), "open", "public");
    await project(at("globex/secret"), "hidden", "private");
    await project(at("initech"), "closed", "private");
    const names = new Map([...groups.values()].map((row) => [row.id, row.fullPath]));
    const seen = async (actor: Actor | null) => {
      const rows = await db.namespace.findMany({ where: await readableGroupsWhere(actor), select: { id: true } });
      const viaCheck = [];
      for (const id of names.keys()) if (await canReadGroup(actor, id)) viaCheck.push(id);
      expect(rows.map((row) => row.id).sort()).toEqual(viaCheck.sort());
      return rows.map((row) => names.get(row.id)).sort();
    };
    expect(await seen(alice)).toEqual(["acme", "acme/platform", "acme/platform/tools", "globex"]);
    expect(await seen(bob)).toEqual(["globex", "globex/secret"]);
    expect(await seen(null)).toEqual(["globex"]);
    expect(await seen(admin)).toEqual([...names.values()].sort());
  });
});
