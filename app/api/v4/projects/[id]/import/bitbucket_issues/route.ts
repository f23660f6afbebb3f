import { badRequest } from "@/lib/api/errors";
import { findApiProject } from "@/lib/api/projects";
import { apiResponse, apiRoute } from "@/lib/api/route";
import { discardUpload, startIssuesArchiveImport } from "@/lib/archive";
import { projectIdParam, readUploadForm, serializeArchiveJob } from "@/lib/archive/api";
import { userMappingSchema } from "@/lib/settings";

export const runtime = "nodejs";

/**
 * `POST /api/v4/projects/:id/import/bitbucket_issues` with a multipart `file` (a Bitbucket
 * issue-tracker export zip) and optionally `user_mapping` (attribution or placeholders; the
 * instance default otherwise): 202 with the job. Maintainer or above; the body is streamed to disk.
 */
export const POST = apiRoute({ name: "import bitbucket issue archive", access: "write" }, async ({ caller, params, request }) => {
  const project = await findApiProject(caller, projectIdParam(params.id), "manage");
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
