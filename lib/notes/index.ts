import { db, type Prisma } from "@/lib/db";
import { loadPage, type PageOptions, type Paged } from "@/lib/db/paging";
import { personSelect } from "@/lib/users/people";

/** Notes on issues and merge requests, and the threads (discussions) they form. */

export const noteSelect = {
  id: true,
  discussionId: true,
  type: true,
  body: true,
  system: true,
  position: true,
  createdAt: true,
  updatedAt: true,
  importedFrom: true,
  sourceId: true,
  sourceAuthor: true,
  author: { select: personSelect },
} satisfies Prisma.NoteSelect;

export type NoteItem = Prisma.NoteGetPayload<{ select: typeof noteSelect }>;

/** The issue or merge request the notes are on. */
export type NoteTarget = { issueId: number } | { mergeRequestId: number };

/** Where a diff note sits: the file and the old/new line (either may be missing), and the shas it was written against when stored. */
export type NotePosition = { path: string; oldLine: number | null; newLine: number | null; baseSha: string | null; headSha: string | null };

export type Discussion<N = NoteItem> = {
  id: string;
  /** The first note, then the replies, oldest first. */
  notes: [N, ...N[]];
  /** The diff position of the thread (from its first diff note), or null for a plain discussion. */
  position: NotePosition | null;
};

function lineNumber(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  if (typeof value === "string" && /^\d+$/.test(value) && Number(value) > 0) return Number(value);
  return null;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** Reads a note's `position` JSON ({path, oldLine, newLine, baseSha, headSha}); null when there is no usable path. */
export function parseNotePosition(value: unknown): NotePosition | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const filePath = nonEmptyString(record.path) ?? nonEmptyString(record.newPath) ?? nonEmptyString(record.oldPath);
  if (!filePath) return null;
  return {
    path: filePath,
    oldLine: lineNumber(record.oldLine),
    newLine: lineNumber(record.newLine),
    baseSha: nonEmptyString(record.baseSha),
    headSha: nonEmptyString(record.headSha),
  };
}

/** "src/app.ts · line 5" (the new line, else the old one). */
export function describePosition(position: Pick<NotePosition, "path" | "oldLine" | "newLine">): string {
  if (position.newLine !== null) return `${position.path} · line ${position.newLine}`;
  if (position.oldLine !== null) return `${position.path} · line ${position.oldLine} (removed)`;
  return position.path;
}

function byTime<N extends { createdAt: Date; id: number }>(a: N, b: N): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;
}

/**
 * Groups notes into threads by discussionId: threads ordered by their first note, notes in a
 * thread oldest first. A thread's position comes from its first note that has one.
 */
export function groupDiscussions<N extends { id: number; discussionId: string; createdAt: Date; position: unknown }>(notes: readonly N[]): Discussion<N>[] {
  const threads = new Map<string, N[]>();
  for (const note of [...notes].sort(byTime)) {
    const thread = threads.get(note.discussionId);
    if (thread) thread.push(note);
    else threads.set(note.discussionId, [note]);
  }
  return [...threads.entries()].map(([id, thread]) => ({
    id,
    notes: thread as [N, ...N[]],
    position: thread.map((note) => parseNotePosition(note.position)).find((position) => position !== null) ?? null,
  }));
}

/** Notes shown: those deleted at the source after the import are kept for the record, hidden like comments deleted before it. */
function shown(target: NoteTarget) {
  return { ...target, deletedAtSource: null };
}

/** Every note on the target, oldest first. */
export async function listAllNotes(target: NoteTarget): Promise<NoteItem[]> {
  return db.note.findMany({ where: shown(target), select: noteSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

/** The target's notes as threads. */
export async function listDiscussions(target: NoteTarget): Promise<Discussion[]> {
  return groupDiscussions(await listAllNotes(target));
}

export type NoteOrder = { orderBy?: "created_at" | "updated_at"; sort?: "asc" | "desc" };

/** One page of the target's notes, newest first unless asked otherwise. */
export async function listNotes(target: NoteTarget, options: NoteOrder & PageOptions): Promise<Paged<NoteItem>> {
  const direction = options.sort ?? "desc";
  const field = options.orderBy === "updated_at" ? "updatedAt" : "createdAt";
  return loadPage(
    options,
    (range) => db.note.findMany({ where: shown(target), select: noteSelect, orderBy: [{ [field]: direction }, { id: direction }], ...range }),
    () => db.note.count({ where: shown(target) }),
  );
}
