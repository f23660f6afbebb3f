import type { Metadata } from "next";
import { ChangesTab } from "@/components/projects/merge-requests/changes-tab";
import { EmptyState } from "@/components/ui/page-blocks";
import { isUnavailable, readMergeRequestChanges } from "@/lib/merge-requests";
import { listDiscussions } from "@/lib/notes";
import { mergeRequestFromParams, type MergeRequestParams } from "../merge-request";

export const metadata: Metadata = { title: "Changes" };

export default async function MergeRequestChangesRoute({ params }: { params: Promise<MergeRequestParams> }) {
  const { project, mergeRequest } = await mergeRequestFromParams(params);
  const changes = await readMergeRequestChanges(project.id, mergeRequest, await listDiscussions({ mergeRequestId: mergeRequest.id }));
  if (isUnavailable(changes)) return <EmptyState testId="changes-unavailable">{changes.unavailable}</EmptyState>;
  return <ChangesTab fullPath={project.fullPath} changes={changes} />;
}
