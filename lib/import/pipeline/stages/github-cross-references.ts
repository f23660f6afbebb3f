import { importCrossReferences, referencedItems } from "../github/cross-references";
import { githubBatchStage } from "./github-batches";

/** "Mentioned in" notes from the timelines of the items others refer to (the event listing lacks cross-references). */
export const githubCrossReferencesStage = githubBatchStage({
  name: "github_cross_references",
  label: "cross-references",
  objectType: "issue_event",
  items: (ctx) => referencedItems(ctx),
  importBatch: importCrossReferences,
});
