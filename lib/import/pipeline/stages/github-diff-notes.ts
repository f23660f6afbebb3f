import { importGitHubReviewComments, singleEndpointNotes } from "../github/notes";
import { githubListingStage } from "./github-listing";

/** Review comments as diff notes, from the repository-wide listing. */
export const githubDiffNotesStage = githubListingStage({
  name: "github_diff_notes",
  label: "review comments",
  skip: singleEndpointNotes,
  objectType: "diff_note",
  fetchPage: (ctx, cursor) => ctx.github.reviewCommentsPage(cursor),
  importPage: (ctx, comments) => importGitHubReviewComments(ctx, comments),
});
