import { z } from "zod";
import { userRoute } from "@/lib/json-routes/wrapper";
import { bitbucketClientForUser, bitbucketProblem } from "@/lib/import";
import { workspaceMappingSummary } from "@/lib/users/workspace-mapping";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  workspace: z.string().trim().regex(/^[A-Za-z0-9_.{}-]{1,100}$/, "must be a workspace slug"),
});

/** GET ?workspace=acme → how many of the workspace's members map to Ferry users, and who does not. */
export const GET = userRoute({ query: querySchema, context: "workspace user mapping" }, async ({ user, query }) => {
  // The caller's own Bitbucket credential decides which workspaces they may look into.
  const client = await bitbucketClientForUser(user.id);
  try {
    return await workspaceMappingSummary(client, query.workspace);
  } catch (error) {
    throw bitbucketProblem(error);
  }
});
