import { apiRoute } from "@/lib/api/route";
import { archiveJobMessages, findArchiveJobForUser } from "@/lib/archive";
import { jobIdParam, serializeArchiveMessage } from "@/lib/archive/api";

export const runtime = "nodejs";

/** `GET /api/v4/import/jobs/:id/messages`: the job's info, warnings and errors, oldest first. */
export const GET = apiRoute({ name: "archive import job messages", access: "read" }, async ({ caller, params }) => {
  const job = await findArchiveJobForUser(caller, jobIdParam(params.id));
  return (await archiveJobMessages(job.id)).map(serializeArchiveMessage);
});
