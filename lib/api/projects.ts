import type { SessionUser } from "@/lib/auth";
import { db, type Prisma } from "@/lib/db";
import { projectAccess, type ProjectAccess } from "@/lib/projects/access";
import { forbidden, notFound } from "./errors";
import { apiProjectSelect, type ApiProjectRow } from "./serializers/projects";

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
  return { fullPath: { equals: value.replace(/^\/+|\/+$/g, ""), mode: "insensitive" } };
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
