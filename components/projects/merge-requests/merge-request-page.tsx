import { Suspense, type ReactNode } from "react";
import { mergeRequestDiscussions, personName, type MergeRequestDetail, type Person } from "@/lib/projects/queries";
import { Badge, ImportedBadge, MergeRequestStateBadge } from "../badges";
import { shortSha } from "@/components/ui/format";
import { Markdown } from "../markdown";
import { DiscussionList } from "../notes/discussion";
import { OptionalPerson, PersonLabel } from "../person";
import { NotesSkeleton } from "@/components/ui/skeletons";
import { Time } from "@/components/ui/time";
import { Detail } from "@/components/ui/page-blocks";

async function MergeRequestActivity({ mergeRequestId }: { mergeRequestId: number }) {
  const discussions = await mergeRequestDiscussions(mergeRequestId);
  return <DiscussionList discussions={discussions} />;
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
function Approvals({ mergeRequest }: { mergeRequest: MergeRequestDetail }) {
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

function closingDetail(mergeRequest: MergeRequestDetail): ReactNode {
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

export function MergeRequestPage({ mergeRequest }: { mergeRequest: MergeRequestDetail }) {
  const reviewers = mergeRequest.reviewers;
  return (
    <article aria-labelledby="merge-request-title">
      <header>
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <MergeRequestStateBadge state={mergeRequest.state} />
          {mergeRequest.draft && <Badge tone="amber">Draft</Badge>}
          <span>
            Merge request !{mergeRequest.iid} opened <Time value={mergeRequest.createdAt} /> by
          </span>
          <span className="font-medium text-slate-800">
            <PersonLabel person={mergeRequest.author} />
          </span>
          <ImportedBadge from={mergeRequest.importedFrom} />
        </div>
        <h1 id="merge-request-title" className="mt-2 text-2xl font-semibold break-words text-slate-900">
          {mergeRequest.title}
        </h1>
        <p className="mt-2 flex flex-wrap items-center gap-1.5 text-sm text-slate-600" data-testid="branches">
          <span className="sr-only">From branch</span>
          <code className="rounded bg-brand-50 px-1.5 py-0.5 font-mono text-xs text-brand-700">{mergeRequest.sourceBranch}</code>
          <span aria-hidden>→</span>
          <span className="sr-only">into</span>
          <code className="rounded bg-brand-50 px-1.5 py-0.5 font-mono text-xs text-brand-700">{mergeRequest.targetBranch}</code>
          {mergeRequest.sourceFork && (
            <span data-testid="source-fork">
              · from fork <span className="font-medium text-slate-800">{mergeRequest.sourceFork}</span>
            </span>
          )}
        </p>
      </header>

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <div className="min-w-0 space-y-6">
          <section aria-label="Description" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            {mergeRequest.description.trim() ? (
              <Markdown source={mergeRequest.description} />
            ) : (
              <p className="text-sm text-slate-500 italic">No description provided.</p>
            )}
          </section>
          <Approvals mergeRequest={mergeRequest} />
          <section aria-labelledby="activity-heading">
            <h2 id="activity-heading" className="mb-3 text-lg font-semibold text-slate-900">
              Activity
            </h2>
            <Suspense fallback={<NotesSkeleton />}>
              <MergeRequestActivity mergeRequestId={mergeRequest.id} />
            </Suspense>
          </section>
        </div>

        <aside aria-label="Merge request details" className="h-fit rounded-lg border border-slate-200 bg-white px-4 py-1 shadow-sm">
          <dl>
            <Detail term="Assignee">
              <OptionalPerson person={mergeRequest.assignee} empty="Unassigned" />
            </Detail>
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
          </dl>
        </aside>
      </div>
    </article>
  );
}
