"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { cancelArchiveJob, startIssuesArchiveImport, startWikiImport, uploadIdSchema } from "@/lib/archive";
import { userAction } from "@/lib/actions/wrapper";
import { userMappingSchema } from "@/lib/settings";

/** Server actions of Settings → Import; each checks the project role in lib/archive. */

const projectId = z.number().int().positive();

export const startIssuesArchiveImportAction = userAction(
  "start issue archive import",
  z.object({ projectId, uploadId: uploadIdSchema, userMapping: userMappingSchema.optional() }),
  async (input, { user }) => {
    const job = await startIssuesArchiveImport(user, input);
    refresh();
    return { jobId: job.id };
  },
);

export const startWikiImportAction = userAction(
  "start wiki import",
  z.object({ projectId, url: z.string().trim().max(2000).optional(), uploadId: uploadIdSchema.optional() }),
  async (input, { user }) => {
    const job = await startWikiImport(user, input);
    refresh();
    return { jobId: job.id };
  },
);

export const cancelArchiveJobAction = userAction("cancel archive import", z.object({ jobId: z.number().int().positive() }), async ({ jobId }, { user }) => {
  const job = await cancelArchiveJob(user, jobId);
  refresh();
  return { jobId: job.id, state: job.state };
});
