import Link from "next/link";
import { listMergeRequests, mergeRequestStateCounts, type MergeRequestStateFilter } from "@/lib/merge-requests";
import type { Project } from "@/lib/projects/read";
import { Badge, ImportedBadge, MergeRequestStateBadge } from "../badges";
import { plural } from "@/components/ui/format";
import { projectHref } from "@/lib/projects/urls";
import { Time } from "@/components/ui/time";
import { AuthorAndAssigneeCells, FilteredListPage, PagedTable, type ListSlice } from "../filtered-list";

async function MergeRequestTable({ project, slice }: { project: Project; slice: ListSlice<MergeRequestStateFilter> }) {
  const result = await listMergeRequests(project.id, slice);
  return (
    <PagedTable caption="Merge requests" columns={["Merge request", "Author", "Assignee", "Opened"]} slice={slice} result={result} emptyTestId="merge-requests-empty">
      {result.items.map((mergeRequest) => (
        <tr key={mergeRequest.id} className="border-t border-slate-100 align-top" data-testid="merge-request-row" data-iid={mergeRequest.iid}>
          <td className="px-4 py-2.5">
            <div className="flex flex-wrap items-center gap-2">
              {slice.state === "all" && <MergeRequestStateBadge state={mergeRequest.state} />}
              {mergeRequest.draft && <Badge tone="amber">Draft</Badge>}
              <Link
                href={projectHref(project.fullPath, "merge_requests", mergeRequest.iid)}
                className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
              >
                {mergeRequest.title}
              </Link>
              <ImportedBadge from={mergeRequest.importedFrom} />
            </div>
            <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
              <span>!{mergeRequest.iid}</span>
              <span>
                <code className="font-mono">{mergeRequest.sourceBranch}</code> → <code className="font-mono">{mergeRequest.targetBranch}</code>
              </span>
              {mergeRequest._count.notes > 0 && <span>{plural(mergeRequest._count.notes, "comment")}</span>}
              {mergeRequest._count.approvals > 0 && <span>{plural(mergeRequest._count.approvals, "approval")}</span>}
            </div>
          </td>
          <AuthorAndAssigneeCells author={mergeRequest.author} assignee={mergeRequest.assignee} />
          <td className="px-4 py-2.5 whitespace-nowrap text-slate-600">
            <Time value={mergeRequest.createdAt} />
          </td>
        </tr>
      ))}
    </PagedTable>
  );
}

export async function MergeRequestsPage({ project, state, page }: { project: Project; state: MergeRequestStateFilter; page: number }) {
  const counts = await mergeRequestStateCounts(project.id);
  const slice = { basePath: projectHref(project.fullPath, "merge_requests"), state, page };
  return (
    <FilteredListPage
      title="Merge requests"
      slice={slice}
      states={[
        { value: "opened", label: "Open", count: counts.opened },
        { value: "merged", label: "Merged", count: counts.merged },
        { value: "closed", label: "Closed", count: counts.closed },
        { value: "all", label: "All", count: counts.all },
      ]}
    >
      <MergeRequestTable project={project} slice={slice} />
    </FilteredListPage>
  );
}
