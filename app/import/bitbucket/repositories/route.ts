import { z } from "zod";
import { userRoute } from "@/lib/http/route";
import { bitbucketClientForUser, listImportableRepositories } from "@/lib/import";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  filter: z.string().max(255, "must be at most 255 characters").optional(),
  cursor: z.string().max(100_000).optional(),
});

export const GET = userRoute({ query: querySchema, context: "bitbucket repositories" }, async ({ user, query }) => {
  const client = await bitbucketClientForUser(user.id);
  return listImportableRepositories(client, query);
});
