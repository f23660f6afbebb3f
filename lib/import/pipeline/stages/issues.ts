import { SourceFeatureUnavailable } from "@/lib/import/sources/types";
import { importIssues } from "../issues";
import { addProgress } from "../records";
import { reportIssuesUnavailable } from "../repository-stage";
import { TextConverter } from "../text";
import { FIRST_PAGE, fetchListingPage, notesFollowUps, restartFromFirstPage } from "./paging";
import { defineStage } from "./types";

/** Issues page by page; a repository without an issue tracker (or one Bitbucket removed) is a visible skip. */
export const issuesStage = defineStage({
  name: "issues",
  label: "issues",
  objectTypes: ["issue"],
  firstUnit: FIRST_PAGE,
  async run(ctx, unit, scheduler) {
    const repository = ctx.sourceRepository();
    if (!repository.hasIssues) {
      await reportIssuesUnavailable(ctx, new SourceFeatureUnavailable("issues", repository.noIssuesReason ?? "the repository has no issue tracker"));
      return [];
    }
    const text = await TextConverter.forContext(ctx, repository.webUrl);
    try {
      const page = await fetchListingPage(unit, scheduler, (cursor) => ctx.source.issuesPage(cursor));
      await addProgress(ctx.importId, "issue", { total: page.total ?? undefined, fetched: page.items.length });
      await importIssues(ctx, text, page.items);
      return notesFollowUps("issue_notes", unit.key, page.items.map((issue) => issue.id));
    } catch (error) {
      if (!(error instanceof SourceFeatureUnavailable)) throw error;
      await reportIssuesUnavailable(ctx, error);
      return [];
    }
  },
  resetForRerun: (tx, importId) => restartFromFirstPage(tx, importId, "issues"),
});
