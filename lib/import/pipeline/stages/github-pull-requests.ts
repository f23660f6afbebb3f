import { importGitHubPulls } from "../github/pull-requests";
import { githubListingStage } from "./github-listing";
import { notesFollowUps } from "./paging";

/** Pull requests page by page as merge requests; each page queues the review batches of its pull requests. */
export const githubPullRequestsStage = githubListingStage({
  name: "github_pull_requests",
  label: "pull requests",
  objectType: "pull_request",
  fetchPage: (ctx, cursor) => ctx.github.pullsPage(cursor),
  importPage: async (ctx, pulls, unit) => notesFollowUps("github_reviews", unit.key, await importGitHubPulls(ctx, pulls)),
});
