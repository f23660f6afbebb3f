import { createHash } from "node:crypto";
import path from "node:path";
import { config } from "@/lib/config";
import { db, type DbTransaction, type Prisma } from "@/lib/db";
import type { MentionTarget } from "@/lib/import/content";
import { changeValue, isClosedIssueState, issueLabelsFor } from "@/lib/import/issue-mapping";
import { ensureMilestone } from "@/lib/import/pipeline/repository-stage";
import { attachmentContentType, disambiguateNames, storeAttachment } from "./attachments";
import type { ArchiveUser, ExportIssue } from "./export-format";
import { ExportReader, type IssueChildren } from "./export-reader";
import { createArchiveTextConverter, systemNoteBody, type ArchiveTextConverter } from "./text";
import { archiveUserJson, createArchiveUserResolver, type ArchiveUserResolver } from "./users";
import { SafeZip } from "./zip";
import { ArchiveCanceled, type ArchiveRunContext } from "./run-context";

/**
 * Imports a Bitbucket issue-export zip into a project:
 *
 * 1. The archive is opened safely (lib/archive/zip) and its JSON read once into a spill file
 *    (ExportReader): every skipped record is reported, nothing is written to the project yet.
 * 2. Issue numbers used by issues that did not come from this source are conflicts: the import
 *    stops before writing anything (the job fails, the numbers in its messages).
 * 3. Issues are imported in number order, each complete (issue, labels, comments, system notes
 *    from change logs, attachments) in one transaction; a cancel takes effect before the next
 *    issue. Re-running the same archive updates what it created: issues by number (with
 *    importedFrom "bitbucket" and sourceId = the number), notes by source id, attachments by
 *    their name within the issue.
 */

export const ISSUE_SOURCE = "bitbucket";
const BATCH_ISSUES = 20;
const BATCH_NOTES = 1_000;
/** This many issues failing in a row means something is wrong beyond one issue: stop. */
const MAX_CONSECUTIVE_FAILURES = 20;
const SCAN_SHARE = 20;


export type IssuesArchiveCounts = {
  issues: { total: number; imported: number; failed: number };
  comments: { total: number; imported: number; skipped: number };
  systemNotes: { total: number; imported: number };
  attachments: { total: number; imported: number; missing: number };
  users: { total: number; mapped: number; anonymous: number };
  skippedRecords: number;
};

export function emptyIssuesCounts(): IssuesArchiveCounts {
  return {
    issues: { total: 0, imported: 0, failed: 0 },
    comments: { total: 0, imported: 0, skipped: 0 },
    systemNotes: { total: 0, imported: 0 },
    attachments: { total: 0, imported: 0, missing: 0 },
    users: { total: 0, mapped: 0, anonymous: 0 },
    skippedRecords: 0,
  };
}

type PreparedNote = {
  sourceId: string;
  body: string;
  system: boolean;
  authorId: string;
  createdAt: Date;
  updatedAt: Date;
  sourceAuthor: Prisma.InputJsonValue | undefined;
};

type PreparedAttachment = { fileName: string; originalName: string; storagePath: string; size: number; contentType: string };

type PreparedIssue = {
  iid: number;
  data: Omit<Prisma.IssueUncheckedCreateInput, "projectId" | "iid">;
  labelIds: number[];
  notes: PreparedNote[];
  attachments: PreparedAttachment[];
  comments: number;
  systemNotes: number;
};

/** "#3, #5–#9, #12" */
export function describeNumbers(numbers: readonly number[], limit = 40): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(j > i ? `#${sorted[i]}–#${sorted[j]}` : `#${sorted[i]}`);
    i = j + 1;
  }
  return ranges.length > limit ? `${ranges.slice(0, limit).join(", ")} and ${ranges.length - limit} more` : ranges.join(", ");
}

/** Issue numbers of the project taken by issues that did not come from this source. */
export async function conflictingIssueNumbers(projectId: number, issueIds: readonly number[]): Promise<number[]> {
  const wanted = new Set(issueIds);
  const existing = await db.issue.findMany({ where: { projectId }, select: { iid: true, importedFrom: true, sourceId: true } });
  return existing
    .filter((issue) => wanted.has(issue.iid) && !(issue.importedFrom === ISSUE_SOURCE && issue.sourceId === String(issue.iid)))
    .map((issue) => issue.iid)
    .sort((a, b) => a - b);
}

