import { Suspense } from "react";
import { listAllNotes } from "@/lib/notes";
import { sourceUserName } from "@/lib/users/people";
import type { IssueItem } from "@/lib/issues";
import type { Project } from "@/lib/projects/read";
import { ImportedBadge, IssueStateBadge } from "../badges";
import { NoteList } from "../notes/note";
import { ItemByline, ItemPage, MilestoneAndLabels } from "../item-page";
import { assigneesOf } from "@/lib/work-items";
import { Time } from "@/components/ui/time";
import { Detail } from "@/components/ui/page-blocks";
import { IssueAttachments } from "./attachments";

async function IssueActivity({ issueId }: { issueId: number }) {
  const notes = await listAllNotes({ issueId });
  return <NoteList notes={notes} />;
}

export function IssuePage({ project, issue }: { project: Project; issue: IssueItem }) {
  return (
    <ItemPage
      titleId="issue-title"
      byline={
        <ItemByline badges={<IssueStateBadge state={issue.state} />} reference={`Issue #${issue.iid}`} createdAt={issue.createdAt} author={issue.author}>
          <ImportedBadge from={issue.importedFrom} />
        </ItemByline>
      }
      title={issue.title}
      description={issue.description}
      extra={
        <Suspense fallback={null}>
          <IssueAttachments issueId={issue.id} />
        </Suspense>
      }
      activity={<IssueActivity issueId={issue.id} />}
      detailsLabel="Issue details"
      assignees={assigneesOf(issue)}
      details={
        <>
          <MilestoneAndLabels projectPath={project.fullPath} milestone={issue.milestone} labels={issue.labels} />
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
        </>
      }
    />
  );
}
