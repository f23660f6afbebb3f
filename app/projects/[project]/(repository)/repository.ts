import { notFound } from "next/navigation";
import { locate, projectRepository } from "@/lib/repository";
import { decodeRouteParam } from "@/lib/projects/urls";
import { projectFromParams, type ProjectParams } from "../project";

export type RepositoryParams = ProjectParams & { path?: string[] };

/** The project of a repository route and its repository; a 404 when either is missing or unreadable. */
export async function repositoryFromParams(params: Promise<ProjectParams>) {
  const { project } = await projectFromParams(params);
  const repoPath = projectRepository(project.id) ?? notFound();
  return { project, repoPath };
}

/** The ref and path a repository URL names (`…/<ref…>/<path…>`); a 404 when no ref matches. */
export async function locationFromParams(params: Promise<RepositoryParams>) {
  const [{ project, repoPath }, { path }] = await Promise.all([repositoryFromParams(params), params]);
  const location = (await locate(repoPath, (path ?? []).map(decodeRouteParam))) ?? notFound();
  return { project, repoPath, location };
}
