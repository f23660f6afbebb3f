import type { SessionUser } from "@/lib/auth";
import { db, Prisma, type DbTransaction } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Role, Visibility } from "@/lib/generated/prisma/enums";

/**
 * Who may do what, in one place. Every page, server action, route, API endpoint and job asks
 * this module; for each operation there is a check (one subject) and a filter (all the rows the
 * check allows), built on the same namespace-chain query so the two cannot disagree.
 *
 * A user's effective role on a namespace is the highest of their memberships on it and on every
 * namespace above it; the owner of a personal namespace is its Owner. On a project, a project
 * membership adds to that: the effective role is the highest of the two.
 *
 * - Read a project: public projects, anyone (signed in or not); private and internal ones, anyone
 *   with a role on the project's namespace chain, and admins. A project the caller cannot read
 *   must look exactly like a missing one (404).
 * - Manage a project (its settings, archive and wiki imports): Maintainer or above, or admin.
 * - Import into a namespace (create projects and subgroups there): Maintainer or above, or admin.
 * - Manage an import (cancel, resume, retry failures, attach archives): whoever may manage the
 *   project, and the user who started the import for as long as they may still import into the
 *   project's namespace.
 * - Manage the placeholders of a top-level namespace: an Owner of that group itself, the owner of
 *   the personal namespace, or admin.
 * - See a group (its page, its subgroups and members): admins; anyone with a role on it, on a group
 *   above it or on a group below it; and anyone (signed in or not) when it holds a public project at
 *   any depth. A group the caller cannot see looks exactly like a missing one.
 * - Read a personal snippet: public ones, anyone; internal ones, any signed-in user; private ones,
 *   their author and admins. Like a project, a snippet the caller cannot read looks missing (404).
 */

/** Who is asking; anonymous callers are `null` where an operation allows them. */
export type Actor = Pick<SessionUser, "id" | "isAdmin">;
type Client = DbTransaction | typeof db;

export type ProjectAccess = {
  canRead: boolean;
  canManage: boolean;
  /** The caller's effective role: the highest of the project membership and the memberships on the namespace chain, "owner" for the personal namespace's owner; null otherwise (also for admins who are not members). */
  role: Role | null;
};

/** What projectAccess needs to know about the project. */
export type AccessSubject = { id: number; namespaceId: number; visibility: Visibility };

const ROLE_LEVEL: Record<Role, number> = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 };
const ANY_ROLE = ROLE_LEVEL.guest;
const MANAGE_PROJECT_LEVEL = ROLE_LEVEL.maintainer;
const IMPORT_INTO_LEVEL = ROLE_LEVEL.maintainer;

export function roleLevel(role: Role): number {
  return ROLE_LEVEL[role];
}

export function highestRole(roles: readonly Role[]): Role | null {
  let best: Role | null = null;
  for (const role of roles) if (!best || ROLE_LEVEL[role] > ROLE_LEVEL[best]) best = role;
  return best;
}

function roleAtLevel(level: number): Role | null {
  return (Object.keys(ROLE_LEVEL) as Role[]).find((role) => ROLE_LEVEL[role] === level) ?? null;
}

// ---------------------------------------------------------------------------------------------
// The namespace chain: the one walk of the namespace tree.

/**
 * `namespace_chain(namespace_id, ancestor_id, parent_id, owner_id, depth)`: every namespace
 * matching `start`, paired with itself (depth 0) and each namespace above it. UNION (not UNION
 * ALL) and the depth bound also stop on a corrupted tree that loops.
 */
function namespaceChainCte(start: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`namespace_chain(namespace_id, ancestor_id, parent_id, owner_id, depth) AS (
      SELECT id, id, parent_id, owner_id, 0 FROM namespaces WHERE ${start}
      UNION
      SELECT c.namespace_id, n.id, n.parent_id, n.owner_id, c.depth + 1 FROM namespaces n JOIN namespace_chain c ON n.id = c.parent_id WHERE c.depth < 100
    )`;
}

const ROLE_LEVEL_SQL = Prisma.raw(`CASE m.role::text ${Object.entries(ROLE_LEVEL).map(([role, level]) => `WHEN '${role}' THEN ${level}`).join(" ")} END`);

/** `(namespace_id, level)`: the user's effective role level on each namespace matching `start`, 0 without one. */
function userLevelsQuery(userId: string, start: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`WITH RECURSIVE ${namespaceChainCte(start)}
    SELECT c.namespace_id, COALESCE(max(CASE WHEN c.owner_id = ${userId} THEN ${Prisma.raw(String(ROLE_LEVEL.owner))} ELSE ${ROLE_LEVEL_SQL} END), 0)::int AS level
    FROM namespace_chain c LEFT JOIN memberships m ON m.namespace_id = c.ancestor_id AND m.user_id = ${userId}
    GROUP BY c.namespace_id`;
}

