import { db } from "@/lib/db";
import type { SourceIssue } from "@/lib/import/sources/types";
import { mapWithLimit } from "@/lib/util/concurrency";
import { sourceUserJson, type ImportContext } from "./context";
import { addProgress, errorMessage, recordFailure, resolveFailure } from "./records";
import { ensureMilestone, KIND_LABELS } from "./repository-stage";
import { allComments, discussionIdFor, inCreationOrder, threadRoots, upsertNotes, type NoteRow } from "./notes";
import type { TextConverter } from "./text";

const CLOSED_STATES = new Set(["resolved", "invalid", "duplicate", "wontfix", "closed"]);
const ITEM_CONCURRENCY = 4;

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

/** Concurrent issues share labels: insert-if-missing is atomic in SQL, unlike a find-then-create upsert. */
async function labelIds(projectId: number, labels: Array<{ title: string; color: string }>): Promise<number[]> {
  if (labels.length === 0) return [];
  await db.label.createMany({ data: labels.map((label) => ({ projectId, ...label })), skipDuplicates: true });
  const rows = await db.label.findMany({ where: { projectId, title: { in: labels.map((label) => label.title) } }, select: { id: true } });
  return rows.map((row) => row.id);
}

export async function importIssue(ctx: ImportContext, text: TextConverter, issue: SourceIssue): Promise<void> {
  const author = await ctx.author(issue.reporter);
  const assigneeId = await ctx.ferryUserFor(issue.assignee);
  const milestoneId = issue.milestone ? await ensureMilestone(ctx.project.id, issue.milestone, null) : null;
  const labels = await labelIds(ctx.project.id, issueLabels(issue));
  const closed = issueIsClosed(issue.state);
  const data = {
    title: issue.title,
    description: text.convert(issue.body, issue.reporter, author.mapped),
    state: closed ? ("closed" as const) : ("opened" as const),
    authorId: author.userId,
    assigneeId,
    milestoneId,
    upvotes: issue.votes,
    closedAt: closed ? new Date(issue.updatedAt) : null,
    createdAt: new Date(issue.createdAt),
    updatedAt: new Date(issue.updatedAt),
    importedFrom: "bitbucket",
    sourceId: String(issue.id),
    sourceAuthor: sourceUserJson(issue.reporter),
    sourceAssignee: sourceUserJson(issue.assignee),
  };
  await db.$transaction(async (tx) => {
    const row = await tx.issue.upsert({
      where: { projectId_iid: { projectId: ctx.project.id, iid: issue.id } },
      create: { projectId: ctx.project.id, iid: issue.id, ...data },
      update: data,
    });
    await tx.issueLabel.deleteMany({ where: { issueId: row.id, labelId: { notIn: labels } } });
    await tx.issueLabel.createMany({ data: labels.map((labelId) => ({ issueId: row.id, labelId })), skipDuplicates: true });
  });
}

export async function importIssuePage(
  ctx: ImportContext,
  text: TextConverter,
  cursor: string | null,
  onNextPage: (next: string) => Promise<void>,
): Promise<{ next: string | null; ids: number[] }> {
  const page = await ctx.source.issuesPage(cursor);
  // The next page is fetched while this one is written.
  if (page.next) await onNextPage(page.next);
  await addProgress(ctx.importId, "issue", { total: page.total ?? undefined, fetched: page.items.length });
  let imported = 0;
  let failed = 0;
  await mapWithLimit(page.items, ITEM_CONCURRENCY, async (issue) => {
    await ctx.checkpoint();
    try {
      await importIssue(ctx, text, issue);
      imported++;
      await resolveFailure(ctx.importId, "issue", String(issue.id));
    } catch (error) {
      failed++;
      await recordFailure(ctx.importId, { stage: "issues", objectType: "issue", sourceId: String(issue.id), sourceUrl: issue.webUrl, message: errorMessage(error) });
    }
  });
  await addProgress(ctx.importId, "issue", { imported, failed });
  return { next: page.next, ids: page.items.map((issue) => issue.id) };
}

export async function importIssueNotes(ctx: ImportContext, text: TextConverter, issueId: number): Promise<void> {
  const issue = await db.issue.findUnique({ where: { projectId_iid: { projectId: ctx.project.id, iid: issueId } } });
  if (!issue) throw new Error(`Issue #${issueId} was not imported, so its comments cannot be`);
  const comments = await allComments((cursor) => ctx.source.issueCommentsPage(issueId, cursor));
  // Bitbucket kept empty comments for field changes; they carry no text to show.
  const visible = comments.filter((comment) => !comment.deleted && comment.body.trim() !== "");
  await addProgress(ctx.importId, "issue_note", { fetched: comments.length, skipped: comments.length - visible.length });
  const roots = threadRoots(comments);
  const rows: NoteRow[] = [];
  for (const comment of inCreationOrder(visible)) {
    const author = await ctx.author(comment.author);
    rows.push({
      sourceId: String(comment.id),
      data: {
        projectId: ctx.project.id,
        discussionId: discussionIdFor(ctx.importId, "issue", String(issueId), roots.get(comment.id) ?? comment.id),
        body: text.convert(comment.body, comment.author, author.mapped),
        authorId: author.userId,
        createdAt: new Date(comment.createdAt),
        updatedAt: new Date(comment.updatedAt),
        importedFrom: "bitbucket",
        sourceAuthor: sourceUserJson(comment.author),
      },
    });
  }
  await upsertNotes({ issueId: issue.id }, rows);
  await addProgress(ctx.importId, "issue_note", { imported: rows.length });
}
