import { importLfsObjects } from "../lfs";
import { defineStage } from "./types";

/** The LFS objects the imported refs point to. */
export const lfsObjectsStage = defineStage({
  name: "lfs_objects",
  label: "LFS objects",
  objectTypes: ["lfs_object"],
  firstUnit: "lfs",
  // Gigabytes of objects take long.
  expireInSeconds: 4 * 3600,
  singleUnit: true,
  async run(ctx) {
    await importLfsObjects(ctx, ctx.sourceRepository());
    return [];
  },
});
