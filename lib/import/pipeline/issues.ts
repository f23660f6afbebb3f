import { db, type IssueState, type Prisma } from "@/lib/db";
import { isClosedIssueState, issueChangeNoteBody, issueLabelsFor } from "@/lib/import/issue-mapping";
import type { SourceComment, SourceIssue, SourceIssueChange } from "@/lib/import/sources/types";
import { insertMissing, type Columns } from "./bulk-insert";
import { sourceFields, sourceUserJson, type ImportContext } from "./context";
import { addProgress, errorMessage, recordFailure, resolveFailures, writeIsolatingFailures } from "./records";
import { ensureMilestone } from "./repository-stage";
import { NotesBatch, discussionIdFor, inCreationOrder, threadRoots, type NoteRow } from "./notes";
import type { ItemTextConverter as TextConverter } from "./text";

/** Label ids by title for a page of issues; missing labels are created (insert-if-missing is atomic, so concurrent pages agree). */
export async function labelIdsByTitle(projectId: number, issues: readonly SourceIssue[]): Promise<Map<string, number>> {
  const wanted = new Map(issues.flatMap(issueLabelsFor).map((label) => [label.title, label]));
  if (wanted.size === 0) return new Map();
  await db.label.createMany({ data: [...wanted.values()].map((label) => ({ projectId, ...label })), skipDuplicates: true });
  const rows = await db.label.findMany({ where: { projectId, title: { in: [...wanted.keys()] } }, select: { id: true, title: true } });
  return new Map(rows.map((row) => [row.title, row.id]));
}

/** Milestone ids by title for a page of issues (normally all created by the repository stage). */
export async function milestoneIdsByTitle(projectId: number, issues: readonly SourceIssue[]): Promise<Map<string, number>> {
  const titles = [...new Set(issues.map((issue) => issue.milestone).filter((title): title is string => Boolean(title)))];
  if (titles.length === 0) return new Map();
  const rows = await db.milestone.findMany({ where: { projectId, title: { in: titles } }, select: { id: true, title: true } });
  const ids = new Map(rows.map((row) => [row.title, row.id]));
  for (const title of titles) if (!ids.has(title)) ids.set(title, await ensureMilestone(projectId, title, null));
  return ids;
}

export type PreparedIssue = {
  issue: SourceIssue;
  labelIds: number[];
  data: {
    projectId: number;
    iid: number;
    title: string;
    description: string;
    state: IssueState;
    authorId: string;
    assigneeId: string | null;
    milestoneId: number | null;
    upvotes: number;
    closedAt: Date | null;
    createdAt: Date;
    updatedAt: Date;
    importedFrom: string;
    sourceId: string;
    sourceAuthor: Prisma.InputJsonValue | undefined;
    sourceAssignee: Prisma.InputJsonValue | undefined;
  };
};

export async function prepareIssue(
  ctx: ImportContext,
  text: TextConverter,
  issue: SourceIssue,
  labels: ReadonlyMap<string, number>,
  milestones: ReadonlyMap<string, number>,
): Promise<PreparedIssue> {
  const author = await ctx.author(issue.reporter);
  const assigneeId = await ctx.ferryUserFor(issue.assignee);
  const closed = isClosedIssueState(issue.state);
  return {
    issue,
    labelIds: issueLabelsFor(issue).map((label) => labels.get(label.title)!),
    data: {
      projectId: ctx.project.id,
      iid: issue.id,
      title: issue.title,
      description: text.convert(issue.body, issue.reporter, author.mapped, issue.markup),
      state: closed ? "closed" : "opened",
      authorId: author.userId,
      assigneeId,
      milestoneId: issue.milestone ? (milestones.get(issue.milestone) ?? null) : null,
      upvotes: issue.votes,
      closedAt: closed ? new Date(issue.updatedAt) : null,
      ...sourceFields(issue, issue.reporter, ctx.importedFrom),
      sourceAssignee: sourceUserJson(issue.assignee),
    },
  };
}

/** Issues with their labels, in one transaction; rows keyed by (project, iid) are inserted once. */
export async function writeIssues(projectId: number, batch: readonly PreparedIssue[]): Promise<void> {
  await db.$transaction(async (tx) => {
    await insertMissing(tx, "issues", ISSUE_COLUMNS, batch.map((entry) => entry.data));
    const rows = await tx.issue.findMany({ where: { projectId, iid: { in: batch.map((entry) => entry.issue.id) } }, select: { id: true, iid: true } });
    const idOf = new Map(rows.map((row) => [row.iid, row.id]));
    const labels = batch.flatMap((entry) => entry.labelIds.map((labelId) => ({ issueId: idOf.get(entry.issue.id)!, labelId })));
    await insertMissing(tx, "issue_labels", ISSUE_LABEL_COLUMNS, labels);
  });
}

export const ISSUE_COLUMNS: Columns<PreparedIssue["data"]> = {
  project_id: { type: "integer", value: (row) => row.projectId },
  iid: { type: "integer", value: (row) => row.iid },
  title: { type: "text", value: (row) => row.title },
  description: { type: "text", value: (row) => row.description },
  state: { type: { enum: "IssueState" }, value: (row) => row.state },
  author_id: { type: "text", value: (row) => row.authorId },
  assignee_id: { type: "text", value: (row) => row.assigneeId },
  milestone_id: { type: "integer", value: (row) => row.milestoneId },
  upvotes: { type: "integer", value: (row) => row.upvotes },
  closed_at: { type: "timestamp", value: (row) => row.closedAt },
  created_at: { type: "timestamp", value: (row) => row.createdAt },
  updated_at: { type: "timestamp", value: (row) => row.updatedAt },
  imported_from: { type: "text", value: (row) => row.importedFrom },
  source_id: { type: "text", value: (row) => row.sourceId },
  source_author: { type: "jsonb", value: (row) => row.sourceAuthor },
  source_assignee: { type: "jsonb", value: (row) => row.sourceAssignee },
};

