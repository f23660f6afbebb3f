import { markDeletedGitHubComments, syncGitHubEvents } from "@/lib/import/sync/github";
import { GITHUB_SYNC_ITEMS_STAGE } from "./github-sync-items";
import { activeSync } from "./sync-paging";
import { defineStage } from "./types";

/** Comments deleted at the source, found by the comment counts of the items this sync read, marked deleted. */
export const githubSyncRemovedCommentsStage = defineStage({
  name: "github_sync_removed_comments",
  label: "looking for deleted comments",
  objectTypes: [],
  firstUnit: "removed",
  singleUnit: true,
  async run(ctx) {
    await markDeletedGitHubComments(ctx, activeSync(ctx), GITHUB_SYNC_ITEMS_STAGE);
    return [];
  },
});

/** Events since the event watermark as system notes (who merged or closed included). */
export const githubSyncEventsStage = defineStage({
  name: "github_sync_events",
  label: "syncing events",
  objectTypes: [],
  firstUnit: "events",
  singleUnit: true,
  async run(ctx) {
    await syncGitHubEvents(ctx, activeSync(ctx));
    return [];
  },
});
