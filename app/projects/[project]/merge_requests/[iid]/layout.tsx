import type { Metadata } from "next";
import type { ReactNode } from "react";
import { MergeRequestHeader } from "@/components/projects/merge-requests/merge-request-page";
import { MergeRequestTabs } from "@/components/projects/merge-requests/merge-request-tabs";
import { projectHref } from "@/lib/projects/urls";
import { mergeRequestFromParams, type MergeRequestParams } from "./merge-request";

type Props = { params: Promise<MergeRequestParams>; children: ReactNode };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Merge request !${(await params).iid}` };
}

/** A merge request's header and its tabs: Overview, Commits, Changes. */
export default async function MergeRequestLayout({ params, children }: Props) {
  const { project, mergeRequest } = await mergeRequestFromParams(params);
  const base = ["merge_requests", mergeRequest.iid] as const;
  const tabs = [
    { key: "overview", label: "Overview", href: projectHref(project.fullPath, ...base) },
    { key: "commits", label: "Commits", href: projectHref(project.fullPath, ...base, "commits") },
    { key: "diffs", label: "Changes", href: projectHref(project.fullPath, ...base, "diffs") },
  ];
  return (
    <article aria-labelledby="merge-request-title">
      <MergeRequestHeader mergeRequest={mergeRequest} />
      <MergeRequestTabs tabs={tabs} />
      <div className="mt-4">{children}</div>
    </article>
  );
}
