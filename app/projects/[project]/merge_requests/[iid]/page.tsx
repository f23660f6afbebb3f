import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MergeRequestPage } from "@/components/projects/merge-requests/merge-request-page";
import { getMergeRequest } from "@/lib/merge-requests";
import { parseIid } from "@/lib/projects/urls";
import { projectFromParams, type ProjectParams } from "../../project";

type Props = { params: Promise<ProjectParams & { iid: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Merge request !${(await params).iid}` };
}

export default async function MergeRequestRoute({ params }: Props) {
  const [{ project }, { iid }] = await Promise.all([projectFromParams(params), params]);
  const number = parseIid(iid);
  const mergeRequest = number === null ? null : await getMergeRequest(project.id, number);
  if (!mergeRequest) notFound();
  return <MergeRequestPage mergeRequest={mergeRequest} />;
}
