import type { SessionUser } from "@/lib/auth";
import { projectRepositoryPath } from "@/lib/git";
import { scopesAllow, verifyPersonalAccessToken } from "@/lib/tokens";
import { projectAccess } from "./access";
import { findProject } from "./read";

/** Username and password of an `Authorization: Basic …` header; null when it is not one. */
export function parseBasicAuthorization(header: string): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The user behind git credentials: HTTP Basic with the user's username and one of their
 * personal access tokens (scope `api` or `read_api`). Null for any other credentials: unknown,
 * revoked or expired tokens, another user's token, passwords.
 */
async function gitUser(authorization: string): Promise<SessionUser | null> {
  const credentials = parseBasicAuthorization(authorization);
  if (!credentials) return null;
  const result = await verifyPersonalAccessToken(credentials.password);
  if (!result.ok || !scopesAllow(result.scopes, "read")) return null;
  return result.user.username.toLowerCase() === credentials.username.toLowerCase() ? result.user : null;
}

/**
 * Finds the project behind a git URL and checks the caller's access, with the same rules as the
 * pages. Anonymous callers clone public projects; private projects need HTTP Basic credentials
 * (username + personal access token) of someone who may read them.
 *
 * @param fullPath      the project's full path, e.g. "group/subgroup/project" (no ".git")
 * @param authorization the request's Authorization header, or null for anonymous requests
 * @returns the project id and its bare repository path; null when the project does not exist or
 *          the caller may not read it (anonymous callers then get a 401 challenge, others a 404);
 *          "unauthorized" when credentials were sent and are not valid (a 401)
 */
export async function resolveProjectForGit(fullPath: string, authorization: string | null): Promise<{ projectId: number; repoPath: string } | null | "unauthorized"> {
  let user: SessionUser | null = null;
  if (authorization) {
    user = await gitUser(authorization);
    if (!user) return "unauthorized";
  }
  const project = await findProject(fullPath);
  if (!project) return null;
  const access = await projectAccess(user, project);
  return access.canRead ? { projectId: project.id, repoPath: projectRepositoryPath(project.id) } : null;
}