function noteDiscussionId(projectId: number, iid: number, sourceId: string): string {
  return createHash("sha1").update(`archive:${projectId}:${iid}:${sourceId}`).digest("hex");
}

class LabelCache {
  private readonly ids = new Map<string, number>();
  constructor(private readonly projectId: number) {}

  async idsFor(labels: ReadonlyArray<{ title: string; color: string }>): Promise<number[]> {
    const missing = labels.filter((label) => !this.ids.has(label.title));
    if (missing.length > 0) {
      await db.label.createMany({ data: missing.map((label) => ({ projectId: this.projectId, ...label })), skipDuplicates: true });
      const rows = await db.label.findMany({ where: { projectId: this.projectId, title: { in: missing.map((label) => label.title) } }, select: { id: true, title: true } });
      for (const row of rows) this.ids.set(row.title, row.id);
    }
    return labels.map((label) => this.ids.get(label.title)).filter((id): id is number => id !== undefined);
  }
}

/** Source ids of the system notes of one issue: per change event (its comment) and field, numbered if repeated. */
function logSourceIds(logs: IssueChildren["logs"]): string[] {
  const seen = new Map<string, number>();
  return logs.map((log) => {
    const base = `log:${log.comment ?? log.createdOn?.toISOString() ?? "none"}:${log.field}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}:${count}`;
  });
}

type ImportState = {
  ctx: ArchiveRunContext;
  zip: SafeZip;
  reader: ExportReader;
  users: ArchiveUserResolver;
  text: ArchiveTextConverter;
  labels: LabelCache;
  milestones: Map<string, number>;
  counts: IssuesArchiveCounts;
  /** Issue numbers the project has: these are updated one by one, the others inserted in bulk. */
  existing: Set<number>;
};

async function milestoneId(state: ImportState, title: string | null): Promise<number | null> {
  if (!title) return null;
  const known = state.milestones.get(title);
  if (known !== undefined) return known;
  const id = await ensureMilestone(state.ctx.project.id, title, null);
  state.milestones.set(title, id);
  return id;
}

function sourceAuthorJson(user: ArchiveUser | null, mapped: boolean): Prisma.InputJsonValue {
  return archiveUserJson(user, mapped) ?? { anonymous: true, mapped: false };
}

async function prepareAttachments(state: ImportState, issue: ExportIssue, attachments: IssueChildren["attachments"]): Promise<PreparedAttachment[]> {
  const names = disambiguateNames(attachments.map((attachment) => attachment.filename));
  const prepared: PreparedAttachment[] = [];
  for (const [index, attachment] of attachments.entries()) {
    const fileName = names[index]!;
    if (!attachment.path || !state.zip.has(attachment.path)) {
      state.counts.attachments.missing++;
      state.ctx.message(
        "warning",
        "attachment_missing",
        `Issue #${issue.id}: the attachment ${attachment.filename} is not in the archive${attachment.path ? ` (${attachment.path})` : ""}; it was skipped.`,
      );
      continue;
    }
    try {
      const stored = await storeAttachment(state.ctx.project.id, await state.zip.open(attachment.path));
      prepared.push({ fileName, originalName: attachment.filename, storagePath: stored.storagePath, size: stored.size, contentType: attachmentContentType(fileName, stored.head) });
    } catch (error) {
      state.counts.attachments.missing++;
      state.ctx.message("warning", "attachment_unreadable", `Issue #${issue.id}: the attachment ${attachment.filename} could not be read (${error instanceof Error ? error.message : String(error)}); it was skipped.`);
    }
  }
  return prepared;
}

