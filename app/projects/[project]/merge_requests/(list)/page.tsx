import type { Metadata } from "next";
import { MergeRequestsPage } from "@/components/projects/merge-requests/merge-requests-page";
import { parsePage } from "@/lib/db/paging";
import { parseMergeRequestState } from "@/lib/merge-requests";
import { projectFromParams, type ProjectParams, type SearchParams } from "../../project";

export const metadata: Metadata = { title: "Merge requests" };

export default async function MergeRequestsRoute({ params, searchParams }: { params: Promise<ProjectParams>; searchParams: Promise<SearchParams> }) {
  const [{ project }, query] = await Promise.all([projectFromParams(params), searchParams]);
  return <MergeRequestsPage project={project} state={parseMergeRequestState(query.state)} page={parsePage(query.page)} />;
}
