import { stampedComment, syncGitHubIssueComments, syncGitHubReviewComments } from "@/lib/import/sync/github";
import { githubSyncListingStage } from "./github-sync-listing";

/** Comments on issues and pull requests created or edited since the watermark, from the repository-wide listing. */
export const githubSyncCommentsStage = githubSyncListingStage({
  name: "github_sync_comments",
  label: "syncing comments",
  watermark: "issue_comment",
  fetchPage: async (ctx, since) => {
    const page = await ctx.github.issueCommentsUpdatedSince(since);
    return { ...page, items: page.items.map(stampedComment) };
  },
  write: (ctx, syncId, _unit, comments) => syncGitHubIssueComments(ctx, syncId, comments),
});

/** Review comments created or edited since the watermark, from the repository-wide listing. */
export const githubSyncReviewCommentsStage = githubSyncListingStage({
  name: "github_sync_review_comments",
  label: "syncing review comments",
  watermark: "review_comment",
  fetchPage: async (ctx, since) => {
    const page = await ctx.github.reviewCommentsUpdatedSince(since);
    return { ...page, items: page.items.map(stampedComment) };
  },
  write: (ctx, syncId, _unit, comments) => syncGitHubReviewComments(ctx, syncId, comments),
});
