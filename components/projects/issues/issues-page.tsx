import Link from "next/link";
import { issueStateCounts, type IssueStateFilter, listIssues } from "@/lib/issues";
import type { Project } from "@/lib/projects/read";
import { ImportedBadge, IssueStateBadge } from "../badges";
import { plural } from "@/components/ui/format";
import { LabelList } from "@/components/projects/labels/label-chip";
import { projectHref } from "@/lib/projects/urls";
import { Time } from "@/components/ui/time";
import { ImportSettingsLink } from "../list-page";
import { AuthorAndAssigneeCells, FilteredListPage, PagedTable, type ListSlice } from "../filtered-list";

async function IssueTable({ project, slice }: { project: Project; slice: ListSlice<IssueStateFilter> }) {
  const result = await listIssues(project.id, slice);
  return (
    <PagedTable caption="Issues" columns={["Issue", "Author", "Assignee", "Milestone", "Opened"]} slice={slice} result={result} emptyTestId="issues-empty">
      {result.items.map((issue) => (
        <tr key={issue.id} className="border-t border-slate-100 align-top" data-testid="issue-row" data-iid={issue.iid}>
          <td className="px-4 py-2.5">
            <div className="flex flex-wrap items-center gap-2">
              {slice.state === "all" && <IssueStateBadge state={issue.state} />}
              <Link href={projectHref(project.fullPath, "issues", issue.iid)} className="font-medium text-slate-900 hover:text-brand-600 hover:underline">
                {issue.title}
              </Link>
              <ImportedBadge from={issue.importedFrom} />
            </div>
            <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
              <span>#{issue.iid}</span>
              {issue._count.notes > 0 && <span>{plural(issue._count.notes, "comment")}</span>}
              {issue.upvotes > 0 && <span>{plural(issue.upvotes, "upvote")}</span>}
            </div>
            {issue.labels.length > 0 && (
              <div className="mt-1.5">
                <LabelList labels={issue.labels.map(({ label }) => label)} />
              </div>
            )}
          </td>
          <AuthorAndAssigneeCells author={issue.author} assignee={issue.assignee} />
          <td className="px-4 py-2.5">{issue.milestone ? issue.milestone.title : <span className="text-slate-500">None</span>}</td>
          <td className="px-4 py-2.5 whitespace-nowrap text-slate-600">
            <Time value={issue.createdAt} />
          </td>
        </tr>
      ))}
    </PagedTable>
  );
}

export async function IssuesPage({ project, state, page, canManage = false }: { project: Project; state: IssueStateFilter; page: number; canManage?: boolean }) {
  const counts = await issueStateCounts(project.id);
  const slice = { basePath: projectHref(project.fullPath, "issues"), state, page };
  return (
    <FilteredListPage
      title="Issues"
      slice={slice}
      action={canManage ? <ImportSettingsLink project={project}>Import from a Bitbucket export</ImportSettingsLink> : undefined}
      states={[
        { value: "opened", label: "Open", count: counts.opened },
        { value: "closed", label: "Closed", count: counts.closed },
        { value: "all", label: "All", count: counts.all },
      ]}
    >
      <IssueTable project={project} slice={slice} />
    </FilteredListPage>
  );
}
