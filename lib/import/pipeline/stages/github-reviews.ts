import { importGitHubReviews } from "../github/pull-requests";
import { markNoteParentsDone, pendingNoteParents, reopenNoteBatches } from "./paging";
import { defineStage } from "./types";

/**
 * The reviews of a batch of pull requests (approvals, review bodies), created by their page of the
 * pull request stage. One request per pull request: the batches run in the background, beside the
 * listing stages, so the request limit stays busy while those write.
 */
export const githubReviewsStage = defineStage({
  name: "github_reviews",
  label: "pull request reviews",
  objectTypes: ["pull_request_review"],
  firstUnit: null,
  followsFrom: "github_pull_requests",
  background: true,
  async run(ctx, unit) {
    await importGitHubReviews(ctx, pendingNoteParents(unit), (numbers) => markNoteParentsDone(unit, numbers));
    return [];
  },
  resetForRerun: (tx, importId) => reopenNoteBatches(tx, importId, "github_reviews"),
});
