import { MergeRequestOverview } from "@/components/projects/merge-requests/merge-request-page";
import { projectHref } from "@/lib/projects/urls";
import { mergeRequestFromParams, type MergeRequestParams } from "./merge-request";

export default async function MergeRequestRoute({ params }: { params: Promise<MergeRequestParams> }) {
  const { project, mergeRequest } = await mergeRequestFromParams(params);
  return <MergeRequestOverview mergeRequest={mergeRequest} projectPath={project.fullPath} changesHref={projectHref(project.fullPath, "merge_requests", mergeRequest.iid, "diffs")} />;
}
