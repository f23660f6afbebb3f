import Link from "next/link";
import { Suspense } from "react";
import { issueStateCounts, listIssues, type IssueStateFilter, type Project } from "@/lib/projects/queries";
import { ImportedBadge, IssueStateBadge } from "../badges";
import { plural } from "@/components/ui/format";
import { LabelList } from "@/components/projects/labels/label-chip";
import { Pagination } from "@/components/ui/pagination";
import { OptionalPerson, PersonLabel } from "../person";
import { projectHref } from "@/lib/projects/urls";
import { ListSkeleton } from "@/components/ui/skeletons";
import { StateTabs } from "@/components/ui/tab-bar";
import { Time } from "@/components/ui/time";
import { EmptyState, HeaderCell, PageHeading, Table, TableHead } from "@/components/ui/page-blocks";

const EMPTY: Record<IssueStateFilter, string> = {
  opened: "There are no open issues.",
  closed: "There are no closed issues.",
  all: "There are no issues.",
};

async function IssueTable({ project, state, page }: { project: Project; state: IssueStateFilter; page: number }) {
  const result = await listIssues(project.id, { state, page });
  const basePath = projectHref(project.fullPath, "issues");
  if (result.items.length === 0) {
    return (
      <>
        <EmptyState testId="issues-empty">{page > 1 ? "There are no issues on this page." : EMPTY[state]}</EmptyState>
        <Pagination basePath={basePath} params={{ state }} page={page} pageCount={result.pageCount} label="Issue pages" />
      </>
    );
  }
  return (
    <>
      <Table caption="Issues">
        <TableHead>
          <HeaderCell>Issue</HeaderCell>
          <HeaderCell>Author</HeaderCell>
          <HeaderCell>Assignee</HeaderCell>
          <HeaderCell>Milestone</HeaderCell>
          <HeaderCell>Opened</HeaderCell>
        </TableHead>
        <tbody>
          {result.items.map((issue) => (
            <tr key={issue.id} className="border-t border-slate-100 align-top" data-testid="issue-row" data-iid={issue.iid}>
              <td className="px-4 py-2.5">
                <div className="flex flex-wrap items-center gap-2">
                  {state === "all" && <IssueStateBadge state={issue.state} />}
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
              <td className="px-4 py-2.5 whitespace-nowrap">
                <PersonLabel person={issue.author} />
              </td>
              <td className="px-4 py-2.5 whitespace-nowrap">
                <OptionalPerson person={issue.assignee} empty="Unassigned" />
              </td>
              <td className="px-4 py-2.5">{issue.milestone ? issue.milestone.title : <span className="text-slate-500">None</span>}</td>
              <td className="px-4 py-2.5 whitespace-nowrap text-slate-600">
                <Time value={issue.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pagination basePath={basePath} params={{ state }} page={page} pageCount={result.pageCount} label="Issue pages" />
    </>
  );
}

export async function IssuesPage({ project, state, page, canManage = false }: { project: Project; state: IssueStateFilter; page: number; canManage?: boolean }) {
  const counts = await issueStateCounts(project.id);
  return (
    <div>
      <PageHeading
        title="Issues"
        actions={
          canManage ? (
            <Link href={projectHref(project.fullPath, "settings", "import")} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
              Import from a Bitbucket export
            </Link>
          ) : undefined
        }
      />
      <div className="mt-4">
        <StateTabs
          label="Filter issues by state"
          basePath={projectHref(project.fullPath, "issues")}
          current={state}
          tabs={[
            { value: "opened", label: "Open", count: counts.opened },
            { value: "closed", label: "Closed", count: counts.closed },
            { value: "all", label: "All", count: counts.all },
          ]}
        />
      </div>
      <div className="mt-4">
        <Suspense key={`${state}:${page}`} fallback={<ListSkeleton label="Loading issues" />}>
          <IssueTable project={project} state={state} page={page} />
        </Suspense>
      </div>
    </div>
  );
}
