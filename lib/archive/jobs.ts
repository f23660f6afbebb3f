import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import { config } from "@/lib/config";
import { db, type Prisma } from "@/lib/db";
import { AppError, isAppError } from "@/lib/errors";
import type { ArchiveJobKind, ArchiveJobState } from "@/lib/generated/prisma/enums";
import { defineJob, enqueue, startWorkers } from "@/lib/jobs";
import { ACTIVE_ARCHIVE_STATES, isActiveArchiveState, isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { actorById, importAccess, requireProjectImportManager } from "@/lib/projects/access";
import { getSettings, userMappingSchema, type UserMapping } from "@/lib/settings";
import { ArchiveConflict, importIssuesArchive } from "./issues-import";
import { ArchiveCanceled, JobRun } from "./run-context";
import { claimUpload, findUpload, uploadIdSchema } from "./uploads";
import { checkWikiUrl, importWiki } from "./wiki-import";

/**
 * Archive import jobs (ArchiveImportJob): an issue-export zip or a wiki (URL or bundle) imported
 * into an existing project, in the background on pg-boss.
 *
 * States: queued → running → completed | failed (nothing imported) | aborted (a fatal error
 * part-way; what was imported is consistent) | canceled. A cancel takes effect before the next
 * issue. A job waits (sent again for a few seconds later) while the project's Bitbucket import
 * is running or another archive job of the project runs, so they never interleave. pg-boss leases
 * the job to one worker; when that worker dies the job expires and another worker takes it over
 * (re-running it is safe: everything it writes is keyed by the source).
 */

export { ACTIVE_ARCHIVE_STATES } from "@/lib/import/status-vocabulary";
const WAIT_SECONDS = 5;

export const archiveImportJob = defineJob({
  name: "archive-import",
  schema: z.object({ jobId: z.number().int().positive() }),
  concurrency: 1,
  retryLimit: 3,
  retryDelaySeconds: 10,
  // A 100 MB archive takes well under a minute; a dead worker's job is taken over after this.
  expireInSeconds: 3600,
  handler: async ({ jobId }, job) => void (await runArchiveJob(jobId, { isolated: true, redelivered: job.retryCount > 0 })),
  resume: resumeArchiveJobs,
});

export const ARCHIVE_JOBS = [archiveImportJob];

/** Starts this process's archive workers; jobs a previous process left behind continue. */
export async function startArchiveWorkers(): Promise<void> {
  await startWorkers(ARCHIVE_JOBS);
}

function queueJob(jobId: number): Promise<void> {
  return enqueue(archiveImportJob, { jobId }, { key: `archive-import:${jobId}` });
}

async function resumeArchiveJobs(): Promise<number> {
  const active = await db.archiveImportJob.findMany({ where: { state: { in: [...ACTIVE_ARCHIVE_STATES] } }, select: { id: true } });
  for (const job of active) await queueJob(job.id);
  return active.length;
}

function dataDir(): string {
  return path.resolve(config().DATA_DIR);
}

/** Where a job keeps its uploaded file and scratch data: `<DATA_DIR>/archive-imports/<jobId>`. */
export function jobDirectory(jobId: number): string {
  return path.join(dataDir(), "archive-imports", String(jobId));
}

// ---------------------------------------------------------------------------------------------
// Creating and cancelling

const jobSelect = {
  id: true,
  projectId: true,
  userId: true,
  kind: true,
  state: true,
  originalFileName: true,
  sourceUrl: true,
  options: true,
  progress: true,
  counts: true,
  error: true,
  cancelRequestedAt: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
  updatedAt: true,
  project: { select: { fullPath: true } },
  user: { select: { username: true, name: true } },
} satisfies Prisma.ArchiveImportJobSelect;

export type ArchiveJob = Prisma.ArchiveImportJobGetPayload<{ select: typeof jobSelect }>;

async function createJob(
  data: { projectId: number; userId: string; kind: ArchiveJobKind; sourceUrl?: string | null; userMapping?: UserMapping },
  upload?: { id: string },
): Promise<ArchiveJob> {
  const { userMapping, ...fields } = data;
  const row = await db.archiveImportJob.create({ data: { ...fields, state: "queued", options: userMapping ? { userMapping } : {} }, select: { id: true } });
  try {
    if (upload) {
      const fileName = data.kind === "wiki" ? "wiki.bundle" : "export.zip";
      const relative = path.join("archive-imports", String(row.id), fileName);
      const record = await claimUpload(upload.id, data.userId, path.join(dataDir(), relative));
      await db.archiveImportJob.update({ where: { id: row.id }, data: { filePath: relative, originalFileName: record.originalName } });
    }
    await queueJob(row.id);
  } catch (error) {
    await db.archiveImportJob.delete({ where: { id: row.id } }).catch(() => undefined);
    await rm(jobDirectory(row.id), { recursive: true, force: true });
    throw error;
  }
  return db.archiveImportJob.findUniqueOrThrow({ where: { id: row.id }, select: jobSelect });
}

async function requireUpload(uploadId: string, userId: string, what: string): Promise<void> {
  if (!uploadIdSchema.safeParse(uploadId).success || !(await findUpload(uploadId, userId))) {
    throw new AppError("upload_not_found", `The ${what} upload does not exist or has expired; upload the file again.`);
  }
}

/** Queues the import of an uploaded issue-export zip into the project. */
/** `userMapping`: how users not linked to Ferry are recorded; the instance default when absent. */
export async function startIssuesArchiveImport(user: SessionUser, input: { projectId: number; uploadId: string; userMapping?: UserMapping }): Promise<ArchiveJob> {
  const project = await requireProjectImportManager(user, input.projectId);
  await requireUpload(input.uploadId, user.id, "archive");
  return createJob({ projectId: project.id, userId: user.id, kind: "bitbucket_issues", userMapping: input.userMapping }, { id: input.uploadId });
}

/** Queues the import of a wiki from a git URL or an uploaded bundle into the project. */
export async function startWikiImport(user: SessionUser, input: { projectId: number; url?: string | null; uploadId?: string | null }): Promise<ArchiveJob> {
  const project = await requireProjectImportManager(user, input.projectId);
  const url = input.url?.trim() || null;
  if (Boolean(url) === Boolean(input.uploadId)) {
    throw new AppError("invalid_request", "Give either the wiki's git URL or a bundle file, not both.");
  }
  if (url) return createJob({ projectId: project.id, userId: user.id, kind: "wiki", sourceUrl: await checkWikiUrl(url) });
  await requireUpload(input.uploadId!, user.id, "bundle");
  return createJob({ projectId: project.id, userId: user.id, kind: "wiki" }, { id: input.uploadId! });
}

/** What the import page attaches to one repository row. */
export const archiveAttachmentsSchema = z.object({
  issuesArchiveUploadId: uploadIdSchema.optional(),
  wikiBundleUploadId: uploadIdSchema.optional(),
  wikiUrl: z.string().trim().min(1).max(2000).optional(),
});
export type ArchiveAttachments = z.infer<typeof archiveAttachmentsSchema>;

/**
 * Checks what an import-page row attaches (uploads exist and are the user's, the wiki URL is
 * allowed) before the project is created; throws AppError with the reason.
 */
export async function validateArchiveAttachments(input: { userId: string; attachments: ArchiveAttachments }): Promise<void> {
  const attachments = archiveAttachmentsSchema.parse(input.attachments);
  if (attachments.wikiUrl && attachments.wikiBundleUploadId) {
    throw new AppError("invalid_request", "Give either the wiki's git URL or a bundle file, not both.");
  }
  if (attachments.issuesArchiveUploadId) await requireUpload(attachments.issuesArchiveUploadId, input.userId, "issue archive");
  if (attachments.wikiBundleUploadId) await requireUpload(attachments.wikiBundleUploadId, input.userId, "wiki bundle");
  if (attachments.wikiUrl) await checkWikiUrl(attachments.wikiUrl);
}

/**
 * Called by the import start right after it created the project: queues an issue-archive job
 * and/or a wiki job (pass the import's `userMapping` so both use the same rule). They wait until the project's Bitbucket import is finished, then run.
 * The project may also be an import the user resumed: they must still be allowed to manage it.
 */
export async function queueArchiveJobsForNewProject(input: { projectId: number; userId: string; attachments: ArchiveAttachments; userMapping?: UserMapping }): Promise<ArchiveJob[]> {
  const attachments = archiveAttachmentsSchema.parse(input.attachments);
  const actor = await actorById(input.userId);
  if (!actor) throw new AppError("not_found", "Project not found.");
  await requireProjectImportManager(actor, input.projectId);
  await validateArchiveAttachments({ userId: input.userId, attachments });
  const jobs: ArchiveJob[] = [];
  if (attachments.issuesArchiveUploadId) {
    jobs.push(await createJob({ projectId: input.projectId, userId: input.userId, kind: "bitbucket_issues", userMapping: input.userMapping }, { id: attachments.issuesArchiveUploadId }));
  }
  if (attachments.wikiBundleUploadId) {
    jobs.push(await createJob({ projectId: input.projectId, userId: input.userId, kind: "wiki" }, { id: attachments.wikiBundleUploadId }));
  } else if (attachments.wikiUrl) {
    jobs.push(await createJob({ projectId: input.projectId, userId: input.userId, kind: "wiki", sourceUrl: await checkWikiUrl(attachments.wikiUrl) }));
  }
  return jobs;
}

/** The job, if the user may manage it (importAccess, with whoever started the job as its importer); otherwise a 404. */
export async function findArchiveJobForUser(user: SessionUser, jobId: number): Promise<ArchiveJob> {
  const job = await db.archiveImportJob.findUnique({ where: { id: jobId }, select: { ...jobSelect, project: { select: { id: true, fullPath: true, namespaceId: true, visibility: true } } } });
  const access = job ? await importAccess(user, { importerId: job.userId, project: job.project }) : null;
  if (!job || !access?.canManage) throw new AppError("not_found", "Import job not found.");
  return { ...job, project: { fullPath: job.project.fullPath } };
}

export async function listArchiveJobs(projectId: number, take = 20): Promise<ArchiveJob[]> {
  return db.archiveImportJob.findMany({ where: { projectId }, select: jobSelect, orderBy: { id: "desc" }, take });
}

export async function archiveJobMessages(jobId: number, take = 1000) {
  return db.archiveImportMessage.findMany({
    where: { jobId },
    select: { id: true, severity: true, message: true, createdAt: true },
    orderBy: { id: "asc" },
    take,
  });
}

/** Cancels a queued job at once; a running one stops before its next issue. */
export async function cancelArchiveJob(user: SessionUser, jobId: number): Promise<ArchiveJob> {
  const job = await findArchiveJobForUser(user, jobId);
  if (!isActiveArchiveState(job.state)) {
    throw new AppError("job_finished", `The import job has already ended (${job.state}); there is nothing to cancel.`);
  }
  const now = new Date();
  const queued = await db.archiveImportJob.updateMany({
    where: { id: jobId, state: "queued" },
    data: { state: "canceled", cancelRequestedAt: now, finishedAt: now },
  });
  if (queued.count === 1) {
    await db.archiveImportMessage.create({ data: { jobId, severity: "info", message: "Canceled before it started; nothing was imported." } });
    await rm(jobDirectory(jobId), { recursive: true, force: true });
  } else {
    await db.archiveImportJob.updateMany({ where: { id: jobId, state: "running", cancelRequestedAt: null }, data: { cancelRequestedAt: now } });
  }
  return db.archiveImportJob.findUniqueOrThrow({ where: { id: jobId }, select: jobSelect });
}

// ---------------------------------------------------------------------------------------------
// Running

type ClaimResult = "claimed" | "wait" | "gone";

/**
 * Takes the job for this process unless it has ended, runs elsewhere, or must wait for the
 * project's Bitbucket import or an earlier archive job of the project. A running job is taken
 * over only by its own pg-boss job delivered again (`redelivered`: its worker died and the job
 * expired). The project row is locked while deciding, so two workers cannot both start jobs of one project.
 */
async function claim(jobId: number, redelivered: boolean): Promise<ClaimResult> {
  return db.$transaction(async (tx) => {
    const job = await tx.archiveImportJob.findUnique({ where: { id: jobId }, select: { projectId: true, state: true } });
    if (!job || !isActiveArchiveState(job.state)) return "gone";
    await tx.$queryRaw`SELECT id FROM projects WHERE id = ${job.projectId} FOR UPDATE`;
    if (job.state === "running" && !redelivered) return "gone";
    const projectImport = await tx.projectImport.findUnique({ where: { projectId: job.projectId }, select: { status: true } });
    if (isActiveImportStatus(projectImport?.status)) return "wait";
    const other = await tx.archiveImportJob.findFirst({
      where: { projectId: job.projectId, id: { not: jobId }, OR: [{ state: "running" }, { state: "queued", id: { lt: jobId } }] },
      select: { id: true },
    });
    if (other) return "wait";
    await tx.archiveImportJob.update({ where: { id: jobId }, data: { state: "running", startedAt: new Date(), updatedAt: new Date() } });
    return "claimed";
  });
}

async function finish(jobId: number, state: ArchiveJobState, data: { error?: string | null; counts?: unknown; progress?: number } = {}): Promise<void> {
  await db.archiveImportJob.update({
    where: { id: jobId },
    data: {
      state,
      finishedAt: new Date(),
      filePath: null,
      error: data.error ?? null,
      ...(data.counts !== undefined ? { counts: data.counts as Prisma.InputJsonValue } : {}),
      ...(data.progress !== undefined ? { progress: data.progress } : {}),
    },
  });
}

function publicMessage(error: unknown, jobId: number): string {
  if (isAppError(error) || error instanceof ArchiveConflict) return error.message;
  return `The import stopped because of an unexpected error (reference: archive job ${jobId}); the server log has the details.`;
}

export type ArchiveProcessStats = { exitCode: number | null; signal: string | null; maxRss: number | null; sampledPeakRss: number | null };

/**
 * Claims and runs one job; never throws for the job's own failures. `isolated` (what the
 * workers use) runs it in a process of its own (see runJobInChildProcess); tests run it here.
 */
export async function runArchiveJob(jobId: number, options: { isolated?: boolean; redelivered?: boolean } = {}): Promise<ArchiveProcessStats | null> {
  const claimed = await claim(jobId, options.redelivered ?? false);
  if (claimed === "gone") return null;
  if (claimed === "wait") {
    await enqueue(archiveImportJob, { jobId }, { startAfterSeconds: WAIT_SECONDS });
    return null;
  }
  if (options.isolated && existsSync(JOB_PROCESS_ENTRY())) return runJobInChildProcess(jobId);
  await executeClaimedJob(jobId);
  return null;
}

/** The entry point of job processes (TypeScript, run with tsx from Ferry's directory). */
const JOB_PROCESS_ENTRY = () => path.join(process.cwd(), "lib", "archive", "job-process.ts");
/**
 * The job process's heap limit. Archives are untrusted and large: the import streams, and with a
 * cap V8 collects garbage instead of growing the heap towards its default multi-gigabyte limit
 * (a 100 MB archive peaks around 270 MB of RSS this way, against 450 MB+ without).
 */
const JOB_PROCESS_HEAP_MB = 224;
const STATS_PREFIX = "ARCHIVE_JOB_STATS ";

/**
 * Runs a claimed job in a child process: untrusted input is parsed away from the web and worker
 * process, under its own memory limit. A child that dies (out of memory, killed) leaves the job
 * ended as aborted or failed with a message, not running.
 */
async function runJobInChildProcess(jobId: number): Promise<ArchiveProcessStats> {
  const child = spawn(process.execPath, [`--max-old-space-size=${JOB_PROCESS_HEAP_MB}`, "--import", "tsx", JOB_PROCESS_ENTRY(), String(jobId)], {
    cwd: process.cwd(),
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stats: Pick<ArchiveProcessStats, "maxRss" | "sampledPeakRss"> = { maxRss: null, sampledPeakRss: null };
  let pendingOut = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    pendingOut += chunk;
    const lines = pendingOut.split("\n");
    pendingOut = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith(STATS_PREFIX)) stats = JSON.parse(line.slice(STATS_PREFIX.length)) as typeof stats;
      else if (line.trim()) console.log(`[archive-import ${jobId}] ${line}`);
    }
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) if (line.trim()) console.error(`[archive-import ${jobId}] ${line}`);
  });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on("error", () => resolve([null, null]));
    child.on("close", (code, closeSignal) => resolve([code, closeSignal]));
  });
  if (exitCode !== 0) {
    const job = await db.archiveImportJob.findUnique({ where: { id: jobId }, select: { state: true, counts: true } });
    if (job?.state === "running") {
      const imported = ((job.counts as { issues?: { imported?: number } } | null)?.issues?.imported ?? 0) > 0;
      const message = `The import process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${exitCode}`}; possibly out of memory). ${imported ? "The issues imported before that are complete; importing the archive again continues where it stopped." : "Nothing was imported."}`;
      await db.archiveImportMessage.create({ data: { jobId, severity: "error", message } });
      await finish(jobId, imported ? "aborted" : "failed", { error: message });
      await rm(jobDirectory(jobId), { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return { exitCode, signal, ...stats };
}

/** Reported by job processes on their last line, for runJobInChildProcess. */
export function jobProcessStatsLine(stats: { maxRss: number; sampledPeakRss: number }): string {
  return `${STATS_PREFIX}${JSON.stringify(stats)}`;
}

/** Runs a job this process has claimed. */
export async function executeClaimedJob(jobId: number): Promise<void> {
  const job = await db.archiveImportJob.findUniqueOrThrow({
    where: { id: jobId },
    include: { project: { select: { id: true, fullPath: true, importUrl: true, namespaceId: true } } },
  });
  const workDirectory = path.join(jobDirectory(jobId), "work");
  await mkdir(workDirectory, { recursive: true });
  const requested = userMappingSchema.safeParse((job.options as { userMapping?: unknown } | null)?.userMapping);
  const userMapping = requested.success ? requested.data : (await getSettings()).defaultUserMapping;
  const run = new JobRun(jobId, job.project, job.userId, job.filePath ? path.join(dataDir(), job.filePath) : "", workDirectory, userMapping);
  let counts: unknown;
  try {
    // Rights are checked again when the job runs: a requester who lost them since it was queued imports nothing.
    const requester = await actorById(job.userId);
    if (!requester) throw new AppError("not_found", "Project not found.");
    await requireProjectImportManager(requester, job.projectId);
    if (job.kind === "bitbucket_issues") {
      if (!job.filePath) throw new AppError("archive_missing", "The job has no archive file.");
      counts = await importIssuesArchive(run);
      const failed = (counts as { issues: { failed: number } }).issues.failed;
      if (failed > 0) run.message("warning", "issues_failed_summary", `${failed} issue(s) could not be imported; see the errors above.`);
    } else {
      counts = await importWiki(run, job.sourceUrl ? { url: job.sourceUrl } : { bundlePath: run.filePath });
    }
    run.summarizeCappedMessages();
    run.message("info", "completed", "Import completed.");
    await run.flush();
    await finish(jobId, "completed", { counts, progress: 100 });
  } catch (error) {
    const canceled = error instanceof ArchiveCanceled;
    if (!canceled && !isAppError(error) && !(error instanceof ArchiveConflict)) run.log("failed", error);
    const state: ArchiveJobState = canceled ? "canceled" : run.wroteSomething ? "aborted" : "failed";
    run.summarizeCappedMessages();
    if (canceled) run.message("info", "canceled", run.wroteSomething ? "Canceled; what was imported before the cancel is complete and kept." : "Canceled before anything was imported.");
    else run.message("error", "stopped", publicMessage(error, jobId));
    await run.flush().catch(() => undefined);
    await finish(jobId, state, { error: canceled ? null : publicMessage(error, jobId) });
  } finally {
    await rm(jobDirectory(jobId), { recursive: true, force: true }).catch(() => undefined);
  }
}

export type { ArchiveJobKind, ArchiveJobState };
