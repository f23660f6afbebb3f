import { archiveJobMessages, cancelArchiveJob, discardUpload, findArchiveJobForUser, startIssuesArchiveImport, startWikiImport } from "@/lib/archive";
import { userMappingSchema } from "@/lib/settings";
import { readBodyParams } from "../body";
import { badRequest, notFound } from "../errors";
import { apiResponse, apiRoute } from "../route";
import type { ApiRoutes } from "../router";
import { serializeArchiveJob, serializeArchiveMessage } from "../serializers";
import { isMultipart, readUploadForm } from "../uploads";

/** Imports from archives: Bitbucket issue-tracker export zips and wikis from git, and the jobs that run them. */

/** `:id` of a job route; anything but a positive integer is a 404 like a missing job. */
function jobIdParam(value: string | undefined): number {
  if (!value || !/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > 2_147_483_647) throw notFound("Import Job");
  return Number(value);
}

/**
 * `POST /projects/:id/import/bitbucket_issues` with a multipart `file` (a Bitbucket issue-tracker
 * export zip) and optionally `user_mapping` (attribution or placeholders; the instance default
 * otherwise): 202 with the job. Maintainer or above; the body is streamed to disk.
 */
const importIssues = apiRoute({ name: "import bitbucket issue archive", access: "write", project: "manage" }, async ({ caller, project, request }) => {
  const { upload, fields } = await readUploadForm(request, caller.id, "file");
  if (!upload) throw badRequest("file is missing (send the export zip as multipart/form-data field \"file\")");
  try {
    const mapping = fields.user_mapping ?? new URL(request.url).searchParams.get("user_mapping") ?? undefined;
    const userMapping = mapping === undefined ? undefined : userMappingSchema.safeParse(mapping);
    if (userMapping && !userMapping.success) throw badRequest("user_mapping does not have a valid value (attribution or placeholders)");
    const job = await startIssuesArchiveImport(caller, { projectId: project.id, uploadId: upload.id, userMapping: userMapping?.data });
    return apiResponse(serializeArchiveJob(job), { status: 202 });
  } catch (error) {
    await discardUpload(upload.id, caller.id);
    throw error;
  }
});

/**
 * `POST /projects/:id/import/wiki` with `url` (a git URL: JSON, form or query) or a multipart
 * `bundle` (a `git bundle` file): 202 with the job. Maintainer or above. The wiki replaces the
 * project's current one.
 */
const importWiki = apiRoute({ name: "import wiki", access: "write", project: "manage" }, async ({ caller, project, request }) => {
  let url = new URL(request.url).searchParams.get("url");
  let uploadId: string | null = null;
  if (isMultipart(request)) {
    const form = await readUploadForm(request, caller.id, "bundle");
    uploadId = form.upload?.id ?? null;
    url = form.fields.url ?? url;
  } else {
    const body = await readBodyParams(request, 64 * 1024);
    if (typeof body.url === "string") url = body.url;
  }
  if (!url?.trim() && !uploadId) throw badRequest("url or bundle is missing");
  if (url?.trim() && uploadId) {
    await discardUpload(uploadId, caller.id);
    throw badRequest("url and bundle are mutually exclusive");
  }
  try {
    const job = await startWikiImport(caller, { projectId: project.id, url: uploadId ? null : url, uploadId });
    return apiResponse(serializeArchiveJob(job), { status: 202 });
  } catch (error) {
    if (uploadId) await discardUpload(uploadId, caller.id);
    throw error;
  }
});

/** `GET /import/jobs/:id`: an archive import job (state, progress percent, counts). */
const showJob = apiRoute({ name: "archive import job", access: "read" }, async ({ caller, params }) => {
  return serializeArchiveJob(await findArchiveJobForUser(caller, jobIdParam(params.id)));
});

/** `GET /import/jobs/:id/messages`: the job's info, warnings and errors, oldest first. */
const listJobMessages = apiRoute({ name: "archive import job messages", access: "read" }, async ({ caller, params }) => {
  const job = await findArchiveJobForUser(caller, jobIdParam(params.id));
  return (await archiveJobMessages(job.id)).map(serializeArchiveMessage);
});

/**
 * `POST /import/jobs/:id/cancel`: a queued job is canceled at once, a running one stops before
 * its next issue (202 until it has); 409 when the job has already ended.
 */
const cancelJob = apiRoute({ name: "cancel archive import job", access: "write" }, async ({ caller, params }) => {
  const job = await cancelArchiveJob(caller, jobIdParam(params.id));
  return apiResponse(serializeArchiveJob(job), { status: job.state === "canceled" ? 200 : 202 });
});

export const archiveImportRoutes: ApiRoutes = {
  "/projects/:id/import/bitbucket_issues": { POST: importIssues },
  "/projects/:id/import/wiki": { POST: importWiki },
  "/import/jobs/:id": { GET: showJob },
  "/import/jobs/:id/messages": { GET: listJobMessages },
  "/import/jobs/:id/cancel": { POST: cancelJob },
};