/** A subquery: ids of the namespaces where the user's effective level is at least `minLevel`. */
function namespaceIdsAtLevelSql(userId: string, minLevel: number): Prisma.Sql {
  return Prisma.sql`(SELECT levels.namespace_id FROM (${userLevelsQuery(userId, Prisma.sql`TRUE`)}) levels WHERE levels.level >= ${minLevel})`;
}

async function levelOn(client: Client, userId: string, namespaceId: number): Promise<number> {
  const rows = await client.$queryRaw<Array<{ level: number }>>(userLevelsQuery(userId, Prisma.sql`id = ${namespaceId}`));
  return rows[0]?.level ?? 0;
}

/** A subquery: ids of the projects where the user's project membership is at least `minLevel`. */
function projectIdsAtLevelSql(userId: string, minLevel: number): Prisma.Sql {
  return Prisma.sql`(SELECT m.project_id FROM project_memberships m WHERE m.user_id = ${userId} AND ${ROLE_LEVEL_SQL} >= ${minLevel})`;
}

/** The user's effective level on a project: the highest of its namespace chain and its project membership. */
async function projectLevel(client: Client, userId: string, project: AccessSubject): Promise<number> {
  const [namespaceLevel, membership] = await Promise.all([
    levelOn(client, userId, project.namespaceId),
    client.projectMembership.findUnique({ where: { userId_projectId: { userId, projectId: project.id } }, select: { role: true } }),
  ]);
  return Math.max(namespaceLevel, membership ? ROLE_LEVEL[membership.role] : 0);
}

/** The namespace and every namespace above it, nearest first. */
export async function namespaceAncestors(namespaceId: number, client: Client = db): Promise<Array<{ id: number; parentId: number | null; ownerId: string | null }>> {
  return client.$queryRaw(Prisma.sql`WITH RECURSIVE ${namespaceChainCte(Prisma.sql`id = ${namespaceId}`)}
    SELECT ancestor_id AS id, parent_id AS "parentId", owner_id AS "ownerId" FROM namespace_chain ORDER BY depth`);
}

/** The top-level namespace above (or equal to) a namespace: placeholders live there. */
export async function topLevelNamespaceId(namespaceId: number, client: Client = db): Promise<number> {
  const top = (await namespaceAncestors(namespaceId, client)).find((namespace) => namespace.parentId === null);
  if (!top) throw new Error(`Namespace ${namespaceId} has no top-level namespace`);
  return top.id;
}

// ---------------------------------------------------------------------------------------------
// Projects: read and manage

export async function projectAccess(user: Actor | null, project: AccessSubject, client: Client = db): Promise<ProjectAccess> {
  const isPublic = project.visibility === "public";
  if (!user) return { canRead: isPublic, canManage: false, role: null };
  const level = await projectLevel(client, user.id, project);
  return {
    canRead: isPublic || user.isAdmin || level >= ANY_ROLE,
    canManage: user.isAdmin || level >= MANAGE_PROJECT_LEVEL,
    role: roleAtLevel(level),
  };
}

/** SQL condition on the projects table aliased `alias`: the projects the caller can read. */
export function readableProjectsSql(user: Actor | null, alias: string): Prisma.Sql {
  const project = Prisma.raw(alias);
  if (!user) return Prisma.sql`${project}.visibility = 'public'`;
  if (user.isAdmin) return Prisma.sql`TRUE`;
  return Prisma.sql`(${project}.visibility = 'public' OR ${project}.namespace_id IN ${namespaceIdsAtLevelSql(user.id, ANY_ROLE)} OR ${project}.id IN ${projectIdsAtLevelSql(user.id, ANY_ROLE)})`;
}

/** Ids of the namespaces where the user has at least `minRole` (any role when null), including personal namespaces they own and everything below. */
export async function namespaceIdsWithRole(userId: string, minRole: Role | null = null): Promise<number[]> {
  const rows = await db.$queryRaw<Array<{ namespace_id: number }>>(
    Prisma.sql`SELECT levels.namespace_id FROM (${userLevelsQuery(userId, Prisma.sql`TRUE`)}) levels WHERE levels.level >= ${minRole ? ROLE_LEVEL[minRole] : ANY_ROLE}`,
  );
  return rows.map((row) => row.namespace_id);
}

