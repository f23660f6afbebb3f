import { db } from "@/lib/db";
import { ImportContext, type ImportRow } from "./context";

/**
 * One context per running stage of an import in this process, shared by the stage's units: its
 * source (with the token) and its user lookups are reused instead of rebuilt for every unit.
 */
const CONTEXT_IDLE_MS = 10 * 60_000;
const contexts = new Map<string, { ctx: ImportContext; usedAt: number }>();

export async function readImport(importId: number): Promise<ImportRow | null> {
  return db.projectImport.findUnique({ where: { id: importId }, include: { project: true } });
}

/** The stage's context, handed the import row just read. */
export function contextFor(row: ImportRow, stage: string): ImportContext {
  const now = Date.now();
  for (const [key, entry] of contexts) if (now - entry.usedAt > CONTEXT_IDLE_MS) contexts.delete(key);
  // The creation time tells an import from an earlier one with the same id (a database reset).
  const key = `${row.id}:${stage}:${row.createdAt.getTime()}`;
  const cached = contexts.get(key);
  if (cached) {
    cached.ctx.update(row);
    cached.usedAt = now;
    return cached.ctx;
  }
  const ctx = new ImportContext(row);
  contexts.set(key, { ctx, usedAt: now });
  return ctx;
}

/** Drops the import's contexts (of one stage): a stage that starts again reads users and mappings afresh. */
export function forgetContexts(importId: number, stage?: string): void {
  for (const key of contexts.keys()) {
    if (key.startsWith(stage ? `${importId}:${stage}:` : `${importId}:`)) contexts.delete(key);
  }
}
