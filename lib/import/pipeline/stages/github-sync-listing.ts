import type { Page } from "@/lib/import/sources/github";
import type { Stamped } from "@/lib/import/sync/github";
import type { WatermarkType } from "@/lib/import/sync/records";
import type { ImportContext } from "../context";
import { FIRST_PAGE } from "./paging";
import { activeSync, syncListingPage } from "./sync-paging";
import { defineStage, type StageDefinition, type WorkUnit } from "./types";

/** A sync stage that walks one of GitHub's listings filtered with `since=<watermark>`, oldest update first, a page per unit. */
export function githubSyncListingStage<T>(options: {
  name: string;
  label: string;
  watermark: WatermarkType;
  fetchPage: (ctx: ImportContext, since: string) => Promise<Page<Stamped<T>>>;
  write: (ctx: ImportContext, syncId: number, unit: WorkUnit, values: T[]) => Promise<void>;
}): StageDefinition {
  return defineStage({
    name: options.name,
    label: options.label,
    objectTypes: [],
    firstUnit: FIRST_PAGE,
    async run(ctx, unit, scheduler) {
      await syncListingPage(
        ctx,
        unit,
        scheduler,
        options.watermark,
        async (since) => ({ ...(await options.fetchPage(ctx, since)), total: null }),
        (items) => options.write(ctx, activeSync(ctx), unit, items.map((item) => item.value)),
      );
      return [];
    },
  });
}
