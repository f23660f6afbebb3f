import { GITHUB_SYNC_METADATA_STAGE, syncGitHubMetadata } from "@/lib/import/sync/github";
import { activeSync } from "./sync-paging";
import { defineStage } from "./types";

/** Labels, milestones and releases as GitHub has them now (one listing each). */
export const githubSyncMetadataStage = defineStage({
  name: GITHUB_SYNC_METADATA_STAGE,
  label: "syncing labels, milestones and releases",
  objectTypes: [],
  firstUnit: "metadata",
  singleUnit: true,
  async run(ctx, unit) {
    await syncGitHubMetadata(ctx, activeSync(ctx), unit.id);
    return [];
  },
});
