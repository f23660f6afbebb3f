import { notFound } from "next/navigation";
import { cache } from "react";
import { currentUser } from "@/lib/auth";
import { loadProjectForUser } from "@/lib/projects/queries";
import { decodeRouteParam } from "@/lib/projects/urls";

export type ProjectParams = { project: string };
export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The project of a project route and the caller's access to it. No such project and a project the
 * caller can't read are the same 404. Cached per request, so the layout, metadata and page share
 * one lookup.
 */
const loadProject = cache(async (param: string) => {
  const requestedPath = decodeRouteParam(param);
  const loaded = await loadProjectForUser(await currentUser(), requestedPath);
  if (!loaded) notFound();
  return { ...loaded, requestedPath };
});

export async function projectFromParams(params: Promise<ProjectParams>) {
  return loadProject((await params).project);
}
