import Link from "next/link";
import { Suspense } from "react";
import { issueNotes, sourceUserName, type IssueDetail, type Project } from "@/lib/projects/queries";
import { ImportedBadge, IssueStateBadge } from "../badges";
import { LabelList } from "@/components/projects/labels/label-chip";
import { Markdown } from "../markdown";
import { NoteList } from "../notes/note";
import { OptionalPerson, PersonLabel } from "../person";
import { projectHref } from "@/lib/projects/urls";
import { NotesSkeleton } from "@/components/ui/skeletons";
import { Time } from "@/components/ui/time";
import { Detail } from "@/components/ui/page-blocks";
import { IssueAttachments } from "./attachments";

async function IssueActivity({ issueId }: { issueId: number }) {
  const notes = await issueNotes(issueId);
  return <NoteList notes={notes} />;
}

export function IssuePage({ project, issue }: { project: Project; issue: IssueDetail }) {
  return (
    <article aria-labelledby="issue-title">
      <header>
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <IssueStateBadge state={issue.state} />
          <span>
            Issue #{issue.iid} opened <Time value={issue.createdAt} /> by
          </span>
          <span className="font-medium text-slate-800">
            <PersonLabel person={issue.author} />
          </span>
          <ImportedBadge from={issue.importedFrom} />
        </div>
        <h1 id="issue-title" className="mt-2 text-2xl font-semibold break-words text-slate-900">
          {issue.title}
        </h1>
      </header>

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <div className="min-w-0 space-y-6">
          <section aria-label="Description" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            {issue.description.trim() ? <Markdown source={issue.description} /> : <p className="text-sm text-slate-500 italic">No description provided.</p>}
          </section>
          <Suspense fallback={null}>
            <IssueAttachments issueId={issue.id} />
          </Suspense>
          <section aria-labelledby="activity-heading">
            <h2 id="activity-heading" className="mb-3 text-lg font-semibold text-slate-900">
              Activity
            </h2>
            <Suspense fallback={<NotesSkeleton />}>
              <IssueActivity issueId={issue.id} />
            </Suspense>
          </section>
        </div>

        <aside aria-label="Issue details" className="h-fit rounded-lg border border-slate-200 bg-white px-4 py-1 shadow-sm">
          <dl>
            <Detail term="Assignee">
              <OptionalPerson person={issue.assignee} empty="Unassigned" />
            </Detail>
            <Detail term="Milestone">
              {issue.milestone ? (
                <Link href={projectHref(project.fullPath, "milestones")} className="text-brand-600 hover:underline">
                  {issue.milestone.title}
                </Link>
              ) : (
                <span className="text-slate-500">None</span>
              )}
            </Detail>
            <Detail term="Labels">
              {issue.labels.length > 0 ? <LabelList labels={issue.labels.map(({ label }) => label)} /> : <span className="text-slate-500">None</span>}
            </Detail>
            <Detail term="Upvotes">
              <span data-testid="upvotes">{issue.upvotes}</span>
            </Detail>
            {Array.isArray(issue.watchers) && issue.watchers.length > 0 && (
              <Detail term="Watchers at the source">
                <span data-testid="watchers" title={issue.watchers.map((watcher) => sourceUserName(watcher) ?? "Anonymous").join(", ")}>
                  {issue.watchers.length}
                </span>
              </Detail>
            )}
            {issue.closedAt && (
              <Detail term="Closed">
                <Time value={issue.closedAt} format="datetime" />
              </Detail>
            )}
          </dl>
        </aside>
      </div>
    </article>
  );
}