async function prepareIssue(state: ImportState, issue: ExportIssue): Promise<PreparedIssue> {
  const { users, text, counts } = state;
  const children = await state.reader.children(issue.id);
  const reporter = await users.author(issue.reporter);
  if (!issue.reporter) counts.users.anonymous++;
  const closed = isClosedIssueState(issue.status);
  const closingLog = closed ? children.logs.filter((log) => log.field === "status" && isClosedIssueState(changeValue(log.changedTo) ?? "")).at(-1) : undefined;
  const data: PreparedIssue["data"] = {
    title: issue.title,
    description: text(issue.content, issue.reporter, reporter.mapped),
    state: closed ? "closed" : "opened",
    authorId: reporter.userId,
    assigneeId: await users.ferryUserFor(issue.assignee),
    milestoneId: await milestoneId(state, issue.milestone),
    upvotes: issue.voters.length,
    closedAt: closed ? (closingLog?.createdOn ?? issue.updatedOn) : null,
    createdAt: issue.createdOn,
    updatedAt: issue.updatedOn,
    importedFrom: ISSUE_SOURCE,
    sourceId: String(issue.id),
    sourceAuthor: sourceAuthorJson(issue.reporter, reporter.mapped),
    sourceAssignee: (archiveUserJson(issue.assignee) ?? undefined) as Prisma.InputJsonValue | undefined,
    watchers: issue.watchers.map((watcher) => archiveUserJson(watcher)) as Prisma.InputJsonValue,
  };

  const notes: PreparedNote[] = [];
  let comments = 0;
  for (const comment of children.comments) {
    if (comment.content === null || !comment.content.trim()) {
      counts.comments.skipped++;
      continue;
    }
    const author = await users.author(comment.user);
    if (!comment.user) counts.users.anonymous++;
    notes.push({
      sourceId: String(comment.id),
      body: text(comment.content, comment.user, author.mapped),
      system: false,
      authorId: author.userId,
      createdAt: comment.createdOn,
      updatedAt: comment.updatedOn ?? comment.createdOn,
      sourceAuthor: sourceAuthorJson(comment.user, author.mapped),
    });
    comments++;
  }
  const commentDates = new Map(children.comments.map((comment) => [comment.id, comment.createdOn]));
  const logIds = logSourceIds(children.logs);
  for (const [index, log] of children.logs.entries()) {
    const author = await users.author(log.user);
    const createdAt = log.createdOn ?? (log.comment !== null ? commentDates.get(log.comment) : undefined) ?? issue.updatedOn;
    notes.push({
      sourceId: logIds[index]!,
      body: systemNoteBody(log),
      system: true,
      authorId: author.userId,
      createdAt,
      updatedAt: createdAt,
      sourceAuthor: sourceAuthorJson(log.user, author.mapped),
    });
  }
  const labelIds = await state.labels.idsFor(issueLabelsFor({ ...issue, state: issue.status }));
  const attachments = await prepareAttachments(state, issue, children.attachments);
  return { iid: issue.id, data, labelIds, notes, attachments, comments, systemNotes: children.logs.length };
}

async function writeIssue(tx: DbTransaction, projectId: number, prepared: PreparedIssue): Promise<void> {
  const row = await tx.issue.upsert({
    where: { projectId_iid: { projectId, iid: prepared.iid } },
    create: { projectId, iid: prepared.iid, ...prepared.data },
    update: prepared.data,
    select: { id: true },
  });
  await tx.issueLabel.deleteMany({ where: { issueId: row.id, labelId: { notIn: prepared.labelIds } } });
  if (prepared.labelIds.length > 0) {
    await tx.issueLabel.createMany({ data: prepared.labelIds.map((labelId) => ({ issueId: row.id, labelId })), skipDuplicates: true });
  }

  const existingNotes = new Map(
    (await tx.note.findMany({ where: { issueId: row.id, sourceId: { not: null } }, select: { id: true, sourceId: true } })).map((note) => [note.sourceId!, note.id]),
  );
  const noteData = (note: PreparedNote) => noteRow(projectId, prepared.iid, note);
  const fresh = prepared.notes.filter((note) => !existingNotes.has(note.sourceId));
  if (fresh.length > 0) {
    await tx.note.createMany({ data: fresh.map((note) => ({ ...noteData(note), issueId: row.id, sourceId: note.sourceId })) });
  }
  for (const note of prepared.notes) {
    const id = existingNotes.get(note.sourceId);
    if (id !== undefined) await tx.note.update({ where: { id }, data: noteData(note) });
  }

  for (const attachment of prepared.attachments) {
    await tx.attachment.upsert({
      where: { issueId_fileName: { issueId: row.id, fileName: attachment.fileName } },
      create: { projectId, issueId: row.id, ...attachment, size: BigInt(attachment.size) },
      update: { originalName: attachment.originalName, storagePath: attachment.storagePath, size: BigInt(attachment.size), contentType: attachment.contentType },
    });
  }
}

