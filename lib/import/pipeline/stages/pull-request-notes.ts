import { importPullRequestNotes } from "../pull-requests";
import { TextConverter } from "../text";
import { pendingNoteParents, reopenNoteBatches } from "./paging";
import { defineStage } from "./types";

/** The comments of a batch of pull requests, created by their page of the pull request stage. */
export const pullRequestNotesStage = defineStage({
  name: "pull_request_notes",
  label: "pull request comments",
  objectTypes: ["pull_request_note"],
  firstUnit: null,
  followsFrom: "pull_requests",
  async run(ctx, unit) {
    const text = await TextConverter.forContext(ctx, ctx.sourceRepository().webUrl);
    await importPullRequestNotes(ctx, text, pendingNoteParents(unit));
    return [];
  },
  resetForRerun: (tx, importId) => reopenNoteBatches(tx, importId, "pull_request_notes"),
});
