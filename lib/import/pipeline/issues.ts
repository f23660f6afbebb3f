import { db, type IssueState, type Prisma } from "@/lib/db";
import type { SourceIssue } from "@/lib/import/sources/types";
import { insertMissing, type Columns } from "./bulk-insert";
import { sourceFields, sourceUserJson, type ImportContext } from "./context";
import { addProgress, errorMessage, recordFailure, resolveFailures, writeIsolatingFailures } from "./records";
import { ensureMilestone, KIND_LABELS } from "./repository-stage";
import { NotesBatch, discussionIdFor, inCreationOrder, threadRoots, type NoteRow } from "./notes";
import type { ItemTextConverter as TextConverter } from "./text";

const CLOSED_STATES = new Set(["resolved", "invalid", "duplicate", "wontfix", "closed"]);

const SCOPED_LABEL_COLORS: Record<string, string> = { priority: "#D9534F", component: "#6699CC", version: "#8E44AD" };

export function issueIsClosed(state: string): boolean {
  return CLOSED_STATES.has(state.toLowerCase());
}

/** The kind label (GitLab's importer loses it; we don't) plus scoped priority/component/version labels. */
export function issueLabels(issue: SourceIssue): Array<{ title: string; color: string }> {
  const kind = KIND_LABELS.find((label) => label.title === issue.kind);
  const labels: Array<{ title: string; color: string }> = kind ? [{ title: kind.title, color: kind.color }] : [];
  for (const [scope, value] of [["priority", issue.priority], ["component", issue.component], ["version", issue.version]] as const) {
    if (value) labels.push({ title: `${scope}::${value}`, color: SCOPED_LABEL_COLORS[scope]! });
  }
  return labels;
}

/** Label ids by title for a page of issues; missing labels are created (insert-if-missing is atomic, so concurrent pages agree). */
async function labelIdsByTitle(projectId: number, issues: readonly SourceIssue[]): Promise<Map<string, number>> {
  const wanted = new Map(issues.flatMap(issueLabels).map((label) => [label.title, label]));
  if (wanted.size === 0) return new Map();
  await db.label.createMany({ data: [...wanted.values()].map((label) => ({ projectId, ...label })), skipDuplicates: true });
  const rows = await db.label.findMany({ where: { projectId, title: { in: [...wanted.keys()] } }, select: { id: true, title: true } });
  return new Map(rows.map((row) => [row.title, row.id]));
}

/** Milestone ids by title for a page of issues (normally all created by the repository stage). */
async function milestoneIdsByTitle(projectId: number, issues: readonly SourceIssue[]): Promise<Map<string, number>> {
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

async function prepareIssue(
  ctx: ImportContext,
  text: TextConverter,
  issue: SourceIssue,
  labels: ReadonlyMap<string, number>,
  milestones: ReadonlyMap<string, number>,
): Promise<PreparedIssue> {
  const author = await ctx.author(issue.reporter);
  const assigneeId = await ctx.ferryUserFor(issue.assignee);
  const closed = issueIsClosed(issue.state);
  return {
    issue,
    labelIds: issueLabels(issue).map((label) => labels.get(label.title)!),
    data: {
      projectId: ctx.project.id,
      iid: issue.id,
      title: issue.title,
      description: text.convert(issue.body, issue.reporter, author.mapped),
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
async function writeIssues(projectId: number, batch: readonly PreparedIssue[]): Promise<void> {
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

/** All comments of a batch of issues, threads kept, written in one statement. */
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
  await text.remember(ctx, [...comments.values()].flat().map((comment) => comment.author));

  await batch.writeAll(comments, async (sourceIssueId, list) => {
    // Bitbucket kept empty comments for field changes; they carry no text to show.
    const visible = list.filter((comment) => !comment.deleted && comment.body.trim() !== "");
    batch.skipped += list.length - visible.length;
    const roots = threadRoots(list);
    const notes: NoteRow[] = [];
    for (const comment of inCreationOrder(visible)) {
      const author = await ctx.author(comment.author);
      notes.push({
        projectId: ctx.project.id,
        issueId: issueIdOf.get(sourceIssueId)!,
        discussionId: discussionIdFor(ctx.importId, "issue", String(sourceIssueId), roots.get(comment.id) ?? comment.id),
        body: text.convert(comment.body, comment.author, author.mapped),
        authorId: author.userId,
        ...sourceFields(comment, comment.author, ctx.importedFrom),
      });
    }
    return notes;
  });
}
