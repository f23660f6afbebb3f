import { importCrossReferences, referencedItems } from "../github/cross-references";
import { githubBatchStage } from "./github-batches";

/** "Mentioned in" notes on the items only review bodies refer to: the reviews are written after the first reading of the timelines starts. */
export const githubReviewCrossReferencesStage = githubBatchStage({
  name: "github_review_cross_references",
  label: "cross-references from reviews",
  objectType: "issue_event",
  items: (ctx) => referencedItems(ctx, true),
  importBatch: importCrossReferences,
});
