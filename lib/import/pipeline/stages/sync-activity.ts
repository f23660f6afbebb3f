import { db, type Prisma } from "@/lib/db";
import { canSync, type SourceActivity } from "@/lib/import/sources/types";
import { readWatermark } from "@/lib/import/sync/records";
import { ACTIVITY_STAGE, ACTIVITY_UNIT } from "./sync-paging";
import { defineStage } from "./types";

/**
 * The source's pull request activity feed since the pull request watermark, newest first, kept
 * for the pull request pages: where it explains a pull request's changes, its comments are not
 * read again. A source without such a feed skips this stage.
 */
export const syncActivityStage = defineStage({
  name: ACTIVITY_STAGE,
  label: "reading pull request activity",
  objectTypes: [],
  firstUnit: ACTIVITY_UNIT,
  singleUnit: true,
  async run(ctx, unit) {
    const source = ctx.source;
    if (!canSync(source) || !source.pullRequestActivityPage) {
      await db.importWorkUnit.update({ where: { id: unit.id }, data: { payload: { entries: null } } });
      return [];
    }
    const since = Date.parse((await readWatermark(ctx.importId, "pull_request")).since);
    const entries: SourceActivity[] = [];
    let cursor: string | null = null;
    do {
      await ctx.checkpoint();
      const page = await source.pullRequestActivityPage(cursor);
      const recent = page.items.filter((entry) => Date.parse(entry.date) >= since);
      entries.push(...recent);
      cursor = recent.length === page.items.length ? page.next : null;
    } while (cursor);
    await db.importWorkUnit.update({ where: { id: unit.id }, data: { payload: { entries } as unknown as Prisma.InputJsonValue } });
    return [];
  },
});
