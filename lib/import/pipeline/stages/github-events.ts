import { importGitHubEvents } from "../github/notes";
import { githubListingStage } from "./github-listing";

/** Issue and pull request events as system notes, from the repository-wide listing (everything but cross-references). */
export const githubEventsStage = githubListingStage({
  name: "github_events",
  label: "events",
  objectType: "issue_event",
  fetchPage: (ctx, cursor) => ctx.github.issueEventsPage(cursor),
  importPage: (ctx, events) => importGitHubEvents(ctx, events),
});
