import type { Metadata } from "next";
import { CommitList } from "@/components/projects/repository/commit-list";
import { EmptyState } from "@/components/ui/page-blocks";
import { isUnavailable, MERGE_REQUEST_COMMITS_LIMIT, readMergeRequestCommits } from "@/lib/merge-requests";
import { mergeRequestFromParams, type MergeRequestParams } from "../merge-request";

export const metadata: Metadata = { title: "Commits" };

export default async function MergeRequestCommitsRoute({ params }: { params: Promise<MergeRequestParams> }) {
  const { project, mergeRequest } = await mergeRequestFromParams(params);
  const result = await readMergeRequestCommits(project.id, mergeRequest);
  if (isUnavailable(result)) return <EmptyState testId="commits-unavailable">{result.unavailable}</EmptyState>;
  return (
    <div>
      <CommitList fullPath={project.fullPath} commits={result.commits} label="Commits of this merge request" />
      {result.truncated && <p className="mt-2 text-sm text-slate-600">Only the newest {MERGE_REQUEST_COMMITS_LIMIT} commits are listed.</p>}
    </div>
  );
}
