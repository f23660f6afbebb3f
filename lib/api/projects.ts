import type { SessionUser } from "@/lib/auth";
import { db, Prisma } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import type { Role } from "@/lib/generated/prisma/enums";
import { projectAccess, type ProjectAccess } from "@/lib/projects/access";
import { forbidden, notFound } from "./errors";
import { accessLevel, apiProjectSelect, type ApiProjectRow } from "./serializers/projects";

/**
 * Projects and namespaces as API callers may see them, with exactly the UI's rules
 * (lib/projects/access.ts): a project the caller cannot read is a 404, like a missing one.
 */

export type ApiProject = ApiProjectRow & { access: ProjectAccess };

/** `:id` of a project route: a numeric id, or a full path ("group/sub/project", sent URL-encoded). */
function projectWhere(idOrPath: string): Prisma.ProjectWhereInput | null {
  const value = idOrPath.trim();
  if (/^\d{1,10}$/.test(value)) return Number(value) <= 2_147_483_647 ? { id: Number(value) } : null;
  if (!value || value.length > 1000) return null;
  return { fullPath: sameTextIgnoringCase(value.replace(/^\/+|\/+$/g, "")) };
}

/**
 * The project behind `:id` and the caller's access to it. 404 when it does not exist or the
 * caller may not read it; with `need: "manage"`, 403 for a reader who may not manage it.
 */
export async function findApiProject(caller: SessionUser | null, idOrPath: string, need: "read" | "manage" = "read"): Promise<ApiProject> {
  const where = projectWhere(idOrPath);
  const project = where ? await db.project.findFirst({ where, select: apiProjectSelect, orderBy: { id: "asc" } }) : null;
  if (!project) throw notFound("Project");
  const access = await projectAccess(caller, project);
  if (!access.canRead) throw notFound("Project");
  if (need === "manage" && !access.canManage) throw forbidden();
  return { ...project, access };
}

/**
 * Ids of the namespaces where the user has at least `minRole` (default: any membership): their
 * personal namespace, groups they are a member of, and every namespace below those.
 */
export async function accessibleNamespaceIds(userId: string, minRole: Role | null = null): Promise<number[]> {
  const roles = (["guest", "reporter", "developer", "maintainer", "owner"] as const).filter((role) => minRole === null || accessLevel(role) >= accessLevel(minRole));
  const rows = await db.$queryRaw<{ id: number }[]>`
    WITH RECURSIVE reachable(id) AS (
      SELECT id FROM namespaces WHERE owner_id = ${userId}
      UNION
      SELECT namespace_id FROM memberships WHERE user_id = ${userId} AND role::text IN (${Prisma.join(roles)})
      UNION
      SELECT n.id FROM namespaces n JOIN reachable r ON n.parent_id = r.id
    )
    SELECT id FROM reachable`;
  return rows.map((row) => row.id);
}

/** Where-clause for the projects the caller can read (public ones for anonymous callers; all for admins). */
export async function readableProjectsWhere(caller: SessionUser | null): Promise<Prisma.ProjectWhereInput> {
  if (!caller) return { visibility: "public" };
  if (caller.isAdmin) return {};
  return { OR: [{ visibility: "public" }, { namespaceId: { in: await accessibleNamespaceIds(caller.id) } }] };
}
