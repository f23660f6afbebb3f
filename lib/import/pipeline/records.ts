import { db } from "@/lib/db";

export type ObjectType =
  | "repository"
  | "wiki"
  | "label"
  | "milestone"
  | "user"
  | "pull_request"
  | "pull_request_note"
  | "approval"
  | "issue"
  | "issue_note"
  | "lfs_object"
  | "release"
  | "pull_request_review"
  | "diff_note"
  | "note"
  | "issue_event"
  | "protected_branch"
  | "collaborator"
  | "attachment";

type Counts = { total?: number | null; fetched?: number; imported?: number; failed?: number; skipped?: number };

/** Adds to the per-type counters (total is set, not added, when given). */
export async function addProgress(importId: number, objectType: ObjectType, counts: Counts): Promise<void> {
  const increments = {
    fetched: counts.fetched ?? 0,
    imported: counts.imported ?? 0,
    failed: counts.failed ?? 0,
    skipped: counts.skipped ?? 0,
  };
  await db.importProgress.upsert({
    where: { importId_objectType: { importId, objectType } },
    create: { importId, objectType, total: counts.total ?? null, ...increments },
    update: {
      ...(counts.total !== undefined ? { total: counts.total } : {}),
      fetched: { increment: increments.fetched },
      imported: { increment: increments.imported },
      failed: { increment: increments.failed },
      skipped: { increment: increments.skipped },
    },
  });
}

export async function recordFailure(
  importId: number,
  failure: { stage: string; objectType: ObjectType; sourceId: string; sourceUrl?: string | null; message: string },
): Promise<void> {
  await db.importFailure.upsert({
    where: { importId_objectType_sourceId: { importId, objectType: failure.objectType, sourceId: failure.sourceId } },
    create: { importId, ...failure, sourceUrl: failure.sourceUrl ?? null },
    update: { message: failure.message, stage: failure.stage, attempts: { increment: 1 }, resolvedAt: null },
  });
}

/** An item that failed before and now imported: its ledger row is resolved. */
export async function resolveFailure(importId: number, objectType: ObjectType, sourceId: string): Promise<boolean> {
  const { count } = await db.importFailure.updateMany({
    where: { importId, objectType, sourceId, resolvedAt: null },
    data: { resolvedAt: new Date() },
  });
  return count > 0;
}

/** `resolveFailure` for a page or batch of items at once: one statement, nothing to do when none failed before. */
export async function resolveFailures(importId: number, objectType: ObjectType, sourceIds: readonly string[]): Promise<void> {
  if (sourceIds.length === 0) return;
  await db.importFailure.updateMany({
    where: { importId, objectType, sourceId: { in: [...sourceIds] }, resolvedAt: null },
    data: { resolvedAt: new Date() },
  });
}

export async function addMessage(importId: number, severity: "info" | "warning" | "error", code: string, message: string): Promise<void> {
  await db.importMessage.upsert({
    where: { importId_code: { importId, code } },
    create: { importId, severity, code, message },
    update: { severity, message },
  });
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Writes a page's rows with one statement; if that fails, writes them one by one so that only the
 * bad rows fail (each reported to `onFailure`). Returns the rows written.
 */
export async function writeIsolatingFailures<Row>(
  rows: readonly Row[],
  write: (rows: readonly Row[]) => Promise<unknown>,
  onFailure: (row: Row, error: unknown) => void,
): Promise<Row[]> {
  if (rows.length === 0) return [];
  try {
    await write(rows);
    return [...rows];
  } catch (batchError) {
    if (rows.length === 1) {
      onFailure(rows[0]!, batchError);
      return [];
    }
    const written: Row[] = [];
    for (const row of rows) {
      try {
        await write([row]);
        written.push(row);
      } catch (error) {
        onFailure(row, error);
      }
    }
    return written;
  }
}
