import { z } from "zod";
import { userRoute } from "@/lib/json-routes/wrapper";
import { bitbucketClientForUser } from "@/lib/import";
import { listingStreamResponse } from "@/lib/import/listing-stream";
import { bitbucketCloudPicker } from "@/lib/import/picker";
import { startListingStep, toRow } from "@/lib/import/repository-listing";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  filter: z.string().max(255, "must be at most 255 characters").optional(),
  cursor: z.string().max(100_000).optional(),
});

/** One step of the listing of the user's Bitbucket workspaces, streamed workspace by workspace as Bitbucket answers. */
export const GET = userRoute({ query: querySchema, context: "bitbucket repositories" }, async ({ user, query, requestId }) => {
  const client = await bitbucketClientForUser(user.id);
  const step = await startListingStep(client, query);
  return listingStreamResponse(step, { toRow, statuses: (names) => bitbucketCloudPicker.statuses(user, names), requestId, context: "bitbucket repositories" });
});
