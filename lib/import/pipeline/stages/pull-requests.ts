import { addProgress } from "../records";
import { importPullRequests } from "../pull-requests";
import { TextConverter } from "../text";
import { FIRST_PAGE, fetchListingPage, notesFollowUps, restartFromFirstPage } from "./paging";
import { defineStage } from "./types";

/** Pull requests page by page, with reviewers and approvals; each page queues the comment batches of its pull requests. */
export const pullRequestsStage = defineStage({
  name: "pull_requests",
  label: "pull requests",
  objectTypes: ["pull_request", "approval"],
  firstUnit: FIRST_PAGE,
  async run(ctx, unit, scheduler) {
    const repository = ctx.sourceRepository();
    const text = await TextConverter.forContext(ctx, repository.webUrl);
    const page = await fetchListingPage(unit, scheduler, (cursor) => ctx.source.pullRequestsPage(cursor));
    await addProgress(ctx.importId, "pull_request", { total: page.total ?? undefined, fetched: page.items.length });
    const { withComments } = await importPullRequests(ctx, repository, text, page.items);
    return notesFollowUps("pull_request_notes", unit.key, withComments);
  },
  resetForRerun: (tx, importId) => restartFromFirstPage(tx, importId, "pull_requests"),
});