const NOTE_ROWS_PER_INSERT = 5_000;

function noteRow(projectId: number, iid: number, note: PreparedNote) {
  return {
    projectId,
    discussionId: noteDiscussionId(projectId, iid, note.sourceId),
    body: note.body,
    system: note.system,
    authorId: note.authorId,
    createdAt: note.createdAt,
    updatedAt: note.updatedAt,
    importedFrom: ISSUE_SOURCE,
    sourceAuthor: note.sourceAuthor,
  };
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));
const timestamp = (value: Date | string | null | undefined): string | null => (value ? new Date(value).toISOString() : null);

/**
 * Issues the project does not have yet, all at once: one INSERT per table for the whole batch,
 * with the rows as arrays (`unnest`). A fixed statement whatever the batch holds, so the ORM
 * neither builds per-row objects nor keeps a query plan per batch size (large archives stay
 * within their memory budget).
 */
async function insertFreshIssues(tx: DbTransaction, projectId: number, fresh: readonly PreparedIssue[]): Promise<void> {
  const data = fresh.map((prepared) => prepared.data);
  const rows = await tx.$queryRaw<Array<{ id: number; iid: number }>>`
    INSERT INTO issues (project_id, iid, title, description, state, author_id, assignee_id, milestone_id, upvotes, closed_at, created_at, updated_at, imported_from, source_id, source_author, source_assignee, watchers)
    SELECT ${projectId}, iid, title, description, state::"IssueState", author_id, assignee_id, milestone_id, upvotes, closed_at, created_at, updated_at, imported_from, source_id, source_author, source_assignee, watchers
    FROM unnest(
      ${fresh.map((prepared) => prepared.iid)}::int[], ${data.map((row) => row.title)}::text[], ${data.map((row) => row.description ?? "")}::text[],
      ${data.map((row) => row.state ?? "opened")}::text[], ${data.map((row) => row.authorId)}::text[], ${data.map((row) => row.assigneeId ?? null)}::text[],
      ${data.map((row) => row.milestoneId ?? null)}::int[], ${data.map((row) => row.upvotes ?? 0)}::int[], ${data.map((row) => timestamp(row.closedAt))}::timestamp[],
      ${data.map((row) => timestamp(row.createdAt))}::timestamp[], ${data.map((row) => timestamp(row.updatedAt))}::timestamp[], ${data.map((row) => row.importedFrom ?? null)}::text[],
      ${data.map((row) => row.sourceId ?? null)}::text[], ${data.map((row) => json(row.sourceAuthor))}::jsonb[], ${data.map((row) => json(row.sourceAssignee))}::jsonb[],
      ${data.map((row) => json(row.watchers))}::jsonb[]
    ) AS input(iid, title, description, state, author_id, assignee_id, milestone_id, upvotes, closed_at, created_at, updated_at, imported_from, source_id, source_author, source_assignee, watchers)
    RETURNING id, iid`;
  const idOf = new Map(rows.map((row) => [row.iid, row.id]));
  const labels = fresh.flatMap((prepared) => prepared.labelIds.map((labelId) => ({ issueId: idOf.get(prepared.iid)!, labelId })));
  if (labels.length > 0) await tx.issueLabel.createMany({ data: labels, skipDuplicates: true });

  const notes = fresh.flatMap((prepared) => prepared.notes.map((note) => ({ issueId: idOf.get(prepared.iid)!, row: noteRow(projectId, prepared.iid, note), sourceId: note.sourceId })));
  for (let start = 0; start < notes.length; start += NOTE_ROWS_PER_INSERT) {
    const chunk = notes.slice(start, start + NOTE_ROWS_PER_INSERT);
    await tx.$executeRaw`
      INSERT INTO notes (project_id, issue_id, discussion_id, body, system, author_id, created_at, updated_at, imported_from, source_id, source_author)
      SELECT ${projectId}, issue_id, discussion_id, body, system, author_id, created_at, updated_at, ${ISSUE_SOURCE}, source_id, source_author
      FROM unnest(
        ${chunk.map((note) => note.issueId)}::int[], ${chunk.map((note) => note.row.discussionId)}::text[], ${chunk.map((note) => note.row.body)}::text[],
        ${chunk.map((note) => note.row.system)}::boolean[], ${chunk.map((note) => note.row.authorId)}::text[], ${chunk.map((note) => timestamp(note.row.createdAt))}::timestamp[],
        ${chunk.map((note) => timestamp(note.row.updatedAt))}::timestamp[], ${chunk.map((note) => note.sourceId)}::text[], ${chunk.map((note) => json(note.row.sourceAuthor))}::jsonb[]
      ) AS input(issue_id, discussion_id, body, system, author_id, created_at, updated_at, source_id, source_author)`;
  }
  const attachments = fresh.flatMap((prepared) =>
    prepared.attachments.map((attachment) => ({ projectId, issueId: idOf.get(prepared.iid)!, ...attachment, size: BigInt(attachment.size) })),
  );
  if (attachments.length > 0) await tx.attachment.createMany({ data: attachments });
}

