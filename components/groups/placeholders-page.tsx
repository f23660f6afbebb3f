import Link from "next/link";
import { Badge } from "@/components/projects/badges";
import { Time } from "@/components/ui/time";
import { HeaderCell, PageHeading, Section, Table, TableHead } from "@/components/ui/page-blocks";
import type { Namespace } from "@/lib/db";
import { PLACEHOLDER_PROVIDER_LABELS, REASSIGNMENT_STATUS_LABELS, listPlaceholders, reassignmentSuggestions, sourceName, type ContributionCounts, type PlaceholderEntry } from "@/lib/users/placeholders";
import { CsvUpload, PlaceholderButton, ReassignForm, SuggestionButton } from "./placeholder-controls";
import { buttonStyles } from "@/components/ui/forms";

const STATUS_TONES = { pending: "slate", awaiting_approval: "amber", reassigned: "green", rejected: "red", kept_as_placeholder: "blue" } as const;

function contributionSummary(counts: ContributionCounts): string {
  const parts: Array<[number, string, string]> = [
    [counts.issues, "issue", "issues"],
    [counts.mergeRequests, "merge request", "merge requests"],
    [counts.notes, "comment", "comments"],
    [counts.approvals, "approval", "approvals"],
    [counts.reviews, "review", "reviews"],
    [counts.assignments, "assignment", "assignments"],
  ];
  return parts.filter(([count]) => count > 0).map(([count, one, many]) => `${count} ${count === 1 ? one : many}`).join(", ") || "none";
}

function StatusCell({ entry }: { entry: PlaceholderEntry }) {
  return (
    <div className="space-y-1">
      <Badge tone={STATUS_TONES[entry.status]} testId="placeholder-status">
        {REASSIGNMENT_STATUS_LABELS[entry.status]}
      </Badge>
      {entry.target && (entry.status === "awaiting_approval" || entry.status === "reassigned") && (
        <p className="text-xs text-slate-600">
          to <Link href={`/users/${entry.target.username}`} className="text-brand-700 hover:underline">@{entry.target.username}</Link>
          {entry.requestedBy && <> by @{entry.requestedBy.username}</>}
          {entry.requestedAt && entry.status === "awaiting_approval" && (
            <>
              , <Time value={entry.requestedAt} />
            </>
          )}
        </p>
      )}
      {entry.status === "rejected" && entry.decidedAt && (
        <p className="text-xs text-slate-600">
          <Time value={entry.decidedAt} />
        </p>
      )}
    </div>
  );
}

