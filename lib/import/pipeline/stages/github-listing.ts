import type { Page } from "@/lib/import/sources/github";
import type { ImportContext } from "../context";
import type { ObjectType } from "../records";
import { FIRST_PAGE, fetchListingPage, restartFromFirstPage } from "./paging";
import { defineStage, type FollowUp, type StageDefinition, type WorkUnit } from "./types";

/**
 * A stage that walks one of GitHub's repository-wide listings page by page (the first page starts
 * every later page at once when GitHub tells the last one); each page is written as it arrives.
 */
export function githubListingStage<T>(options: {
  name: string;
  label: string;
  objectType: ObjectType;
  fetchPage: (ctx: ImportContext, cursor: string | null) => Promise<Page<T>>;
  importPage: (ctx: ImportContext, items: T[], unit: WorkUnit) => Promise<FollowUp[] | void>;
  /** The import does not walk this listing (an option reads the same data another way). */
  skip?: (ctx: ImportContext) => boolean;
}): StageDefinition {
  return defineStage({
    name: options.name,
    label: options.label,
    objectTypes: [options.objectType],
    firstUnit: FIRST_PAGE,
    async run(ctx, unit, scheduler) {
      if (options.skip?.(ctx)) return [];
      const page = await fetchListingPage(unit, scheduler, (cursor) => options.fetchPage(ctx, cursor).then((result) => ({ ...result, total: null })));
      return (await options.importPage(ctx, page.items, unit)) ?? [];
    },
    resetForRerun: (tx, importId) => restartFromFirstPage(tx, importId, options.name),
  });
}
