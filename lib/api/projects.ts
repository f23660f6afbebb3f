import type { SessionUser } from "@/lib/auth";
import { projectAccess, type ProjectAccess } from "@/lib/projects/access";
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
