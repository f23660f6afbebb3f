import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { IssuePage } from "@/components/projects/issues/issue-page";
import { getIssue } from "@/lib/issues";
import { parseIid } from "@/lib/projects/urls";
import { projectFromParams, type ProjectParams } from "../../project";

type Props = { params: Promise<ProjectParams & { iid: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Issue #${(await params).iid}` };
}

export default async function IssueRoute({ params }: Props) {
  const [{ project }, { iid }] = await Promise.all([projectFromParams(params), params]);
  const number = parseIid(iid);
  const issue = number === null ? null : await getIssue(project.id, number);
  if (!issue) notFound();
  return <IssuePage project={project} issue={issue} />;
}