/** Prisma filter: the projects where the user has at least `minRole` (any role when null), through the namespace chain or a project membership. */
export async function projectsWithRoleWhere(userId: string, minRole: Role | null = null): Promise<Prisma.ProjectWhereInput> {
  const minLevel = minRole ? ROLE_LEVEL[minRole] : ANY_ROLE;
  const roles = (Object.keys(ROLE_LEVEL) as Role[]).filter((role) => ROLE_LEVEL[role] >= minLevel);
  return { OR: [{ namespaceId: { in: await namespaceIdsWithRole(userId, minRole) } }, { projectMemberships: { some: { userId, role: { in: roles } } } }] };
}

/** Prisma filter: the projects the caller can read (public ones for anonymous callers; all for admins). */
export async function readableProjectsWhere(user: Actor | null): Promise<Prisma.ProjectWhereInput> {
  if (!user) return { visibility: "public" };
  if (user.isAdmin) return {};
  return { OR: [{ visibility: "public" }, { namespaceId: { in: await namespaceIdsWithRole(user.id) } }, { projectMemberships: { some: { userId: user.id } } }] };
}

// ---------------------------------------------------------------------------------------------
// Groups: see

/** Ids of the groups the caller can see (see the rules above); null for admins, who see all. */
async function visibleGroupIds(user: Actor | null): Promise<number[] | null> {
  if (user?.isAdmin) return null;
  const publicProjects = Prisma.sql`id IN (SELECT namespace_id FROM projects WHERE visibility = 'public')`;
  const start = user ? Prisma.sql`(${publicProjects} OR id IN ${namespaceIdsAtLevelSql(user.id, ANY_ROLE)})` : publicProjects;
  const rows = await db.$queryRaw<Array<{ id: number }>>(Prisma.sql`WITH RECURSIVE ${namespaceChainCte(start)}
    SELECT DISTINCT c.ancestor_id AS id FROM namespace_chain c`);
  return rows.map((row) => row.id);
}

/** Prisma filter: the groups the caller can see. */
export async function readableGroupsWhere(user: Actor | null): Promise<Prisma.NamespaceWhereInput> {
  const ids = await visibleGroupIds(user);
  return ids === null ? { kind: "group" } : { kind: "group", id: { in: ids } };
}

/** Whether the caller can see the group (see readableGroupsWhere). */
export async function canReadGroup(user: Actor | null, namespaceId: number): Promise<boolean> {
  return (await db.namespace.count({ where: { AND: [{ id: namespaceId }, await readableGroupsWhere(user)] } })) > 0;
}

// ---------------------------------------------------------------------------------------------
// Namespaces: import into

function mayImportAt(user: Actor, level: number): boolean {
  return user.isAdmin || level >= IMPORT_INTO_LEVEL;
}

/** Whether the user may import into (create projects and subgroups in) the namespace. Pass the transaction that just created it, if any. */
export async function canImportInto(user: Actor, namespaceId: number, client: Client = db): Promise<boolean> {
  return mayImportAt(user, await levelOn(client, user.id, namespaceId));
}

/** Prisma filter: the namespaces the user may import into. */
export async function importableNamespacesWhere(user: Actor): Promise<Prisma.NamespaceWhereInput> {
  if (user.isAdmin) return {};
  return { id: { in: await namespaceIdsWithRole(user.id, roleAtLevel(IMPORT_INTO_LEVEL)) } };
}

// ---------------------------------------------------------------------------------------------
// Imports: manage

export type ImportAccess = { canRead: boolean; canManage: boolean };

/** Who may manage an import, given the caller's access to its project and who started it (null: nobody, e.g. a project that was not imported). */
export async function importAccess(user: Actor | null, subject: { importerId: string | null; project: AccessSubject }, client: Client = db): Promise<ImportAccess> {
  const access = await projectAccess(user, subject.project, client);
  if (!user || !access.canRead) return { canRead: access.canRead, canManage: false };
  const importerMayContinue = subject.importerId === user.id && mayImportAt(user, access.role ? ROLE_LEVEL[access.role] : 0);
  return { canRead: true, canManage: access.canManage || importerMayContinue };
}

/** SQL condition on project_imports aliased `importAlias` joined to its project `projectAlias`: the imports the caller may manage. */
export function manageableImportsSql(user: Actor, importAlias: string, projectAlias: string): Prisma.Sql {
  if (user.isAdmin) return Prisma.sql`TRUE`;
  const projectImport = Prisma.raw(importAlias);
  const project = Prisma.raw(projectAlias);
  return Prisma.sql`(${project}.namespace_id IN ${namespaceIdsAtLevelSql(user.id, MANAGE_PROJECT_LEVEL)}
    OR ${project}.id IN ${projectIdsAtLevelSql(user.id, MANAGE_PROJECT_LEVEL)}
    OR (${projectImport}.user_id = ${user.id} AND ${project}.namespace_id IN ${namespaceIdsAtLevelSql(user.id, IMPORT_INTO_LEVEL)}))`;
}

