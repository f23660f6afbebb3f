import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { currentUser } from "@/lib/auth";
import { loadGroupForUser, personalNamespaceOwner } from "@/lib/namespaces/read";
import { loadProjectForUser } from "@/lib/projects/read";
import { decodeRouteParam } from "@/lib/projects/urls";

export type ProjectParams = { project: string };
export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The project of a project route and the caller's access to it, or null when there is no such
 * project or the caller can't read it (the same answer on purpose). Cached per request, so the
 * layout, metadata and page share one lookup.
 */
const loadProject = cache(async (param: string) => {
  const requestedPath = decodeRouteParam(param);
  const loaded = await loadProjectForUser(await currentUser(), requestedPath);
  return loaded && { ...loaded, requestedPath };
});

export async function findProjectFromParams(params: Promise<ProjectParams>) {
  return loadProject((await params).project);
}

/** As findProjectFromParams, a 404 when the caller can't read the project. */
export async function projectFromParams(params: Promise<ProjectParams>) {
  return (await findProjectFromParams(params)) ?? notFound();
}

/**
 * The group at the route's path when no project is there (`/<group…>` URLs share the route), or
 * null. A personal namespace's path leads to its user's page.
 */
const loadGroup = cache(async (param: string) => {
  const requestedPath = decodeRouteParam(param);
  const group = await loadGroupForUser(await currentUser(), requestedPath);
  if (group) return group;
  const username = await personalNamespaceOwner(requestedPath);
  if (username) redirect(`/users/${encodeURIComponent(username)}`);
  return null;
});

export async function findGroupFromParams(params: Promise<ProjectParams>) {
  return loadGroup((await params).project);
}
