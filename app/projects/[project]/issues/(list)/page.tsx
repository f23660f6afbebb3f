import type { Metadata } from "next";
import { IssuesPage } from "@/components/projects/issues/issues-page";
import { parsePage } from "@/lib/db/paging";
import { parseIssueState } from "@/lib/issues";
import { projectFromParams, type ProjectParams, type SearchParams } from "../../project";

export const metadata: Metadata = { title: "Issues" };

export default async function IssuesRoute({ params, searchParams }: { params: Promise<ProjectParams>; searchParams: Promise<SearchParams> }) {
  const [{ project, access }, query] = await Promise.all([projectFromParams(params), searchParams]);
  return <IssuesPage project={project} state={parseIssueState(query.state)} page={parsePage(query.page)} canManage={access.canManage} />;
}