/** /groups/<top-level group>/-/placeholders, for the group's Owners (the route checks). */
export async function PlaceholdersPage({ namespace, page }: { namespace: Namespace; page: number }) {
  const [{ entries, total, pageSize }, suggestions] = await Promise.all([listPlaceholders(namespace.id, page), reassignmentSuggestions(namespace.id)]);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const base = `/groups/${namespace.fullPath}/-/placeholders`;
  return (
    <div className="space-y-6">
      <PageHeading title={`Placeholders · ${namespace.name}`}>
        Imports into {namespace.fullPath} attributed contributions of Bitbucket and GitHub users who were not mapped to Ferry users to these placeholders. Reassign one to a
        Ferry user: they accept or reject it in their inbox, and on acceptance every issue, merge request, comment, approval, review and assignment of the
        placeholder becomes theirs.
      </PageHeading>

      {suggestions.length > 0 && (
        <Section title="Suggestions">
          <p className="mb-2 text-sm text-slate-600">These Ferry users linked the Bitbucket or GitHub account a placeholder stands for after it was imported.</p>
          <ul className="divide-y divide-slate-100" aria-label="Reassignment suggestions">
            {suggestions.map((suggestion) => (
              <li key={suggestion.placeholderId} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm" data-testid="reassignment-suggestion">
                <span>
                  {suggestion.reason === "email" ? (
                    <>
                      <strong>@{suggestion.user.username}</strong> has the e-mail address {PLACEHOLDER_PROVIDER_LABELS[suggestion.source.provider]} reports for placeholder <strong>{sourceName(suggestion.source)}</strong> (not proof of identity: they still have to accept).
                    </>
                  ) : (
                    <>
                      <strong>@{suggestion.user.username}</strong> linked {PLACEHOLDER_PROVIDER_LABELS[suggestion.source.provider]} @{suggestion.user.sourceLogin ?? suggestion.source.username}, which placeholder{" "}
                      <strong>{sourceName(suggestion.source)}</strong> stands for.
                    </>
                  )}
                </span>
                <SuggestionButton placeholderId={suggestion.placeholderId} username={suggestion.user.username} />
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title="Bulk reassignment">
        <p className="mb-3 text-sm text-slate-600">
          Download the list, fill in <code>ferry_username</code> for the placeholders to reassign, and upload it. Every row is checked; rows with errors are listed
          and the others are applied.
        </p>
        <div className="flex flex-wrap items-end gap-6">
          <a href={`/api/groups/placeholders?group=${encodeURIComponent(namespace.fullPath)}`} className={buttonStyles.secondary} download>
            Download CSV
          </a>
          <CsvUpload namespaceId={namespace.id} />
        </div>
      </Section>

      {entries.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600" data-testid="no-placeholders">
          No placeholders: every contributor of imports into {namespace.fullPath} was mapped to a Ferry user, or the imports attributed them in the text.
        </p>
      ) : (
        <Table caption={`Placeholders of ${namespace.fullPath}`}>
          <TableHead>
            <HeaderCell>Source user</HeaderCell>
            <HeaderCell>Contributions</HeaderCell>
            <HeaderCell>Status</HeaderCell>
            <HeaderCell>Reassign</HeaderCell>
          </TableHead>
          <tbody className="divide-y divide-slate-100">
            {entries.map((entry) => {
              const name = sourceName(entry.source);
              return (
                <tr key={entry.id} data-testid="placeholder-row" data-source-username={entry.source.username ?? ""} className="align-top">
                  <td className="px-4 py-3">
                    <div className="font-medium text-slate-900">{entry.source.displayName ?? entry.source.username ?? entry.name}</div>
                    <div className="text-xs text-slate-500">
                      {PLACEHOLDER_PROVIDER_LABELS[entry.source.provider]} {entry.source.username && <>@{entry.source.username} · </>}
                      <Link href={`/users/${entry.username}`} className="hover:underline">
                        {entry.username}
                      </Link>
                    </div>
                  </td>
                  <td className="px-4 py-3 text-slate-700">
                    <span className="font-medium">{entry.contributions.total}</span>
                    <span className="block text-xs text-slate-500">{contributionSummary(entry.contributions)}</span>
                  </td>
                  <td className="px-4 py-3">
                    <StatusCell entry={entry} />
                  </td>
                  <td className="px-4 py-3">
                    <div className="flex flex-wrap items-start gap-2">
                      {(entry.status === "pending" || entry.status === "rejected" || entry.status === "kept_as_placeholder") && (
                        <ReassignForm placeholderId={entry.id} sourceName={name} />
                      )}
                      {entry.status === "awaiting_approval" && <PlaceholderButton placeholderId={entry.id} kind="cancel" label="Cancel request" />}
                      {(entry.status === "pending" || entry.status === "rejected") && <PlaceholderButton placeholderId={entry.id} kind="keep" label="Keep as placeholder" />}
                      {entry.status === "reassigned" && <span className="text-sm text-slate-500">Done</span>}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      {pages > 1 && (
        <nav aria-label="Pages" className="flex items-center gap-3 text-sm">
          {page > 1 && <Link href={`${base}?page=${page - 1}`}>Previous</Link>}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages && <Link href={`${base}?page=${page + 1}`}>Next</Link>}
        </nav>
      )}
    </div>
  );
}
