import { stampedItem, syncGitHubItems } from "@/lib/import/sync/github";
import { githubSyncListingStage } from "./github-sync-listing";

export const GITHUB_SYNC_ITEMS_STAGE = "github_sync_items";

/** Issues and pull requests updated since the watermark (GitHub lists both in one listing), a page per unit. */
export const githubSyncItemsStage = githubSyncListingStage({
  name: GITHUB_SYNC_ITEMS_STAGE,
  label: "syncing issues and pull requests",
  watermark: "item",
  fetchPage: async (ctx, since) => {
    const page = await ctx.github.itemsUpdatedSince(since);
    return { ...page, items: page.items.map(stampedItem) };
  },
  write: (ctx, syncId, unit, items) => syncGitHubItems(ctx, syncId, unit.id, items),
});
