import { z } from "zod";
import type { ImportContext } from "../context";
import type { ObjectType } from "../records";
import { defineStage, type StageDefinition } from "./types";

const ITEMS_PER_UNIT = 25;
const batchPayload = z.object({ ids: z.array(z.number().int()) });

/**
 * A stage of per-item requests: its first unit decides which items need them and starts one unit
 * per batch of items, which make the requests and write what they bring.
 */
export function githubBatchStage(options: {
  name: string;
  label: string;
  objectType: ObjectType;
  items: (ctx: ImportContext) => Promise<number[]>;
  importBatch: (ctx: ImportContext, numbers: readonly number[]) => Promise<void>;
}): StageDefinition {
  return defineStage({
    name: options.name,
    label: options.label,
    objectTypes: [options.objectType],
    firstUnit: "plan",
    async run(ctx, unit, scheduler) {
      if (unit.key !== "plan") {
        await options.importBatch(ctx, batchPayload.parse(unit.payload).ids);
        return [];
      }
      const items = await options.items(ctx);
      const batches = [];
      for (let index = 0; index < items.length; index += ITEMS_PER_UNIT) {
        batches.push({ key: `batch:${index / ITEMS_PER_UNIT}`, cursor: null, payload: { ids: items.slice(index, index + ITEMS_PER_UNIT) } });
      }
      await scheduler.startUnits(batches);
      return [];
    },
  });
}
