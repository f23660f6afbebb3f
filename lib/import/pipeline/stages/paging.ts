import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import type { SourcePage } from "@/lib/import/sources/types";
import type { ImportContext } from "../context";
import type { ObjectType } from "../records";
import { TextConverter } from "../text";
import { defineStage, type FollowUp, type StageDefinition, type UnitScheduler, type WorkUnit } from "./types";

/** Issues or pull requests whose comments one unit imports (fetched a few at once, written in one statement). */
const NOTES_BATCH = 25;

/** Pages created ahead from the first page (`fanOut`) do not chain to the next one, except the last, which continues if the listing grew. */
const pagePayload = z.object({ fanOut: z.boolean().optional(), last: z.boolean().optional() });

export const FIRST_PAGE = "page:1";

function pageNumber(key: string): number {
  return Number(key.split(":")[1] ?? 1);
}

/**
 * One page of a paged stage. The first page starts every later page at once when the source can
 * tell their cursors; otherwise each page starts the next. A page computed ahead that no longer
 * exists (items deleted meanwhile) is empty, not a failure.
 */
export async function fetchListingPage<T>(unit: WorkUnit, scheduler: UnitScheduler, fetchPage: (cursor: string | null) => Promise<SourcePage<T>>): Promise<SourcePage<T>> {
  const payload = pagePayload.safeParse(unit.payload).data ?? {};
  let page: SourcePage<T>;
  try {
    page = await fetchPage(unit.cursor);
  } catch (error) {
    if (payload.fanOut && (error as { code?: string } | null)?.code === "not_found") return { items: [], next: null, total: null };
    throw error;
  }
  const number = pageNumber(unit.key);
  const following = page.following ?? [];
  if (following.length > 0 && !payload.fanOut) {
    await scheduler.startUnits(following.map((cursor, index) => ({ key: `page:${number + 1 + index}`, cursor, payload: { fanOut: true, last: index === following.length - 1 } })));
  } else if (page.next && (!payload.fanOut || payload.last)) {
    await scheduler.startUnits([{ key: `page:${number + 1}`, cursor: page.next, payload: {} }]);
  }
  return page;
}

/** A paged stage re-runs from its first page; later pages are recreated as the walk proceeds. */
export async function restartFromFirstPage(tx: Prisma.TransactionClient, importId: number, stage: string): Promise<void> {
  await tx.importWorkUnit.deleteMany({ where: { importId, stage, NOT: { key: FIRST_PAGE } } });
  await tx.importWorkUnit.updateMany({ where: { importId, stage }, data: { cursor: null } });
}

const notesPayload = z.object({ ids: z.array(z.number().int()), done: z.array(z.number().int()).default([]) });

/** The comment batches of one page: units of `stage` keyed under the page's key. */
export function notesFollowUps(stage: string, pageKey: string, ids: readonly number[], perBatch = NOTES_BATCH): FollowUp[] {
  const units: FollowUp[] = [];
  for (let index = 0; index < ids.length; index += perBatch) {
    units.push({ stage, key: `${pageKey}:${index / perBatch}`, payload: { ids: ids.slice(index, index + perBatch), done: [] } });
  }
  return units;
}

/** The ids a comment batch still has to import. */
export function pendingNoteParents(unit: WorkUnit): number[] {
  const payload = notesPayload.parse(unit.payload);
  const done = new Set(payload.done);
  return payload.ids.filter((id) => !done.has(id));
}

/** Records parents a batch has imported, so that its next run (after a rate-limit wait) leaves them out. */
export async function markNoteParentsDone(unit: WorkUnit, ids: readonly number[]): Promise<void> {
  const payload = notesPayload.parse(unit.payload);
  await db.importWorkUnit.update({ where: { id: unit.id }, data: { payload: { ids: payload.ids, done: [...new Set([...payload.done, ...ids])] } } });
}

/** A stage of comment batches, each created by a page of `followsFrom` for the items on it. */
export function commentBatchStage(options: {
  name: string;
  label: string;
  objectType: ObjectType;
  followsFrom: string;
  importNotes: (ctx: ImportContext, text: TextConverter, parentIds: readonly number[]) => Promise<void>;
}): StageDefinition {
  return defineStage({
    name: options.name,
    label: options.label,
    objectTypes: [options.objectType],
    firstUnit: null,
    followsFrom: options.followsFrom,
    async run(ctx, unit) {
      const text = await TextConverter.forContext(ctx, ctx.sourceRepository().webUrl);
      await options.importNotes(ctx, text, pendingNoteParents(unit));
      return [];
    },
    resetForRerun: (tx, importId) => reopenNoteBatches(tx, importId, options.name),
  });
}

/** A comment batch re-runs whole. */
export async function reopenNoteBatches(tx: Prisma.TransactionClient, importId: number, stage: string): Promise<void> {
  const units = await tx.importWorkUnit.findMany({ where: { importId, stage } });
  for (const unit of units) {
    const payload = unit.payload as { ids?: number[] };
    await tx.importWorkUnit.update({ where: { id: unit.id }, data: { payload: { ids: payload.ids ?? [], done: [] } } });
  }
}
