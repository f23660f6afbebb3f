import { z } from "zod";
import { importCrossReferences, referencedItems } from "../github/cross-references";
import { defineStage } from "./types";

const TIMELINES_PER_UNIT = 25;
const batchPayload = z.object({ ids: z.array(z.number().int()) });

/** "Mentioned in" notes: the first unit finds the items others refer to and starts one unit per batch of their timelines. */
export const githubCrossReferencesStage = defineStage({
  name: "github_cross_references",
  label: "cross-references",
  objectTypes: ["issue_event"],
  firstUnit: "scan",
  async run(ctx, unit, scheduler) {
    if (unit.key !== "scan") {
      await importCrossReferences(ctx, batchPayload.parse(unit.payload).ids);
      return [];
    }
    const targets = await referencedItems(ctx);
    const batches = [];
    for (let index = 0; index < targets.length; index += TIMELINES_PER_UNIT) {
      batches.push({ key: `timelines:${index / TIMELINES_PER_UNIT}`, cursor: null, payload: { ids: targets.slice(index, index + TIMELINES_PER_UNIT) } });
    }
    await scheduler.startUnits(batches);
    return [];
  },
});
