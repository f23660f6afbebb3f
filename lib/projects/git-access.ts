/**
 * Finds the project behind a git URL and checks the caller's access. Placeholder: the lead
 * replaces the body; the git routes (lib/git/routes.ts) only depend on this signature.
 *
 * @param fullPath      the project's full path, e.g. "group/subgroup/project" (no ".git")
 * @param authorization the request's Authorization header, or null for anonymous requests
 * @returns the project id and its bare repository path, or null when the project does not exist
 *          or the caller may not read it (anonymous callers then get a 401 challenge)
 */
export async function resolveProjectForGit(fullPath: string, authorization: string | null): Promise<{ projectId: number; repoPath: string } | null> {
  void fullPath;
  void authorization;
  throw new Error("not implemented");
}