export const ISSUE_LABEL_COLUMNS: Columns<{ issueId: number; labelId: number }> = {
  issue_id: { type: "integer", value: (row) => row.issueId },
  label_id: { type: "integer", value: (row) => row.labelId },
};

/** One page of issues: lookups preloaded for the page, all issues written in one transaction (each alone only if that fails). */
export async function importIssues(ctx: ImportContext, text: TextConverter, issues: readonly SourceIssue[]): Promise<void> {
  await ctx.checkpoint();
  const labels = await labelIdsByTitle(ctx.project.id, issues);
  const milestones = await milestoneIdsByTitle(ctx.project.id, issues);
  await text.remember(ctx, issues.flatMap((issue) => [issue.reporter, issue.assignee]));
  const failures = new Map<number, string>();
  const prepared: PreparedIssue[] = [];
  for (const issue of issues) {
    try {
      prepared.push(await prepareIssue(ctx, text, issue, labels, milestones));
    } catch (error) {
      failures.set(issue.id, errorMessage(error));
    }
  }
  await ctx.checkpoint();
  const written = await writeIsolatingFailures(prepared, (rows) => writeIssues(ctx.project.id, [...rows]), (entry, error) =>
    failures.set(entry.issue.id, errorMessage(error)),
  );
  await addProgress(ctx.importId, "issue", { imported: written.length, failed: failures.size });
  await resolveFailures(ctx.importId, "issue", written.map((entry) => String(entry.issue.id)));
  for (const [id, message] of failures) {
    const issue = issues.find((candidate) => candidate.id === id)!;
    await recordFailure(ctx.importId, { stage: "issues", objectType: "issue", sourceId: String(id), sourceUrl: issue.webUrl, message });
  }
}

/**
 * All comments of a batch of issues, threads kept, and their recorded changes as system notes
 * ("changed status from new to resolved"), written in one statement. Every change leaves a
 * comment behind, so changes are asked for only for issues that have comments.
 */
export async function importIssueNotes(ctx: ImportContext, text: TextConverter, issueIds: readonly number[]): Promise<void> {
  const batch = new NotesBatch(ctx, "issue");
  const rows = await db.issue.findMany({ where: { projectId: ctx.project.id, iid: { in: [...issueIds] } }, select: { id: true, iid: true } });
  const issueIdOf = new Map(rows.map((row) => [row.iid, row.id]));
  for (const id of issueIds) {
    if (!issueIdOf.has(id)) batch.fail(id, new Error(`Issue #${id} was not imported, so its comments cannot be`));
  }
  const comments = await batch.fetchAll(
    issueIds.filter((id) => issueIdOf.has(id)),
    (id, cursor) => ctx.source.issueCommentsPage(id, cursor),
  );
  const fetchChanges = ctx.source.issueChangesPage?.bind(ctx.source);
  const changes = fetchChanges
    ? await batch.fetchAll(
        [...comments].filter(([, list]) => list.length > 0).map(([id]) => id),
        (id, cursor) => fetchChanges(id, cursor),
      )
    : new Map<number, SourceIssueChange[]>();
  await text.remember(ctx, [...comments.values()].flat().map((comment) => comment.author));

  await batch.writeAll(comments, async (sourceIssueId, list) => {
    const issueId = issueIdOf.get(sourceIssueId)!;
    const rows = await issueNoteRows(ctx, text, issueId, sourceIssueId, list);
    batch.skipped += list.length - rows.length;
    for (const change of changes.get(sourceIssueId) ?? []) rows.push(...(await changeNotes(ctx, issueId, sourceIssueId, change)));
    return rows;
  });
}

/** The note rows of an issue's comments, threads kept; deleted and empty comments (Bitbucket kept those for field changes) left out. */
export async function issueNoteRows(ctx: ImportContext, text: TextConverter, issueId: number, sourceIssueId: number, list: readonly SourceComment[]): Promise<NoteRow[]> {
  const visible = list.filter((comment) => !comment.deleted && comment.body.trim() !== "");
  const roots = threadRoots(list);
  const notes: NoteRow[] = [];
  for (const comment of inCreationOrder(visible)) {
    const author = await ctx.author(comment.author);
    notes.push({
      projectId: ctx.project.id,
      issueId,
      discussionId: discussionIdFor(ctx.importId, "issue", String(sourceIssueId), roots.get(comment.id) ?? comment.id),
      body: text.convert(comment.body, comment.author, author.mapped, comment.markup),
      authorId: author.userId,
      ...sourceFields(comment, comment.author, ctx.importedFrom),
    });
  }
  return notes;
}

/** One system note per changed field, each its own discussion, keyed `change:<id>:<field>`. */
async function changeNotes(ctx: ImportContext, issueId: number, sourceIssueId: number, change: SourceIssueChange): Promise<NoteRow[]> {
  const author = await ctx.author(change.author);
  return change.fields.map((field) => ({
    projectId: ctx.project.id,
    issueId,
    discussionId: discussionIdFor(ctx.importId, `issue_change:${field.field}`, String(sourceIssueId), change.id),
    system: true,
    body: issueChangeNoteBody(field.field, field.from, field.to),
    authorId: author.userId,
    ...sourceFields({ id: change.id, createdAt: change.createdAt, updatedAt: change.createdAt }, change.author, ctx.importedFrom),
    sourceId: `change:${change.id}:${field.field}`,
  }));
}
