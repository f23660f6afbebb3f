import { createGitRouteHandlers } from "@/lib/git/routes";
import { resolveProjectForGit } from "@/lib/projects/git-access";

/** The git and LFS route handlers, bound to Ferry's project lookup (see lib/git/routes.ts). */
export const gitRoutes = createGitRouteHandlers(resolveProjectForGit);
