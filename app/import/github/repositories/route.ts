import { z } from "zod";
import { githubPickerClient, streamGithubListing, type GithubListingEvent } from "@/lib/import/github-picker";
import { ndjsonResponse } from "@/lib/json-routes/ndjson";
import { userRoute } from "@/lib/json-routes/wrapper";

export const dynamic = "force-dynamic";

/**
 * Every GitHub repository the user can reach, as newline-delimited JSON streamed page by page with
 * each page's import statuses. Errors before the first line (no GitHub access, GitHub imports
 * disabled) are ordinary JSON errors; later ones end the stream with an error line.
 */
export const GET = userRoute({ query: z.object({}), context: "github repositories" }, async ({ user, requestId }) => {
  const picker = await githubPickerClient(user);
  return ndjsonResponse<GithubListingEvent>((send) => streamGithubListing(user, picker, send), {
    requestId,
    context: "github repositories",
    event: (error) => ({ type: "error", error }),
  });
});
