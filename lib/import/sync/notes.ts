import { db, Prisma } from "@/lib/db";
import type { SourceComment } from "@/lib/import/sources/types";
import { insertNotes, type NoteRow } from "@/lib/import/pipeline/notes";

export type ExistingNote = { id: number; sourceId: string | null; body: string; updatedAt: Date; deletedAtSource: Date | null; type?: string | null; position?: Prisma.JsonValue | null };

function samePlace(note: ExistingNote, row: NoteRow): boolean {
  if (note.type === undefined) return true;
  return (note.type ?? null) === (row.type ?? null) && JSON.stringify(note.position ?? null) === JSON.stringify(row.position ?? null);
}

export type NoteChanges = { created: number; updated: number; removed: number };

/**
 * Brings one parent's imported notes in line with its comments at the source: new ones
 * inserted, edited ones updated in place, deleted ones (flagged, or, with `complete`, missing
 * from the list) marked deleted at the source and kept.
 */
export async function reconcileNotes(
  rows: readonly NoteRow[],
  comments: ReadonlyArray<{ id: SourceComment["id"] | string; deleted?: SourceComment["deleted"] }>,
  existing: readonly ExistingNote[],
  complete: boolean,
): Promise<NoteChanges> {
  const bySource = new Map(existing.map((note) => [note.sourceId, note]));
  const fresh = rows.filter((row) => !bySource.has(row.sourceId));
  await insertNotes(fresh);
  let updated = 0;
  for (const row of rows) {
    const note = bySource.get(row.sourceId);
    if (!note || (note.body === row.body && note.updatedAt.getTime() === row.updatedAt.getTime() && !note.deletedAtSource && samePlace(note, row))) continue;
    const placed = note.type === undefined ? {} : { type: row.type ?? null, position: row.position ?? Prisma.DbNull };
    await db.note.update({ where: { id: note.id }, data: { body: row.body, updatedAt: row.updatedAt, deletedAtSource: null, ...placed } });
    if (note.body !== row.body || note.updatedAt.getTime() !== row.updatedAt.getTime() || note.deletedAtSource) updated++;
  }
  const listed = new Set(comments.map((comment) => String(comment.id)));
  const deleted = new Set(comments.filter((comment) => comment.deleted).map((comment) => String(comment.id)));
  const gone = existing.filter((note) => !note.deletedAtSource && note.sourceId !== null && (deleted.has(note.sourceId) || (complete && !listed.has(note.sourceId))));
  if (gone.length > 0) await db.note.updateMany({ where: { id: { in: gone.map((note) => note.id) } }, data: { deletedAtSource: new Date() } });
  return { created: fresh.length, updated, removed: gone.length };
}