async function writeBatch(state: ImportState, batch: PreparedIssue[]): Promise<void> {
  const projectId = state.ctx.project.id;
  const record = (prepared: PreparedIssue) => {
    state.ctx.markWritten();
    state.existing.add(prepared.iid);
    state.counts.issues.imported++;
    state.counts.comments.imported += prepared.comments;
    state.counts.systemNotes.imported += prepared.systemNotes;
    state.counts.attachments.imported += prepared.attachments.length;
  };
  const fresh = batch.filter((prepared) => !state.existing.has(prepared.iid));
  const known = batch.filter((prepared) => state.existing.has(prepared.iid));
  try {
    await db.$transaction(
      async (tx) => {
        if (fresh.length > 0) await insertFreshIssues(tx, projectId, fresh);
        for (const prepared of known) await writeIssue(tx, projectId, prepared);
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    batch.forEach(record);
  } catch {
    // Find the issue that failed: write them one by one (an upsert each, whatever exists by now).
    for (const prepared of batch) {
      try {
        await db.$transaction((tx) => writeIssue(tx, projectId, prepared), { timeout: 120_000, maxWait: 30_000 });
        record(prepared);
      } catch (error) {
        failIssue(state, prepared.iid, error);
      }
    }
  }
}

function failIssue(state: ImportState, iid: number, error: unknown): void {
  state.counts.issues.failed++;
  const reason = error instanceof Error ? error.message.split("\n").filter(Boolean).at(-1)! : String(error);
  state.ctx.message("error", "issue_failed", `Issue #${iid} could not be imported: ${reason}`);
  state.ctx.log(`issue #${iid} failed`, error);
}

async function mentionTargets(users: readonly ArchiveUser[], resolver: ArchiveUserResolver): Promise<Map<string, MentionTarget>> {
  const withAccount = users.filter((user) => user.accountId);
  const mappedIds = new Map<string, string>();
  for (const user of withAccount) {
    const id = await resolver.mappedUserId(user);
    if (id) mappedIds.set(user.accountId!, id);
  }
  const usernames = new Map(
    (await db.user.findMany({ where: { id: { in: [...new Set(mappedIds.values())] } }, select: { id: true, username: true } })).map((user) => [user.id, user.username]),
  );
  const base = config().NEXTAUTH_URL;
  const targets = new Map<string, MentionTarget>();
  for (const user of withAccount) {
    const userId = mappedIds.get(user.accountId!);
    const username = userId ? usernames.get(userId) : undefined;
    targets.set(user.accountId!, username ? { username, profileUrl: `${base}/${username}` } : user.displayName ? { displayName: user.displayName } : null);
  }
  return targets;
}

/** Runs one issue-archive job's import; throws ArchiveCanceled on cancel and AppError for a refused archive. */
export async function importIssuesArchive(ctx: ArchiveRunContext): Promise<IssuesArchiveCounts> {
  const counts = emptyIssuesCounts();
  const zip = await SafeZip.open(ctx.filePath);
  let reader: ExportReader | null = null;
  try {
    reader = await ExportReader.scan(zip, {
      spillDirectory: path.join(ctx.workDirectory, "spill"),
      warn: (code, message) => ctx.message("warning", code, message),
      onProgress: (fraction) => ctx.progress(Math.floor(fraction * SCAN_SHARE), counts),
    });
    const { summary } = reader;
    counts.issues.total = summary.issueIds.length;
    counts.comments.total = summary.counts.comments;
    counts.systemNotes.total = summary.counts.logs;
    counts.attachments.total = summary.counts.attachments;
    counts.skippedRecords = summary.counts.skippedRecords;
    counts.users.total = summary.users.length;
    ctx.message(
      "info",
      "export_read",
      `Read ${summary.jsonEntry}: ${summary.counts.issues} issues, ${summary.counts.comments} comments (${summary.counts.stubComments} without text), ${summary.counts.logs} changes, ${summary.counts.attachments} attachments; users as ${summary.userFormat === "username" ? "usernames (db-1.0)" : "Atlassian accounts (db-2.0)"}.`,
    );
    await ctx.progress(SCAN_SHARE, counts);

    const conflicts = await conflictingIssueNumbers(ctx.project.id, summary.issueIds);
    if (conflicts.length > 0) {
      throw new ArchiveConflict(
        `Issue numbers already used in this project by issues that did not come from this export: ${describeNumbers(conflicts)} (${conflicts.length} in all). Nothing was imported. Move or delete those issues, or import the archive into another project.`,
        conflicts,
      );
    }

    const users = await createArchiveUserResolver({ importingUserId: ctx.userId, projectNamespaceId: ctx.project.namespaceId, mode: ctx.userMapping });
    for (const user of summary.users) if (await users.mappedUserId(user)) counts.users.mapped++;
    if (users.mode === "placeholders" && summary.userFormat === "username") {
      ctx.message("info", "placeholders_need_accounts", "This export names users by username only (db-1.0): users who are not linked to a Ferry account are attributed in the text instead of getting placeholder users.");
    }
    const text = createArchiveTextConverter({
      sourceRepositoryUrl: summary.sourceRepositoryUrl ?? ctx.project.importUrl,
      targetProjectUrl: `${config().NEXTAUTH_URL}/${ctx.project.fullPath}`,
      mentions: await mentionTargets(summary.users, users),
    });
    const existing = new Set((await db.issue.findMany({ where: { projectId: ctx.project.id }, select: { iid: true } })).map((issue) => issue.iid));
    const state: ImportState = { ctx, zip, reader, users, text, labels: new LabelCache(ctx.project.id), milestones: new Map(), counts, existing };
    for (const title of summary.milestones) await milestoneId(state, title);

    let batch: PreparedIssue[] = [];
    let batchNotes = 0;
    let consecutiveFailures = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const failedBefore = counts.issues.failed;
      await writeBatch(state, batch);
      consecutiveFailures = counts.issues.failed > failedBefore ? consecutiveFailures + (counts.issues.failed - failedBefore) : 0;
      batch = [];
      batchNotes = 0;
      const done = counts.issues.imported + counts.issues.failed;
      await ctx.progress(SCAN_SHARE + Math.floor(((100 - SCAN_SHARE) * done) / Math.max(1, counts.issues.total)), counts);
    };
    try {
      for (const iid of summary.issueIds) {
        await ctx.checkpoint();
        try {
          const prepared = await prepareIssue(state, await reader.issue(iid));
          batch.push(prepared);
          batchNotes += prepared.notes.length;
          consecutiveFailures = 0;
        } catch (error) {
          if (error instanceof ArchiveCanceled) throw error;
          failIssue(state, iid, error);
          consecutiveFailures++;
        }
        if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
          throw new Error(`${MAX_CONSECUTIVE_FAILURES} issues in a row could not be imported; the import was stopped (see the errors above)`);
        }
        if (batch.length >= BATCH_ISSUES || batchNotes >= BATCH_NOTES) await flush();
      }
    } finally {
      // Issues prepared before a cancel or a stop are complete: keep them.
      await flush();
    }
    if (counts.users.anonymous > 0) {
      ctx.message("warning", "anonymous_users", `${counts.users.anonymous} issue(s) and comment(s) have no user in the export; they are attributed to "Anonymous".`);
    }
    if (summary.truncated) ctx.message("warning", "export_truncated_summary", "The export file was incomplete; issues after the point where it ends are missing.");
    await ctx.progress(100, counts);
    return counts;
  } finally {
    await reader?.close();
    zip.close();
  }
}

/** Issue numbers taken by other issues: the job refuses to start. */
export class ArchiveConflict extends Error {
  constructor(
    message: string,
    readonly numbers: number[],
  ) {
    super(message);
    this.name = "ArchiveConflict";
  }
}
