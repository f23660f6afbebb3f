import type { Metadata } from "next";
import { ReassignmentAnswer } from "@/components/inbox/inbox-controls";
import { Notice } from "@/components/ui/forms";
import { Badge } from "@/components/projects/badges";
import { Time } from "@/components/ui/time";
import { PageHeading, Section } from "@/components/ui/page-blocks";
import { requireUser } from "@/lib/auth";
import Link from "next/link";
import { managedPlaceholderGroups, placeholderSourceOf, REASSIGNMENT_STATUS_LABELS, sourceName } from "@/lib/users/placeholders";
import { inboxRequests } from "@/lib/users/reassignment";

export const metadata: Metadata = { title: "Inbox" };
export const dynamic = "force-dynamic";

export default async function InboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser("/inbox");
  const [{ awaiting, answered }, groups] = await Promise.all([inboxRequests(user.id), managedPlaceholderGroups(user, { ownedOnly: true })]);
  const answeredId = Number([(await searchParams).answered ?? ""].flat()[0]);
  const justAnswered = answered.find((request) => request.id === answeredId);
  return (
    <div className="space-y-6">
      <PageHeading title="Inbox">Requests that wait for your answer.</PageHeading>
      {justAnswered && (
        <Notice tone="success" testId="inbox-message">
          {justAnswered.status === "reassigned"
            ? `Accepted: the contributions of ${sourceName(placeholderSourceOf(justAnswered.placeholder.source))} in ${justAnswered.namespace.fullPath} are now yours.`
            : `Rejected: the contributions of ${sourceName(placeholderSourceOf(justAnswered.placeholder.source))} stay with the placeholder.`}
        </Notice>
      )}
      <Section title={`Contribution reassignments (${awaiting.length})`}>
        {awaiting.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="inbox-empty">
            Nothing waits for your answer.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {awaiting.map((request) => {
              const name = sourceName(placeholderSourceOf(request.placeholder.source));
              return (
                <li key={request.id} className="flex flex-wrap items-start justify-between gap-4 py-3" data-testid="reassignment-request">
                  <div className="text-sm">
                    <p>
                      <strong>@{request.requestedBy?.username ?? "An Owner"}</strong> of <strong>{request.namespace.fullPath}</strong> asks you to take over the
                      contributions imported from Bitbucket user <strong>{name}</strong>.
                    </p>
                    <p className="mt-1 text-slate-600">
                      If you accept, the issues, merge requests, comments, approvals, reviews and assignments attributed to that placeholder become yours. Accept
                      only if you are that person.
                    </p>
                    {request.requestedAt && (
                      <p className="mt-1 text-xs text-slate-500">
                        Asked <Time value={request.requestedAt} />
                      </p>
                    )}
                  </div>
                  <ReassignmentAnswer reassignmentId={request.id} sourceName={name} />
                </li>
              );
            })}
          </ul>
        )}
      </Section>
      {groups.length > 0 && (
        <Section title="Placeholders in groups you own">
          <ul className="divide-y divide-slate-100 text-sm">
            {groups.map((group) => (
              <li key={group.fullPath} className="flex flex-wrap items-center justify-between gap-3 py-2">
                <Link href={`/groups/${group.fullPath}/-/placeholders`} className="font-medium text-brand-700 hover:underline">
                  {group.name}
                  {group.fullPath !== group.name && <span className="font-normal text-slate-500"> {group.fullPath}</span>}
                </Link>
                <span className="text-slate-600">
                  {group.open} not reassigned · {group.awaiting} awaiting approval · {group.total} in all
                </span>
              </li>
            ))}
          </ul>
        </Section>
      )}
      {answered.length > 0 && (
        <Section title="Answered">
          <ul className="divide-y divide-slate-100 text-sm">
            {answered.map((request) => (
              <li key={request.id} className="flex items-center justify-between gap-3 py-2">
                <span>
                  {sourceName(placeholderSourceOf(request.placeholder.source))} in {request.namespace.fullPath}
                </span>
                <span className="flex items-center gap-2">
                  <Badge tone={request.status === "reassigned" ? "green" : "red"}>{request.status === "reassigned" ? "Accepted" : REASSIGNMENT_STATUS_LABELS[request.status]}</Badge>
                  {request.decidedAt && <Time value={request.decidedAt} />}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}
