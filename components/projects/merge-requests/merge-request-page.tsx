import type { ReactNode } from "react";
import { listDiscussions } from "@/lib/notes";
import { type Person, personName } from "@/lib/users/people";
import type { MergeRequestItem } from "@/lib/merge-requests";
import { Badge, ImportedBadge, MergeRequestStateBadge } from "../badges";
import { shortSha } from "@/components/ui/format";
import { DiscussionList } from "../notes/discussion";
import { ItemBody, ItemByline, ItemHeader, MilestoneAndLabels } from "../item-page";
import { assigneesOf } from "@/lib/work-items";
import { PersonLabel } from "../person";
import { Time } from "@/components/ui/time";
import { Detail } from "@/components/ui/page-blocks";

async function MergeRequestActivity({ mergeRequestId, changesHref }: { mergeRequestId: number; changesHref: string }) {
  const discussions = await listDiscussions({ mergeRequestId });
  return <DiscussionList discussions={discussions} changesHref={changesHref} />;
}

function Sha({ value }: { value: string | null }) {
  if (!value) return <span className="text-slate-500">Unknown</span>;
  return (
    <code className="font-mono text-xs" title={value}>
      {shortSha(value)}
    </code>
  );
}

/** "Approved by Bob Brown, Carol Chen" */
function Approvals({ mergeRequest }: { mergeRequest: MergeRequestItem }) {
  const names = mergeRequest.approvals.map((approval) => personName(approval.user, approval.sourceUser));
  return (
    <section aria-label="Approvals" data-testid="approvals" className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm shadow-sm">
      {names.length > 0 ? (
        <p className="flex flex-wrap items-center gap-2">
          <Badge tone="green">
            {names.length} {names.length === 1 ? "approval" : "approvals"}
          </Badge>
          <span>Approved by {names.join(", ")}</span>
        </p>
      ) : (
        <p className="text-slate-600">No approvals.</p>
      )}
    </section>
  );
}

function Closer({ person, source, at }: { person: Person | null; source?: unknown; at: Date | null }) {
  const name = person ? <PersonLabel person={person} /> : <span>{personName(null, source)}</span>;
  return (
    <span className="flex flex-col gap-0.5">
      {name}
      {at && (
        <span className="text-xs text-slate-500">
          <Time value={at} format="datetime" />
        </span>
      )}
    </span>
  );
}

function closingDetail(mergeRequest: MergeRequestItem): ReactNode {
  if (mergeRequest.state === "merged") {
    return (
      <Detail term="Merged by">
        <Closer person={mergeRequest.mergedBy} source={mergeRequest.sourceClosedBy} at={mergeRequest.mergedAt} />
      </Detail>
    );
  }
  if (mergeRequest.state === "closed") {
    return (
      <Detail term="Closed by">
        <Closer person={mergeRequest.closedBy} source={mergeRequest.sourceClosedBy} at={mergeRequest.closedAt} />
      </Detail>
    );
  }
  return null;
}

/** The byline, title and branches above every tab of a merge request. */
export function MergeRequestHeader({ mergeRequest }: { mergeRequest: MergeRequestItem }) {
  return (
    <ItemHeader
      titleId="merge-request-title"
      byline={
        <ItemByline
          badges={
            <>
              <MergeRequestStateBadge state={mergeRequest.state} />
              {mergeRequest.draft && <Badge tone="amber">Draft</Badge>}
            </>
          }
          reference={`Merge request !${mergeRequest.iid}`}
          createdAt={mergeRequest.createdAt}
          author={mergeRequest.author}
        >
          <ImportedBadge from={mergeRequest.importedFrom} />
        </ItemByline>
      }
      title={mergeRequest.title}
      belowTitle={
        <p className="mt-2 flex flex-wrap items-center gap-1.5 text-sm text-slate-600" data-testid="branches">
          <span className="sr-only">From branch</span>
          <code className="rounded bg-brand-50 px-1.5 py-0.5 font-mono text-xs break-all text-brand-700">{mergeRequest.sourceBranch}</code>
          <span aria-hidden>→</span>
          <span className="sr-only">into</span>
          <code className="rounded bg-brand-50 px-1.5 py-0.5 font-mono text-xs break-all text-brand-700">{mergeRequest.targetBranch}</code>
          {mergeRequest.sourceFork && (
            <span data-testid="source-fork">
              · from fork <span className="font-medium text-slate-800">{mergeRequest.sourceFork}</span>
            </span>
          )}
        </p>
      }
    />
  );
}

/** The Overview tab: description, approvals, the discussions (diff discussions link to the Changes tab), and the details. */
export function MergeRequestOverview({ mergeRequest, projectPath, changesHref }: { mergeRequest: MergeRequestItem; projectPath: string; changesHref: string }) {
  const reviewers = mergeRequest.reviewers;
  return (
    <ItemBody
      description={mergeRequest.description}
      extra={<Approvals mergeRequest={mergeRequest} />}
      activity={<MergeRequestActivity mergeRequestId={mergeRequest.id} changesHref={changesHref} />}
      detailsLabel="Merge request details"
      assignees={assigneesOf(mergeRequest)}
      details={
        <>
          <MilestoneAndLabels projectPath={projectPath} milestone={mergeRequest.milestone} labels={mergeRequest.labels} />
          <Detail term="Reviewers">
            {reviewers.length > 0 ? (
              <ul className="space-y-1" data-testid="reviewers">
                {reviewers.map((reviewer) => (
                  <li key={reviewer.sourceUserId}>
                    {reviewer.user ? <PersonLabel person={reviewer.user} /> : <span>{personName(null, reviewer.sourceUser)}</span>}
                  </li>
                ))}
              </ul>
            ) : (
              <span className="text-slate-500">None</span>
            )}
          </Detail>
          {closingDetail(mergeRequest)}
          <Detail term="Source commit">
            <Sha value={mergeRequest.sourceSha} />
          </Detail>
          <Detail term="Target commit">
            <Sha value={mergeRequest.targetSha} />
          </Detail>
          {mergeRequest.mergeCommitSha && (
            <Detail term="Merge commit">
              <Sha value={mergeRequest.mergeCommitSha} />
            </Detail>
          )}
        </>
      }
    />
  );
}
