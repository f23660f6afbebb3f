import { badRequest, notFound } from "@/lib/api/errors";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import type { ArchiveJob } from "./jobs";
import { multipartBoundary, readMultipart, readTextPart } from "./multipart";
import { MAX_UPLOAD_BYTES, saveUpload, type UploadRecord } from "./uploads";

/**
 * What the v4 API endpoints of archive imports share: the job's JSON shape and reading a
 * multipart upload as a stream (the API wrapper's own body reading keeps bodies in memory, so
 * these endpoints leave `body` out and read the request themselves).
 */

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
    created_at: job.createdAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    finished_at: job.finishedAt?.toISOString() ?? null,
    web_url: `${config().NEXTAUTH_URL}/${job.project.fullPath}/-/settings/import`,
  };
}

export function serializeArchiveMessage(message: { id: number; severity: string; message: string; createdAt: Date }) {
  return { id: message.id, severity: message.severity, message: message.message, created_at: message.createdAt.toISOString() };
}

/** `:id` of a route file arrives percent-encoded when it is a full path (`group%2Fproject`). */
export function projectIdParam(value: string | undefined): string {
  if (!value) throw badRequest("id is missing");
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export type UploadForm = { upload: UploadRecord | null; fields: Record<string, string> };

/**
 * Reads a `multipart/form-data` request: the file field `fileField` is streamed to an upload
 * owned by `ownerId`; other fields are read as text. Any other content type yields no file.
 */
export async function readUploadForm(request: Request, ownerId: string, fileField: string): Promise<UploadForm> {
  const boundary = multipartBoundary(request.headers.get("content-type"));
  if (!boundary || !request.body) return { upload: null, fields: {} };
  const fields: Record<string, string> = {};
  let upload: UploadRecord | null = null;
  try {
    for await (const part of readMultipart(request.body as unknown as AsyncIterable<Uint8Array>, boundary)) {
      if (part.name === fileField && part.fileName !== null) {
        if (upload) throw badRequest(`${fileField} is given more than once`);
        upload = await saveUpload({ ownerId, originalName: part.fileName || fileField, body: part.body, maxBytes: MAX_UPLOAD_BYTES });
      } else if (part.fileName === null) {
        fields[part.name] = await readTextPart(part);
      }
    }
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_multipart") throw badRequest(error.message);
    throw error;
  }
  return { upload, fields };
}

/** `:id` of a job route; anything but a positive integer is a 404 like a missing job. */
export function jobIdParam(value: string | undefined): number {
  if (!value || !/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > 2_147_483_647) throw notFound("Import Job");
  return Number(value);
}
