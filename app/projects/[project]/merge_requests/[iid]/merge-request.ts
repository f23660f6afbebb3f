import { notFound } from "next/navigation";
import { cache } from "react";
import { getMergeRequest } from "@/lib/merge-requests";
import { parseIid } from "@/lib/projects/urls";
import { projectFromParams, type ProjectParams } from "../../project";

export type MergeRequestParams = ProjectParams & { iid: string };

const loadMergeRequest = cache(async (projectId: number, iid: string) => {
  const number = parseIid(iid);
  return number === null ? null : getMergeRequest(projectId, number);
});

/** The project and merge request of a merge request route (one lookup per request); a 404 when either is missing. */
export async function mergeRequestFromParams(params: Promise<MergeRequestParams>) {
  const [{ project }, { iid }] = await Promise.all([projectFromParams(params), params]);
  const mergeRequest = (await loadMergeRequest(project.id, iid)) ?? notFound();
  return { project, mergeRequest };
}
