import type { SessionUser } from "@/lib/auth";
import { db, Prisma } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { projectAccess, roleLevel, type ProjectAccess } from "@/lib/projects/access";
import { findProject, type Project, type ProjectRef } from "@/lib/projects/read";
import { forbidden, notFound } from "./errors";

/**
 * Projects and namespaces as API callers may see them, with exactly the UI's rules
 * (lib/projects/access.ts): a project the caller cannot read is a 404, like a missing one.
 */

export type ApiProject = Project & { access: ProjectAccess };

export type ProjectNeed = "read" | "manage";

/** `:id` of a project route: a numeric id, or a full path ("group/sub/project", sent URL-encoded). */
function projectRef(idOrPath: string): ProjectRef {
  const value = idOrPath.trim();
  return /^\d{1,10}$/.test(value) ? Number(value) : value;
}

/**
 * The project behind `:id` and the caller's access to it. 404 when it does not exist or the
 * caller may not read it; with `need: "manage"`, 403 for a reader who may not manage it.
 */
export async function findApiProject(caller: SessionUser | null, idOrPath: string, need: ProjectNeed = "read"): Promise<ApiProject> {
  const project = await findProject(projectRef(idOrPath));
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
  const roles = (["guest", "reporter", "developer", "maintainer", "owner"] as const).filter((role) => minRole === null || roleLevel(role) >= roleLevel(minRole));
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
