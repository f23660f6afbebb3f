import { z } from "zod";
import { githubPickerClient } from "@/lib/import/github-picker";
import { userRoute } from "@/lib/json-routes/wrapper";
import { githubMappingSummary } from "@/lib/users/github-mapping";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  repository: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, "must be owner/name"),
});

/** GET ?repository=acme/rocket → how many of the repository's collaborators and contributors map to Ferry users, and who does not. */
export const GET = userRoute({ query: querySchema, context: "github user mapping" }, async ({ user, query }) => {
  // The caller's own GitHub access decides which repositories they may look into.
  const { client } = await githubPickerClient(user);
  return githubMappingSummary(client, query.repository);
});
