import { stampedComment, syncGitHubIssueComments, syncGitHubReviewComments } from "@/lib/import/sync/github";
import { FIRST_PAGE } from "./paging";
import { activeSync, syncListingPage } from "./sync-paging";
import { defineStage } from "./types";

/** Comments on issues and pull requests created or edited since the watermark, from the repository-wide listing, a page per unit. */
export const githubSyncCommentsStage = defineStage({
  name: "github_sync_comments",
  label: "syncing comments",
  objectTypes: [],
  firstUnit: FIRST_PAGE,
  async run(ctx, unit, scheduler) {
    await syncListingPage(
      ctx,
      unit,
      scheduler,
      "issue_comment",
      async (since) => {
        const page = await ctx.github.issueCommentsUpdatedSince(since);
        return { items: page.items.map(stampedComment), next: page.next, total: null };
      },
      (comments) => syncGitHubIssueComments(ctx, activeSync(ctx), comments.map((comment) => comment.value)),
    );
    return [];
  },
});

/** Review comments created or edited since the watermark, from the repository-wide listing, a page per unit. */
export const githubSyncReviewCommentsStage = defineStage({
  name: "github_sync_review_comments",
  label: "syncing review comments",
  objectTypes: [],
  firstUnit: FIRST_PAGE,
  async run(ctx, unit, scheduler) {
    await syncListingPage(
      ctx,
      unit,
      scheduler,
      "review_comment",
      async (since) => {
        const page = await ctx.github.reviewCommentsUpdatedSince(since);
        return { items: page.items.map(stampedComment), next: page.next, total: null };
      },
      (comments) => syncGitHubReviewComments(ctx, activeSync(ctx), comments.map((comment) => comment.value)),
    );
    return [];
  },
});