const importSubjectSelect = {
  id: true,
  userId: true,
  status: true,
  stage: true,
  source: true,
  projectId: true,
  project: { select: { id: true, fullPath: true, namespaceId: true, visibility: true } },
} satisfies Prisma.ProjectImportSelect;
export type ManagedImport = Prisma.ProjectImportGetPayload<{ select: typeof importSubjectSelect }>;

function throwUnlessManages(access: ImportAccess, what: string): void {
  // Someone who cannot read the project does not learn that it (or its import) exists.
  if (!access.canRead) throw new AppError("not_found", `${what} not found.`);
  if (!access.canManage) {
    throw new AppError("forbidden", "You need the Maintainer or Owner role on this project, or to have started its import while you may still import into its namespace.");
  }
}

async function findImport(user: Actor | null, importId: number): Promise<{ row: ManagedImport | null; access: ImportAccess }> {
  const row = await db.projectImport.findUnique({ where: { id: importId }, select: importSubjectSelect });
  return { row, access: row ? await importAccess(user, { importerId: row.userId, project: row.project }) : { canRead: false, canManage: false } };
}

/** The caller's access to an import (nothing for a missing one). */
export async function importAccessById(user: Actor | null, importId: number): Promise<ImportAccess> {
  return (await findImport(user, importId)).access;
}

/** The import, if the user may manage it: 404 when they cannot read its project (or it does not exist), 403 when they can only read it. */
export async function requireImportManager(user: Actor, importId: number): Promise<ManagedImport> {
  const { row, access } = await findImport(user, importId);
  throwUnlessManages(access, "Import");
  return row!;
}

/**
 * The project, if the user may import more into it (attach an issue archive or a wiki): its
 * import's managers when it was imported, its managers otherwise. 404/403 as requireImportManager.
 */
export async function requireProjectImportManager(user: Actor, projectId: number) {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: { id: true, fullPath: true, namespaceId: true, visibility: true, importUrl: true, import: { select: { userId: true } } },
  });
  const access = project ? await importAccess(user, { importerId: project.import?.userId ?? null, project }) : { canRead: false, canManage: false };
  throwUnlessManages(access, "Project");
  const { import: _import, ...rest } = project!;
  return rest;
}

/** A user's id as an Actor (for jobs and callers that only hold the id); null when the user is gone. */
export async function actorById(userId: string): Promise<Actor | null> {
  return db.user.findUnique({ where: { id: userId }, select: { id: true, isAdmin: true } });
}

// ---------------------------------------------------------------------------------------------
// Placeholders

/** Whether the user manages the placeholders of a top-level namespace: an Owner of the group itself, the personal namespace's owner, or an admin. */
export async function canManagePlaceholders(user: Actor, namespace: { id: number; ownerId: string | null; parentId: number | null }): Promise<boolean> {
  if (namespace.parentId !== null) return false;
  if (user.isAdmin || namespace.ownerId === user.id) return true;
  const membership = await db.membership.findUnique({ where: { userId_namespaceId: { userId: user.id, namespaceId: namespace.id } }, select: { role: true } });
  return membership?.role === "owner";
}

/** Prisma filter matching canManagePlaceholders: the top-level namespaces whose placeholders the user manages. */
export function placeholderManagedNamespacesWhere(user: Actor): Prisma.NamespaceWhereInput {
  if (user.isAdmin) return { parentId: null };
  return { parentId: null, OR: [{ ownerId: user.id }, { memberships: { some: { userId: user.id, role: "owner" } } }] };
}

// ---------------------------------------------------------------------------------------------
// Snippets

/** What snippetAccess needs to know about the snippet. */
export type SnippetSubject = { authorId: string; visibility: Visibility };

export function canReadSnippet(user: Actor | null, snippet: SnippetSubject): boolean {
  if (snippet.visibility === "public") return true;
  if (!user) return false;
  return user.isAdmin || snippet.authorId === user.id || snippet.visibility === "internal";
}

/** Prisma filter matching canReadSnippet: the snippets the caller can read. */
export function readableSnippetsWhere(user: Actor | null): Prisma.SnippetWhereInput {
  if (!user) return { visibility: "public" };
  if (user.isAdmin) return {};
  return { OR: [{ visibility: { in: ["public", "internal"] } }, { authorId: user.id }] };
}
