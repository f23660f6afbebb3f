import { syncRefs } from "@/lib/import/sync/git";
import { activeSync } from "./sync-paging";
import { defineStage } from "./types";

/** Every ref as the source has it now: new, moved and force-pushed branches and tags; deleted branches deleted, except the default. */
export const syncRepositoryStage = defineStage({
  name: "sync_repository",
  label: "syncing the repository",
  objectTypes: [],
  firstUnit: "refs",
  expireInSeconds: 4 * 3600,
  essential: true,
  singleUnit: true,
  async run(ctx) {
    await syncRefs(ctx, activeSync(ctx));
    return [];
  },
});
