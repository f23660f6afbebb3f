import { importGitHubIssues } from "../github/issues";
import { githubListingStage } from "./github-listing";

/** Issues page by page (GitHub's listing includes pull requests: their assignees go to the merge requests). */
export const githubIssuesStage = githubListingStage({
  name: "github_issues",
  label: "issues",
  objectType: "issue",
  fetchPage: (ctx, cursor) => ctx.github.issuesPage(cursor),
  importPage: async (ctx, items) => {
    await importGitHubIssues(ctx, items);
  },
});
