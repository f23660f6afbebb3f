import { addMessage } from "@/lib/import/pipeline/records";
import { canSync, SourceFeatureUnavailable } from "@/lib/import/sources/types";
import { issuesCameFromArchive, syncIssues } from "@/lib/import/sync/issues";
import { TextConverter } from "../text";
import { FIRST_PAGE } from "./paging";
import { activeSync, syncListingPage } from "./sync-paging";
import { defineStage } from "./types";

/**
 * Issues updated since the watermark, a page per unit. Where the source no longer serves issues,
 * or they came from an export archive, every issue is left as it is.
 */
export const syncIssuesStage = defineStage({
  name: "sync_issues",
  label: "syncing issues",
  objectTypes: [],
  firstUnit: FIRST_PAGE,
  async run(ctx, unit, scheduler) {
    const source = ctx.source;
    if (!canSync(source) || !ctx.sourceRepository().hasIssues) return [];
    if (await issuesCameFromArchive(ctx.project.id)) {
      await addMessage(ctx.importId, "info", "sync_issues_archive", "Issues came from an export archive: syncs leave them as they are.");
      return [];
    }
    const text = await TextConverter.forContext(ctx, ctx.sourceRepository().webUrl);
    try {
      await syncListingPage(ctx, unit, scheduler, "issue", (since) => source.issuesUpdatedSince(since), (items) => syncIssues(ctx, activeSync(ctx), text, items));
    } catch (error) {
      if (!(error instanceof SourceFeatureUnavailable)) throw error;
      await addMessage(ctx.importId, "info", "sync_issues_unavailable", `Issues left as they are: ${error.message}.`);
    }
    return [];
  },
});
