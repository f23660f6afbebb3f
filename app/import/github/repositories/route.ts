import { z } from "zod";
import { githubListingResponse, githubPickerClient } from "@/lib/import/github-picker";
import { userRoute } from "@/lib/json-routes/wrapper";

export const dynamic = "force-dynamic";

/**
 * Every GitHub repository the user can reach, as the picker's newline-delimited JSON, streamed page
 * by page with each page's import statuses. The picker filters this listing in the browser, so it
 * takes no filter. Errors before the first line (no GitHub access, GitHub imports disabled) are
 * ordinary JSON errors; later ones end the stream with an error line.
 */
export const GET = userRoute({ query: z.object({}), context: "github repositories" }, async ({ user, requestId }) => githubListingResponse(user, await githubPickerClient(user), requestId));
