import { badRequest } from "@/lib/api/errors";
import { findApiProject } from "@/lib/api/projects";
import { apiResponse, apiRoute } from "@/lib/api/route";
import { discardUpload, startIssuesArchiveImport } from "@/lib/archive";
import { projectIdParam, readUploadForm, serializeArchiveJob } from "@/lib/archive/api";

export const runtime = "nodejs";

/**
 * `POST /api/v4/projects/:id/import/bitbucket_issues` with a multipart `file` (a Bitbucket
 * issue-tracker export zip): 202 with the job. Maintainer or above; the body is streamed to disk.
 */
export const POST = apiRoute({ name: "import bitbucket issue archive", access: "write" }, async ({ caller, params, request }) => {
  const project = await findApiProject(caller, projectIdParam(params.id), "manage");
  const { upload } = await readUploadForm(request, caller.id, "file");
  if (!upload) throw badRequest("file is missing (send the export zip as multipart/form-data field \"file\")");
  try {
    const job = await startIssuesArchiveImport(caller, { projectId: project.id, uploadId: upload.id });
    return apiResponse(serializeArchiveJob(job), { status: 202 });
  } catch (error) {
    await discardUpload(upload.id, caller.id);
    throw error;
  }
});
