import { readBodyParams } from "@/lib/api/body";
import { badRequest } from "@/lib/api/errors";
import { findApiProject } from "@/lib/api/projects";
import { apiResponse, apiRoute } from "@/lib/api/route";
import { discardUpload, startWikiImport } from "@/lib/archive";
import { projectIdParam, readUploadForm, serializeArchiveJob } from "@/lib/archive/api";
import { multipartBoundary } from "@/lib/archive/multipart";

export const runtime = "nodejs";

/**
 * `POST /api/v4/projects/:id/import/wiki` with `url` (a git URL: JSON, form or query) or a
 * multipart `bundle` (a `git bundle` file): 202 with the job. Maintainer or above. The wiki
 * replaces the project's current one.
 */
export const POST = apiRoute({ name: "import wiki", access: "write" }, async ({ caller, params, request }) => {
  const project = await findApiProject(caller, projectIdParam(params.id), "manage");
  let url = new URL(request.url).searchParams.get("url");
  let uploadId: string | null = null;
  if (multipartBoundary(request.headers.get("content-type"))) {
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
