import { z } from "zod";
import { bitbucketServerPicker, serverListingStep } from "@/lib/import/bitbucket-server-picker";
import { listingStreamResponse } from "@/lib/import/listing-stream";
import { userRoute } from "@/lib/json-routes/wrapper";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  filter: z.string().max(255, "must be at most 255 characters").optional(),
  cursor: z.string().regex(/^\d{1,9}$/, "must be a number").optional(),
  project: z.string().max(128).optional(),
});

/** One page of the current Bitbucket Server's repositories (the server's name filter), grouped by project. */
export const GET = userRoute({ query: querySchema, context: "bitbucket server repositories" }, async ({ user, query, requestId }) => {
  const step = await serverListingStep(user, query);
  return listingStreamResponse(step, { toRow: (row) => row, statuses: (names) => bitbucketServerPicker.statuses(user, names), requestId, context: "bitbucket server repositories" });
});
