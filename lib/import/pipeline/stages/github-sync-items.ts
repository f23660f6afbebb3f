import { stampedItem, syncGitHubItems } from "@/lib/import/sync/github";
import { FIRST_PAGE } from "./paging";
import { activeSync, syncListingPage } from "./sync-paging";
import { defineStage } from "./types";

export const GITHUB_SYNC_ITEMS_STAGE = "github_sync_items";

/** Issues and pull requests updated since the watermark (GitHub lists both in one listing), a page per unit. */
export const githubSyncItemsStage = defineStage({
  name: GITHUB_SYNC_ITEMS_STAGE,
  label: "syncing issues and pull requests",
  objectTypes: [],
  firstUnit: FIRST_PAGE,
  async run(ctx, unit, scheduler) {
    await syncListingPage(
      ctx,
      unit,
      scheduler,
      "item",
      async (since) => {
        const page = await ctx.github.itemsUpdatedSince(since);
        return { items: page.items.map(stampedItem), next: page.next, total: null };
      },
      (items) => syncGitHubItems(ctx, activeSync(ctx), unit.id, items.map((item) => item.value)),
    );
    return [];
  },
});
