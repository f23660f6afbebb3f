import { createHash } from "node:crypto";
import { db, type Prisma } from "@/lib/db";
import type { SourceComment, SourcePage } from "@/lib/import/sources/types";

export type NoteRow = { sourceId: string; data: Omit<Prisma.NoteUncheckedCreateInput, "sourceId"> };
export type NoteParent = { issueId: number } | { mergeRequestId: number };

export function discussionIdFor(importId: number, kind: string, parentSourceId: string, rootCommentId: number): string {
  return createHash("sha1").update(`${importId}:${kind}:${parentSourceId}:${rootCommentId}`).digest("hex");
}

/** Thread roots: a reply belongs to the discussion of its top-most ancestor. */
export function threadRoots(comments: readonly SourceComment[]): Map<number, number> {
  const byId = new Map(comments.map((comment) => [comment.id, comment]));
  const roots = new Map<number, number>();
  const rootOf = (comment: SourceComment, depth = 0): number => {
    const known = roots.get(comment.id);
    if (known !== undefined) return known;
    const parent = comment.parentId !== null ? byId.get(comment.parentId) : undefined;
    const root = parent && depth < 1000 ? rootOf(parent, depth + 1) : comment.id;
    roots.set(comment.id, root);
    return root;
  };
  for (const comment of comments) rootOf(comment);
  return roots;
}

/** Every comment of one issue or pull request, following the source's pages. */
export async function allComments(fetchPage: (cursor: string | null) => Promise<SourcePage<SourceComment>>): Promise<SourceComment[]> {
  const comments: SourceComment[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetchPage(cursor);
    comments.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return comments;
}

export function inCreationOrder(comments: readonly SourceComment[]): SourceComment[] {
  return [...comments].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
}

/** Writes one parent's notes in one transaction, keyed by source id so a re-run updates them. */
export async function upsertNotes(parent: NoteParent, rows: readonly NoteRow[]): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const row of rows) {
      const data = { ...row.data, ...parent };
      const where =
        "issueId" in parent
          ? { issueId_sourceId: { issueId: parent.issueId, sourceId: row.sourceId } }
          : { mergeRequestId_sourceId: { mergeRequestId: parent.mergeRequestId, sourceId: row.sourceId } };
      await tx.note.upsert({ where, create: { ...data, sourceId: row.sourceId }, update: data });
    }
  });
}
