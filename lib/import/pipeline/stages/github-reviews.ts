import { importGitHubReviews } from "../github/pull-requests";
import { pendingNoteParents, reopenNoteBatches } from "./paging";
import { defineStage } from "./types";

/** The reviews of a batch of pull requests (approvals, review bodies), created by their page of the pull request stage. */
export const githubReviewsStage = defineStage({
  name: "github_reviews",
  label: "pull request reviews",
  objectTypes: ["pull_request_review"],
  firstUnit: null,
  followsFrom: "github_pull_requests",
  async run(ctx, unit) {
    await importGitHubReviews(ctx, pendingNoteParents(unit));
    return [];
  },
  resetForRerun: (tx, importId) => reopenNoteBatches(tx, importId, "github_reviews"),
});
