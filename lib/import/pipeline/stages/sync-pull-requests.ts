import { canSync } from "@/lib/import/sources/types";
import { syncPullRequests } from "@/lib/import/sync/pull-requests";
import { TextConverter } from "../text";
import { FIRST_PAGE } from "./paging";
import { activeSync, collectedActivity, syncListingPage } from "./sync-paging";
import { defineStage } from "./types";

/** Pull requests updated since the watermark, a page per unit, with their comments and approvals. */
export const syncPullRequestsStage = defineStage({
  name: "sync_pull_requests",
  label: "syncing pull requests",
  objectTypes: [],
  firstUnit: FIRST_PAGE,
  async run(ctx, unit, scheduler) {
    const source = ctx.source;
    if (!canSync(source)) return [];
    const text = await TextConverter.forContext(ctx, ctx.sourceRepository().webUrl);
    const activity = await collectedActivity(ctx.importId);
    await syncListingPage(ctx, unit, scheduler, "pull_request", (since) => source.pullRequestsUpdatedSince(since), (items) =>
      syncPullRequests(ctx, activeSync(ctx), text, items, activity),
    );
    return [];
  },
});
