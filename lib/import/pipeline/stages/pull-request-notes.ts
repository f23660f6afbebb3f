import { importPullRequestNotes } from "../pull-requests";
import { commentBatchStage } from "./paging";

/** The comments of a batch of pull requests, created by their page of the pull request stage. */
export const pullRequestNotesStage = commentBatchStage({
  name: "pull_request_notes",
  label: "pull request comments",
  objectType: "pull_request_note",
  followsFrom: "pull_requests",
  importNotes: importPullRequestNotes,
});
