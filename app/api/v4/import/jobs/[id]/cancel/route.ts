import { apiResponse, apiRoute } from "@/lib/api/route";
import { cancelArchiveJob } from "@/lib/archive";
import { jobIdParam, serializeArchiveJob } from "@/lib/archive/api";

export const runtime = "nodejs";

/**
 * `POST /api/v4/import/jobs/:id/cancel`: a queued job is canceled at once, a running one stops
 * before its next issue (202 until it has); 409 when the job has already ended.
 */
export const POST = apiRoute({ name: "cancel archive import job", access: "write" }, async ({ caller, params }) => {
  const job = await cancelArchiveJob(caller, jobIdParam(params.id));
  return apiResponse(serializeArchiveJob(job), { status: job.state === "canceled" ? 200 : 202 });
});
