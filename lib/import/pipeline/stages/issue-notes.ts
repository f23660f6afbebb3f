import { importIssueNotes } from "../issues";
import { TextConverter } from "../text";
import { pendingNoteParents, reopenNoteBatches } from "./paging";
import { defineStage } from "./types";

/** The comments of a batch of issues, created by their page of the issue stage. */
export const issueNotesStage = defineStage({
  name: "issue_notes",
  label: "issue comments",
  objectTypes: ["issue_note"],
  firstUnit: null,
  followsFrom: "issues",
  async run(ctx, unit) {
    const text = await TextConverter.forContext(ctx, ctx.sourceRepository().webUrl);
    await importIssueNotes(ctx, text, pendingNoteParents(unit));
    return [];
  },
  resetForRerun: (tx, importId) => reopenNoteBatches(tx, importId, "issue_notes"),
});
