import { isActiveArchiveState, isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { archiveJobMessages, listArchiveJobs, type ArchiveJob } from "@/lib/archive";
import type { ArchiveJobState } from "@/lib/generated/prisma/enums";
import type { Project } from "@/lib/projects/read";
import { getSettings } from "@/lib/settings";
import { Badge } from "@/components/projects/badges";
import { AutoRefresh } from "@/components/projects/import/auto-refresh";
import { Time } from "@/components/ui/time";
import { PageHeading, Section } from "@/components/ui/page-blocks";
import { CancelJobButton } from "./cancel-job-button";
import { IssuesArchiveForm, WikiImportForm } from "./import-forms";

const STATE_NAMES: Record<ArchiveJobState, string> = {
  queued: "Queued",
  running: "Importing…",
  completed: "Completed",
  failed: "Failed",
  aborted: "Aborted",
  canceled: "Canceled",
};
const STATE_TONES = { queued: "slate", running: "blue", completed: "green", failed: "red", aborted: "amber", canceled: "slate" } as const;

type Counts = Record<string, Record<string, number> | number | string | null>;

function count(counts: Counts, group: string, key: string): number {
  const value = counts[group];
  return value && typeof value === "object" ? (value[key] ?? 0) : 0;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

/** "116 of 116 issues · 71 comments · 96 system notes · 6 attachments (2 missing)". */
function countsSummary(job: ArchiveJob): string[] {
  const counts = (job.counts ?? {}) as Counts;
  if (job.kind === "wiki") {
    if (typeof counts.pages !== "number") return [];
    const branches = Number(counts.branches ?? 0);
    return [plural(counts.pages, "page"), `${branches} ${branches === 1 ? "branch" : "branches"}`];
  }
  if (!counts.issues) return [];
  const parts = [`${count(counts, "issues", "imported").toLocaleString("en-US")} of ${plural(count(counts, "issues", "total"), "issue")}`];
  if (count(counts, "issues", "failed") > 0) parts.push(`${count(counts, "issues", "failed")} failed`);
  parts.push(plural(count(counts, "comments", "imported"), "comment"));
  parts.push(plural(count(counts, "systemNotes", "imported"), "system note"));
  const missing = count(counts, "attachments", "missing");
  parts.push(`${plural(count(counts, "attachments", "imported"), "attachment")}${missing > 0 ? ` (${missing} missing)` : ""}`);
  if (typeof counts.skippedRecords === "number" && counts.skippedRecords > 0) parts.push(`${plural(counts.skippedRecords, "record")} skipped`);
  return parts;
}

function jobTitle(job: ArchiveJob): string {
  if (job.kind === "bitbucket_issues") return `Issues from ${job.originalFileName ?? "an export archive"}`;
  return `Wiki from ${job.sourceUrl ?? job.originalFileName ?? "a bundle"}`;
}

const SEVERITY_STYLES = { info: "text-slate-600", warning: "text-amber-800", error: "text-red-700" } as const;

async function JobMessages({ jobId }: { jobId: number }) {
  const messages = await archiveJobMessages(jobId, 500);
  if (messages.length === 0) return null;
  const problems = messages.filter((message) => message.severity !== "info").length;
  return (
    <details className="mt-2 text-sm" open={problems > 0 && problems <= 5}>
      <summary className="cursor-pointer text-slate-700">
        Messages ({messages.length}
        {problems > 0 ? `, ${problems} warning${problems === 1 ? "" : "s"} or error${problems === 1 ? "" : "s"}` : ""})
      </summary>
      <ul className="mt-1 max-h-72 space-y-1 overflow-y-auto rounded-md border border-slate-100 bg-slate-50 p-2" data-testid="job-messages">
        {messages.map((message) => (
          <li key={message.id} className={`flex gap-2 ${SEVERITY_STYLES[message.severity]}`} data-severity={message.severity}>
            <span className="w-16 shrink-0 text-xs font-medium uppercase">{message.severity}</span>
            <span className="min-w-0 break-words">{message.message}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

function JobCard({ job, waitingForProjectImport }: { job: ArchiveJob; waitingForProjectImport: boolean }) {
  const active = job.state === "queued" || job.state === "running";
  const summary = countsSummary(job);
  return (
    <li className="px-4 py-3" data-testid="archive-job" data-job-id={job.id} data-state={job.state} data-kind={job.kind}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
            <span className="break-all">{jobTitle(job)}</span>
            <Badge tone={STATE_TONES[job.state]} testId="job-state">
              {STATE_NAMES[job.state]}
            </Badge>
          </p>
          <p className="mt-0.5 text-xs text-slate-500">
            Started by {job.user.name || job.user.username} <Time value={job.createdAt} />
            {job.finishedAt && (
              <>
                {" "}
                · ended <Time value={job.finishedAt} />
              </>
            )}
          </p>
        </div>
        {active && <CancelJobButton jobId={job.id} requested={job.cancelRequestedAt !== null} />}
      </div>
      {active && (
        <div className="mt-2 flex items-center gap-2">
          <div
            role="progressbar"
            aria-label={`Progress of ${jobTitle(job)}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={job.progress}
            className="h-2 w-full max-w-md overflow-hidden rounded-full bg-slate-100"
          >
            <div className="h-full bg-brand-600 transition-all" style={{ width: `${job.progress}%` }} />
          </div>
          <span className="text-xs text-slate-600">{job.progress}%</span>
        </div>
      )}
      {job.state === "queued" && waitingForProjectImport && (
        <p className="mt-1 text-xs text-slate-600">Waiting for the project&apos;s Bitbucket import to finish.</p>
      )}
      {summary.length > 0 && (
        <p className="mt-1 text-sm text-slate-700" data-testid="job-counts">
          {summary.join(" · ")}
        </p>
      )}
      {job.error && (
        <p className="mt-1 text-sm text-red-700" data-testid="job-error">
          {job.error}
        </p>
      )}
      <JobMessages jobId={job.id} />
    </li>
  );
}

/** `/<project>/-/settings/import` (Maintainers and above): issue archives and wikis, and their jobs. */
export async function ArchiveImportSettings({ project }: { project: Project }) {
  const [jobs, settings] = await Promise.all([listArchiveJobs(project.id), getSettings()]);
  const active = jobs.some((job) => isActiveArchiveState(job.state));
  const waitingForProjectImport = project.import !== null && isActiveImportStatus(project.import.status);
  return (
    <div className="space-y-6" data-testid="archive-import-settings">
      <PageHeading title="Import">
        Bring back what Bitbucket removed: issues from an issue-tracker export and the wiki, into this project.
      </PageHeading>
      <div className="grid gap-6 lg:grid-cols-2">
        <Section title="Issues from a Bitbucket export">
          <IssuesArchiveForm projectId={project.id} defaultUserMapping={settings.defaultUserMapping} />
        </Section>
        <Section title="Wiki from a repository or bundle">
          <WikiImportForm projectId={project.id} />
        </Section>
      </div>
      <Section title="Import jobs" action={<AutoRefresh active={active} />}>
        {jobs.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="no-archive-jobs">
            Nothing imported here yet.
          </p>
        ) : (
          <ol className="-mx-4 -my-3 divide-y divide-slate-100" data-testid="archive-jobs">
            {jobs.map((job) => (
              <JobCard key={job.id} job={job} waitingForProjectImport={waitingForProjectImport} />
            ))}
          </ol>
        )}
      </Section>
    </div>
  );
}
