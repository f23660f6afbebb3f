import { Suspense } from "react";
import { stageLabel } from "@/lib/import/pipeline/stages";
import { isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { currentUser } from "@/lib/auth";
import { importAccessById } from "@/lib/projects/access";
import { FAILURE_LIMIT, getImportDetails, type ImportDetails } from "@/lib/projects/import-details";
import type { Project } from "@/lib/projects/read";
import { Badge, ImportStatusBadge, sourceName } from "../badges";
import { formatClock, humanize } from "@/components/ui/format";
import { CardSkeleton } from "@/components/ui/skeletons";
import { Time } from "@/components/ui/time";
import { DataTable, EmptyState, PageHeading, TitledSection, type Column } from "@/components/ui/page-blocks";
import { AutoRefresh } from "./auto-refresh";
import { objectTypeName } from "./object-types";
import { ImportControls } from "./import-controls";
import { SyncSection } from "./sync-section";

function stageName(stage: string | null): string {
  if (!stage) return "Not started";
  return humanize(stageLabel(stage));
}

/** One item of a type, for the failure ledger. */
const OBJECT_NAMES: Record<string, string> = {
  pull_request_note: "Pull request comment",
  issue_note: "Issue comment",
  lfs_object: "LFS object",
};

function objectName(type: string): string {
  return OBJECT_NAMES[type] ?? humanize(type);
}

function isHttpUrl(value: string | null): value is string {
  return Boolean(value && /^https?:\/\//i.test(value));
}

function StatusCard({ details }: { details: ImportDetails }) {
  const active = isActiveImportStatus(details.status);
  return (
    <section aria-label="Status" className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dl className="grid gap-4 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">Status</dt>
          <dd className="mt-1 flex flex-wrap items-center gap-2">
            <ImportStatusBadge status={details.status} />
            <AutoRefresh active={active} />
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{active ? "Current stage" : "Last stage"}</dt>
          <dd className="mt-1 text-slate-800" data-testid="import-stage">
            {stageName(details.stage)}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">Started</dt>
          <dd className="mt-1 text-slate-800">{details.startedAt ? <Time value={details.startedAt} format="datetime" /> : "Not yet"}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">Finished</dt>
          <dd className="mt-1 text-slate-800">{details.finishedAt ? <Time value={details.finishedAt} format="datetime" /> : "Not yet"}</dd>
        </div>
      </dl>
    </section>
  );
}

function Notices({ details }: { details: ImportDetails }) {
  const active = isActiveImportStatus(details.status);
  const waiting = active && details.waitingUntil && details.waitingUntil.getTime() > Date.now() ? details.waitingUntil : null;
  return (
    <>
      {waiting && (
        <p role="status" data-testid="import-waiting" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          Waiting for {sourceName(details.source)}&apos;s rate limit, resumes about{" "}
          <time dateTime={waiting.toISOString()}>{formatClock(waiting)}</time>
        </p>
      )}
      {active && details.cancelRequestedAt && (
        <p role="status" className="rounded-md border border-slate-200 bg-slate-100 px-4 py-2 text-sm text-slate-700">
          Cancellation requested <Time value={details.cancelRequestedAt} />; the import stops at its next checkpoint.
        </p>
      )}
      {details.error && (
        <p role="alert" data-testid="import-error" className="rounded-md border border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800">
          {details.error}
        </p>
      )}
    </>
  );
}

const PROGRESS_COLUMNS: readonly (string | Column)[] = ["Object type", ...["Total", "Fetched", "Imported", "Failed", "Skipped"].map((label) => ({ label, align: "right" as const }))];

function ProgressTable({ details }: { details: ImportDetails }) {
  if (details.progress.length === 0) return <EmptyState>Nothing has been fetched yet.</EmptyState>;
  const number = (value: number) => value.toLocaleString("en-US");
  return (
    <DataTable caption="Progress per object type" columns={PROGRESS_COLUMNS}>
      {details.progress.map((row) => (
        <tr key={row.objectType} className="border-t border-slate-100" data-testid="progress-row" data-object-type={row.objectType}>
          <th scope="row" className="px-4 py-2 text-left font-medium text-slate-800">
            {objectTypeName(row.objectType)}
          </th>
          <td className="px-4 py-2 text-right tabular-nums">{row.total === null ? <span className="text-slate-400">–</span> : number(row.total)}</td>
          <td className="px-4 py-2 text-right tabular-nums">{number(row.fetched)}</td>
          <td className="px-4 py-2 text-right tabular-nums">{number(row.imported)}</td>
          <td className={`px-4 py-2 text-right tabular-nums ${row.failed > 0 ? "font-medium text-red-700" : ""}`}>{number(row.failed)}</td>
          <td className="px-4 py-2 text-right tabular-nums">{number(row.skipped)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

const SEVERITY = {
  info: { label: "Info", className: "bg-brand-100 text-brand-700", symbol: "i" },
  warning: { label: "Warning", className: "bg-amber-100 text-amber-800", symbol: "!" },
  error: { label: "Error", className: "bg-red-100 text-red-700", symbol: "×" },
} as const;

function Messages({ details }: { details: ImportDetails }) {
  if (details.messages.length === 0) return <EmptyState>No messages.</EmptyState>;
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="import-messages">
      {details.messages.map((message) => {
        const severity = SEVERITY[message.severity];
        return (
          <li key={message.id} className="flex items-start gap-3 px-4 py-2.5 text-sm" data-severity={message.severity}>
            <span aria-hidden className={`mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold ${severity.className}`}>
              {severity.symbol}
            </span>
            <span className="sr-only">{severity.label}:</span>
            <span className="flex-1 text-slate-800">{message.message}</span>
            <span className="text-xs whitespace-nowrap text-slate-500">
              <Time value={message.createdAt} />
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function FailureLedger({ details }: { details: ImportDetails }) {
  const total = details._count.failures;
  if (total === 0) return <EmptyState testId="failures-empty">No items failed.</EmptyState>;
  return (
    <>
      <p className="mb-2 text-sm text-slate-600">
        {details.unresolvedFailures} unresolved of {total}
        {total > details.failures.length && ` · showing the first ${FAILURE_LIMIT}`}
      </p>
      <DataTable caption="Failed items" columns={["Stage", "Object type", "Source ID", "Message", "Time"]}>
        {details.failures.map((failure) => (
          <tr
            key={failure.id}
            className={`border-t border-slate-100 align-top ${failure.resolvedAt ? "text-slate-500" : ""}`}
            data-testid="failure-row"
            data-resolved={failure.resolvedAt ? "true" : "false"}
          >
            <td className="px-4 py-2 whitespace-nowrap">{stageName(failure.stage)}</td>
            <td className="px-4 py-2 whitespace-nowrap">{objectName(failure.objectType)}</td>
            <th scope="row" className="px-4 py-2 text-left font-mono font-normal">
              {isHttpUrl(failure.sourceUrl) ? (
                <a href={failure.sourceUrl} target="_blank" rel="noreferrer noopener" className="text-brand-600 hover:underline">
                  {failure.sourceId}
                </a>
              ) : (
                failure.sourceId
              )}
            </th>
            <td className="px-4 py-2">
              <span className="break-words">{failure.message}</span>
              <span className="mt-1 flex flex-wrap gap-2">
                {failure.resolvedAt && <Badge tone="green">Resolved</Badge>}
                {failure.attempts > 1 && <span className="text-xs text-slate-500">{failure.attempts} attempts</span>}
              </span>
            </td>
            <td className="px-4 py-2 whitespace-nowrap text-slate-600">
              <Time value={failure.updatedAt} format="datetime" />
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

async function ImportDetailsView({ project }: { project: Project }) {
  const details = await getImportDetails(project.id);
  if (!details) return <EmptyState>This project was not imported.</EmptyState>;
  const active = isActiveImportStatus(details.status);
  const access = await importAccessById(await currentUser(), details.id);
  return (
    <div className="space-y-6" data-testid="import-details" data-status={details.status}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p className="text-sm text-slate-600">
          From {sourceName(details.source)} <span className="font-medium text-slate-800">{details.sourceRepository}</span> · requested{" "}
          <Time value={details.createdAt} />
        </p>
        {access.canManage && (
          <ImportControls
            importId={details.id}
            active={active}
            canCancel={active}
            cancelRequested={details.cancelRequestedAt !== null}
            canRetry={details.unresolvedImportFailures > 0}
            canResume={details.status === "canceled" || details.status === "failed"}
            unresolvedFailures={details.unresolvedImportFailures}
          />
        )}
      </div>
      <StatusCard details={details} />
      <Notices details={details} />
      <TitledSection id="sync-heading" title="Sync with the source">
        <SyncSection importId={details.id} source={details.source} syncable={details.status === "finished" || details.status === "partial" || active} canManage={access.canManage} />
      </TitledSection>
      <TitledSection id="progress-heading" title="Progress">
        <ProgressTable details={details} />
      </TitledSection>
      <TitledSection id="messages-heading" title="Messages">
        <Messages details={details} />
      </TitledSection>
      <TitledSection id="failures-heading" title="Failed items">
        <FailureLedger details={details} />
      </TitledSection>
    </div>
  );
}

export function ImportPage({ project }: { project: Project }) {
  return (
    <div>
      <PageHeading title="Import details" />
      <div className="mt-4">
        <Suspense fallback={<CardSkeleton lines={4} label="Loading import details" />}>
          <ImportDetailsView project={project} />
        </Suspense>
      </div>
    </div>
  );
}
