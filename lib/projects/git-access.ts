import { projectRepositoryPath } from "@/lib/git";
import { projectAccess } from "./access";
import { findProject } from "./queries";

/**
 * Finds the project behind a git URL and checks the caller's access, with the same rules as the
 * pages. Until personal access tokens exist, git callers are anonymous: public projects clone,
 * private ones answer as if they did not exist.
 *
 * @param fullPath      the project's full path, e.g. "group/subgroup/project" (no ".git")
 * @param authorization the request's Authorization header, or null for anonymous requests
 * @returns the project id and its bare repository path, or null when the project does not exist
 *          or the caller may not read it (anonymous callers then get a 401 challenge)
 */
export async function resolveProjectForGit(fullPath: string, authorization: string | null): Promise<{ projectId: number; repoPath: string } | null> {
  void authorization;
  const project = await findProject(fullPath);
  if (!project) return null;
  const access = await projectAccess(null, project);
  return access.canRead ? { projectId: project.id, repoPath: projectRepositoryPath(project.id) } : null;
}
