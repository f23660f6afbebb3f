import type { ArchiveJob } from "@/lib/archive";
import { isoDate, webUrl } from "./users";

/** An archive import job (issues from an export zip, a wiki from a git URL or bundle). */
export function serializeArchiveJob(job: ArchiveJob) {
  return {
    id: job.id,
    project_id: job.projectId,
    project_path: job.project.fullPath,
    type: job.kind,
    state: job.state,
    progress: job.progress,
    counts: job.counts,
    error: job.error,
    user_mapping: (job.options as { userMapping?: string } | null)?.userMapping ?? null,
    source: { file_name: job.originalFileName, url: job.sourceUrl },
    cancel_requested: job.cancelRequestedAt !== null,
    created_at: isoDate(job.createdAt),
    started_at: isoDate(job.startedAt),
    finished_at: isoDate(job.finishedAt),
    web_url: webUrl(job.project.fullPath, "-", "settings", "import"),
  };
}

export function serializeArchiveMessage(message: { id: number; severity: string; message: string; createdAt: Date }) {
  return { id: message.id, severity: message.severity, message: message.message, created_at: isoDate(message.createdAt) };
}
