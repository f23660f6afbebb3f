import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { db, type Prisma } from "@/lib/db";
import { loadPage, type PageOptions, type Paged } from "@/lib/db/paging";
import { readableGroupsWhere, roleLevel, type Actor } from "@/lib/projects/access";
import { personSelect } from "@/lib/users/people";

/** Namespaces (users' personal ones and groups) as the pages and the API read them. */

export const namespaceSelect = {
  id: true,
  kind: true,
  name: true,
  path: true,
  fullPath: true,
  parentId: true,
  description: true,
  createdAt: true,
  owner: { select: { number: true } },
} satisfies Prisma.NamespaceSelect;
export type NamespaceItem = Prisma.NamespaceGetPayload<{ select: typeof namespaceSelect }>;

/**
 * "Acme / Platform / Tools" for namespace full paths, from the namespaces' names (one query for
 * any number of paths).
 */
export async function namespaceFullNames(fullPaths: readonly string[]): Promise<Map<string, string>> {
  const prefixes = new Set<string>();
  for (const fullPath of fullPaths) {
    const segments = fullPath.split("/");
    for (let index = 1; index <= segments.length; index++) prefixes.add(segments.slice(0, index).join("/"));
  }
  const rows = prefixes.size ? await db.namespace.findMany({ where: { fullPath: { in: [...prefixes] } }, select: { fullPath: true, name: true } }) : [];
  const names = new Map(rows.map((row) => [row.fullPath, row.name]));
  const result = new Map<string, string>();
  for (const fullPath of fullPaths) {
    const segments = fullPath.split("/");
    const parts = segments.map((segment, index) => names.get(segments.slice(0, index + 1).join("/")) ?? segment);
    result.set(fullPath, parts.join(" / "));
  }
  return result;
}

/** The full name of one namespace path. */
export async function namespaceFullName(fullPath: string): Promise<string> {
  return (await namespaceFullNames([fullPath])).get(fullPath) ?? fullPath;
}

/** One page of the namespaces matching `where` (the caller's access filter among them). */
export async function listNamespaces(
  where: Prisma.NamespaceWhereInput,
  options: { orderBy: "id" | "full_path" } & PageOptions,
): Promise<Paged<NamespaceItem>> {
  return loadPage(
    options,
    (range) => db.namespace.findMany({ where, select: namespaceSelect, orderBy: options.orderBy === "id" ? { id: "asc" } : { fullPath: "asc" }, ...range }),
    () => db.namespace.count({ where }),
  );
}

/** The namespace by id or full path (ignoring case) among those matching `where`. */
export async function findNamespace(idOrPath: string, where: Prisma.NamespaceWhereInput): Promise<NamespaceItem | null> {
  const value = idOrPath.trim();
  if (!value) return null;
  const match: Prisma.NamespaceWhereInput = /^\d{1,10}$/.test(value) ? { id: Number(value) } : { fullPath: sameTextIgnoringCase(value) };
  return db.namespace.findFirst({ where: { AND: [match, where] }, select: namespaceSelect });
}

// ---------------------------------------------------------------------------------------------
// Groups, as their pages read them

/** A group the caller can see at a full path (exact, else ignoring case), or null (missing and hidden look alike). */
export async function loadGroupForUser(user: Actor | null, fullPath: string): Promise<NamespaceItem | null> {
  const path = fullPath.replace(/^\/+|\/+$/g, "");
  if (!path || path.length > 1000) return null;
  const where = await readableGroupsWhere(user);
  return (
    (await db.namespace.findFirst({ where: { AND: [{ fullPath: path }, where] }, select: namespaceSelect })) ??
    (await db.namespace.findFirst({ where: { AND: [{ fullPath: sameTextIgnoringCase(path) }, where] }, select: namespaceSelect, orderBy: { id: "asc" } }))
  );
}

/** A personal namespace's owner, for a URL that names it (it leads to the user's page). */
export async function personalNamespaceOwner(fullPath: string): Promise<string | null> {
  const namespace = await db.namespace.findFirst({ where: { kind: "user", fullPath: sameTextIgnoringCase(fullPath) }, select: { owner: { select: { username: true } } } });
  return namespace?.owner?.username ?? null;
}

/** The groups above a group (top-level first), with their names, for breadcrumbs. */
export async function groupAncestors(fullPath: string): Promise<Array<{ fullPath: string; name: string }>> {
  const segments = fullPath.split("/");
  const paths = segments.slice(0, -1).map((_, index) => segments.slice(0, index + 1).join("/"));
  if (paths.length === 0) return [];
  const rows = await db.namespace.findMany({ where: { fullPath: { in: paths } }, select: { fullPath: true, name: true } });
  const names = new Map(rows.map((row) => [row.fullPath, row.name]));
  return paths.map((path) => ({ fullPath: path, name: names.get(path) ?? path.split("/").at(-1)! }));
}

/** The subgroups of a group the caller can see, by name. */
export async function listSubgroups(user: Actor | null, parentId: number): Promise<NamespaceItem[]> {
  return db.namespace.findMany({ where: { AND: [{ parentId }, await readableGroupsWhere(user)] }, select: namespaceSelect, orderBy: [{ name: "asc" }, { id: "asc" }], take: 200 });
}

export const GROUP_MEMBERS_SHOWN = 100;

/** The group's own members (not those of groups above it), highest role first. */
export async function listGroupMembers(namespaceId: number) {
  const rows = await db.membership.findMany({ where: { namespaceId }, select: { role: true, createdAt: true, user: { select: personSelect } }, orderBy: { createdAt: "asc" }, take: GROUP_MEMBERS_SHOWN + 1 });
  const members = rows.sort((a, b) => roleLevel(b.role) - roleLevel(a.role) || a.user.username.localeCompare(b.user.username));
  return { members: members.slice(0, GROUP_MEMBERS_SHOWN), more: members.length > GROUP_MEMBERS_SHOWN };
}

/** The groups the user is a member of (directly), by full path, for their home page. */
export async function listMemberGroups(userId: string, limit = 50): Promise<NamespaceItem[]> {
  return db.namespace.findMany({ where: { kind: "group", memberships: { some: { userId } } }, select: namespaceSelect, orderBy: { fullPath: "asc" }, take: limit });
}
