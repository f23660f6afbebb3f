import { syncLfsObjects } from "@/lib/import/sync/git";
import { activeSync } from "./sync-paging";
import { defineStage } from "./types";

/** LFS objects of pointers that are new since the last import or sync. */
export const syncLfsObjectsStage = defineStage({
  name: "sync_lfs_objects",
  label: "syncing LFS objects",
  objectTypes: [],
  firstUnit: "lfs",
  expireInSeconds: 4 * 3600,
  singleUnit: true,
  async run(ctx) {
    await syncLfsObjects(ctx, activeSync(ctx));
    return [];
  },
});
