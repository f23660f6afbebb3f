import { importIssueNotes } from "../issues";
import { commentBatchStage } from "./paging";

/** The comments of a batch of issues, created by their page of the issue stage. */
export const issueNotesStage = commentBatchStage({
  name: "issue_notes",
  label: "issue comments",
  objectType: "issue_note",
  followsFrom: "issues",
  importNotes: importIssueNotes,
});
