import { importGitHubPulls } from "../github/pull-requests";
import { githubListingStage } from "./github-listing";
import { notesFollowUps } from "./paging";

/**
 * A page's pull requests make one review batch: a batch's cost (its unit, its lookups and writes)
 * is shared by a page of requests, and a few batches keep the request limit busy.
 */
const REVIEW_BATCH = 100;

/** Pull requests page by page as merge requests; each page queues the review batch of its pull requests. */
export const githubPullRequestsStage = githubListingStage({
  name: "github_pull_requests",
  label: "pull requests",
  objectType: "pull_request",
  fetchPage: (ctx, cursor) => ctx.github.pullsPage(cursor),
  importPage: async (ctx, pulls, unit) => notesFollowUps("github_reviews", unit.key, await importGitHubPulls(ctx, pulls), REVIEW_BATCH),
});
