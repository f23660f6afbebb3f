import { createHash } from "node:crypto";
import type { Prisma } from "@/lib/db";
import type { SourceComment, SourcePage } from "@/lib/import/sources/types";
import pLimit from "p-limit";
import { insertAllMissing, type Columns } from "./bulk-insert";
import { ImportCanceled, type ImportContext } from "./context";
import { addProgress, errorMessage, recordFailure, resolveFailures, writeIsolatingFailures } from "./records";

export type NoteRow = {
  projectId: number;
  issueId?: number;
  mergeRequestId?: number;
  discussionId: string;
  type?: string | null;
  /** A system note (a recorded change or event: labeled, closed, mentioned in…), not a comment. */
  system?: boolean;
  body: string;
  authorId: string;
  position?: Prisma.InputJsonValue;
  createdAt: Date;
  updatedAt: Date;
  importedFrom: string;
  sourceId: string;
  sourceAuthor?: Prisma.InputJsonValue;
};

/** Comments of this many issues or pull requests are fetched at once by one unit (requests are capped per process in context.ts). */
const NOTES_CONCURRENCY = 6;

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

/** Every item (comment, change) of one issue or pull request, following the source's pages. */
export async function allItems<T>(fetchPage: (cursor: string | null) => Promise<SourcePage<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: SourcePage<T> = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

export function inCreationOrder(comments: readonly SourceComment[]): SourceComment[] {
  return [...comments].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
}

export type NoteKind = "pull_request" | "issue";


/** What one unit of a notes stage did, per parent (issue or pull request id). */
export class NotesBatch {
  private readonly failures = new Map<number, string>();
  private readonly written: number[] = [];
  fetched = 0;
  skipped = 0;
  imported = 0;

  constructor(
    private readonly ctx: ImportContext,
    readonly kind: NoteKind,
  ) {}

  fail(parentId: number, error: unknown): void {
    if (error instanceof ImportCanceled) throw error;
    this.failures.set(parentId, errorMessage(error));
  }

  failed(parentId: number): boolean {
    return this.failures.has(parentId);
  }

  /**
   * Fetches the comments (or changes) of every parent, a few parents at once, with a cancel
   * checkpoint before each. A parent whose items cannot be fetched is a failure of that parent only.
   */
  async fetchAll<T>(parentIds: readonly number[], fetchPage: (parentId: number, cursor: string | null) => Promise<SourcePage<T>>): Promise<Map<number, T[]>> {
    const items = new Map<number, T[]>();
    await pLimit(NOTES_CONCURRENCY).map(parentIds, async (parentId) => {
      await this.ctx.checkpoint();
      try {
        const list = await allItems((cursor) => fetchPage(parentId, cursor));
        items.set(parentId, list);
        this.fetched += list.length;
      } catch (error) {
        this.fail(parentId, error);
      }
    });
    return items;
  }

  /**
   * Builds every parent's rows (a parent whose rows cannot be built fails alone), writes them all
   * and records the unit's counters and failures.
   */
  async writeAll(comments: ReadonlyMap<number, SourceComment[]>, rowsOf: (parentId: number, list: SourceComment[]) => Promise<NoteRow[]>): Promise<void> {
    const rowsByParent = new Map<number, NoteRow[]>();
    for (const [parentId, list] of comments) {
      try {
        rowsByParent.set(parentId, await rowsOf(parentId, list));
      } catch (error) {
        this.fail(parentId, error);
      }
    }
    await this.write(rowsByParent);
    await this.record();
  }

  /**
   * Writes every parent's notes: one INSERT … ON CONFLICT DO NOTHING for the whole batch (the
   * unique (parent, source id) keys make a re-run insert only what is missing). If that fails,
   * each parent is written alone so that only the parent with the bad row fails.
   */
  async write(rowsByParent: ReadonlyMap<number, NoteRow[]>): Promise<void> {
    const parents = [...rowsByParent.entries()].filter(([parentId]) => !this.failures.has(parentId));
    await this.ctx.checkpoint();
    // Per parent when the batch fails, so only the parent with the bad row fails.
    const written = await writeIsolatingFailures(
      parents,
      (entries) => insertNotes(entries.flatMap(([, rows]) => rows)),
      ([parentId], error) => this.fail(parentId, error),
    );
    for (const [parentId, rows] of written) this.succeeded(parentId, rows.length);
  }

  private succeeded(parentId: number, rows: number): void {
    this.written.push(parentId);
    this.imported += rows;
  }

  /** Counters and the failure ledger, once per unit. */
  async record(): Promise<void> {
    const objectType = this.kind === "pull_request" ? "pull_request_note" : "issue_note";
    await addProgress(this.ctx.importId, objectType, { fetched: this.fetched, skipped: this.skipped, imported: this.imported, failed: this.failures.size });
    await resolveFailures(this.ctx.importId, objectType, this.written.map((parentId) => `${this.kind}:${parentId}`));
    const label = this.kind === "pull_request" ? "pull request" : "issue";
    for (const [parentId, message] of this.failures) {
      await recordFailure(this.ctx.importId, {
        stage: this.kind === "pull_request" ? "pull_request_notes" : "issue_notes",
        objectType,
        sourceId: `${this.kind}:${parentId}`,
        message: `Comments of ${label} #${parentId}: ${message}`,
      });
    }
  }
}

const NOTE_COLUMNS: Columns<NoteRow> = {
  project_id: { type: "integer", value: (row) => row.projectId },
  issue_id: { type: "integer", value: (row) => row.issueId },
  merge_request_id: { type: "integer", value: (row) => row.mergeRequestId },
  discussion_id: { type: "text", value: (row) => row.discussionId },
  type: { type: "text", value: (row) => row.type },
  system: { type: "boolean", value: (row) => row.system ?? false },
  body: { type: "text", value: (row) => row.body },
  author_id: { type: "text", value: (row) => row.authorId },
  position: { type: "jsonb", value: (row) => row.position },
  created_at: { type: "timestamp", value: (row) => row.createdAt },
  updated_at: { type: "timestamp", value: (row) => row.updatedAt },
  imported_from: { type: "text", value: (row) => row.importedFrom },
  source_id: { type: "text", value: (row) => row.sourceId },
  source_author: { type: "jsonb", value: (row) => row.sourceAuthor },
};

/** Inserts notes that are not there yet (keyed by parent and source id), all or none. */
export async function insertNotes(rows: readonly NoteRow[]): Promise<void> {
  await insertAllMissing("notes", NOTE_COLUMNS, rows);
}
