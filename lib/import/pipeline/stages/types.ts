import type { Prisma } from "@/lib/db";
import type { ImportContext } from "../context";
import type { ObjectType } from "../records";

/** A row of the work-unit ledger: what one job of a stage does, and how far it got (done, cursor, payload). */
export type WorkUnit = Prisma.ImportWorkUnitGetPayload<object>;

/** A unit a running unit creates for a later stage (e.g. a page's comment batches). */
export type FollowUp = { stage: string; key: string; cursor?: string | null; payload?: Prisma.InputJsonValue };

/** What the scheduler offers a running unit. */
export type UnitScheduler = {
  /** Creates (once) and queues more units of the unit's own stage, e.g. the pages after this one. */
  startUnits(units: ReadonlyArray<{ key: string; cursor: string | null; payload: Prisma.InputJsonValue }>): Promise<void>;
};

/**
 * One stage of an import: what it is called, what it counts, how its units are planned and how
 * one unit runs. The scheduler (../scheduler.ts) knows nothing else about stages.
 */
export type StageDefinition = {
  name: string;
  /** Shown while the stage runs, e.g. "pull requests". */
  label: string;
  /** The progress object types the stage writes; the first is the one its status counts show. Rebuilt when the stage re-runs. */
  objectTypes: readonly ObjectType[];
  /**
   * The key of the unit the stage begins with, or null when its units are follow-ups created by
   * the units of an earlier stage (`followsFrom`).
   */
  firstUnit: string | null;
  /**
   * For follow-up stages: the stage whose units create this stage's units. A follow-up may run as
   * soon as the unit that created it is done, while its creator's stage or any stage between it
   * and the follow-up's own place in the table runs (a page's comments are imported while later
   * pages load).
   */
  followsFrom?: string;
  /**
   * The stage's units mostly wait on per-item requests: they run on workers of their own
   * (IMPORT_BACKGROUND_CONCURRENCY), so that placed a few stages after `followsFrom` they keep
   * the source's request limit busy beside those stages without taking the workers they write with.
   */
  background?: boolean;
  /** How long one unit may run before pg-boss gives it to another worker (default 30 minutes). */
  expireInSeconds?: number;
  /** A failed unit of this stage fails the whole import instead of being recorded and skipped. */
  essential?: boolean;
  /**
   * The stage is one unit that does all its work again on every run (after a crash, a retry, a
   * resume): its counters restart with each run instead of counting the work twice.
   */
  singleUnit?: boolean;
  /** Runs one unit; returns the follow-ups it creates. */
  run(ctx: ImportContext, unit: WorkUnit, scheduler: UnitScheduler): Promise<FollowUp[]>;
  /** Prepares the ledger for a re-run of the stage (retry of failed items); by default its units are only reopened. */
  resetForRerun?(tx: Prisma.TransactionClient, importId: number): Promise<void>;
};

export function defineStage(definition: StageDefinition): StageDefinition {
  return definition;
}
