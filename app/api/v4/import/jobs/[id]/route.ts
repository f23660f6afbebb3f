import { apiRoute } from "@/lib/api/route";
import { findArchiveJobForUser } from "@/lib/archive";
import { jobIdParam, serializeArchiveJob } from "@/lib/archive/api";

export const runtime = "nodejs";

/** `GET /api/v4/import/jobs/:id`: an archive import job (state, progress percent, counts). */
export const GET = apiRoute({ name: "archive import job", access: "read" }, async ({ caller, params }) => {
  return serializeArchiveJob(await findArchiveJobForUser(caller, jobIdParam(params.id)));
});
