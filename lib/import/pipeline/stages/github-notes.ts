import { importGitHubIssueComments, singleEndpointNotes } from "../github/notes";
import { githubListingStage } from "./github-listing";

/** Comments on issues and pull requests, from the repository-wide listing. */
export const githubNotesStage = githubListingStage({
  name: "github_notes",
  label: "comments",
  skip: singleEndpointNotes,
  objectType: "note",
  fetchPage: (ctx, cursor) => ctx.github.issueCommentsPage(cursor),
  importPage: (ctx, comments) => importGitHubIssueComments(ctx, comments),
});
