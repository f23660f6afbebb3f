import { db } from "@/lib/db";
import type { ImportContext } from "@/lib/import/pipeline/context";
import { issueNoteRows, labelIdsByTitle, milestoneIdsByTitle, prepareIssue, writeIssues, type PreparedIssue } from "@/lib/import/pipeline/issues";
import { allItems } from "@/lib/import/pipeline/notes";
import { errorMessage, recordFailure, resolveFailures } from "@/lib/import/pipeline/records";
import { KIND_LABELS } from "@/lib/import/issue-mapping";
import type { TextConverter } from "@/lib/import/pipeline/text";
import type { SourceIssue } from "@/lib/import/sources/types";
import { reconcileNotes } from "./notes";
import { addSyncCounts } from "./records";

/** Issues whose numbers an issue-export archive filled are its, not the source's: a sync leaves them alone. */
export async function issuesCameFromArchive(projectId: number): Promise<boolean> {
  const jobs = await db.archiveImportJob.count({ where: { projectId, kind: "bitbucket_issues", state: { in: ["running", "completed"] } } });
  return jobs > 0;
}

/** Labels the import derives from an issue's fields (kind, priority::, component::, version::, status::); others, added in Ferry, stay. */
function isDerivedLabel(title: string): boolean {
  return KIND_LABELS.some((label) => label.title === title) || /^(priority|component|version|status)::/.test(title);
}

/**
 * One page of issues updated since the watermark: new ones created, changed ones updated in
 * place (title, description, state, assignee, milestone, labels, votes), and their comments read
 * again (issues have no activity feed) and brought in line. Issues created in Ferry are never touched.
 */
export async function syncIssues(ctx: ImportContext, syncId: number, text: TextConverter, issues: readonly SourceIssue[]): Promise<void> {
  if (issues.length === 0) return;
  const projectId = ctx.project.id;
  const existing = await db.issue.findMany({
    where: { projectId, iid: { in: issues.map((issue) => issue.id) } },
    select: { id: true, iid: true, importedFrom: true, sourceId: true, updatedAt: true },
  });
  const existingByIid = new Map(existing.map((row) => [row.iid, row]));
  const labels = await labelIdsByTitle(projectId, issues);
  const milestones = await milestoneIdsByTitle(projectId, issues);
  await text.remember(ctx, issues.flatMap((issue) => [issue.reporter, issue.assignee]));
  await ctx.checkpoint();
  const prepared: PreparedIssue[] = [];
  for (const issue of issues) {
    const row = existingByIid.get(issue.id);
    if (row && (row.importedFrom !== ctx.importedFrom || row.sourceId !== String(issue.id))) {
      await recordFailure(ctx.importId, { stage: "sync_issues", objectType: "issue", sourceId: String(issue.id), sourceUrl: issue.webUrl, message: `#${issue.id} was created in Ferry, so issue #${issue.id} of the source was not brought over` });
      continue;
    }
    try {
      prepared.push(await prepareIssue(ctx, text, issue, labels, milestones));
    } catch (error) {
      await recordFailure(ctx.importId, { stage: "sync_issues", objectType: "issue", sourceId: String(issue.id), sourceUrl: issue.webUrl, message: errorMessage(error) });
    }
  }
  const created = prepared.filter((entry) => !existingByIid.has(entry.issue.id));
  if (created.length > 0) await writeIssues(projectId, created);
  let updated = 0;
  for (const entry of prepared.filter((candidate) => existingByIid.has(candidate.issue.id))) {
    const row = existingByIid.get(entry.issue.id)!;
    const { data } = entry;
    await db.$transaction(async (tx) => {
      await tx.issue.update({
        where: { id: row.id },
        data: {
          title: data.title,
          description: data.description,
          state: data.state,
          assigneeId: data.assigneeId,
          milestoneId: data.milestoneId,
          upvotes: data.upvotes,
          closedAt: data.closedAt,
          updatedAt: data.updatedAt,
          sourceAssignee: data.sourceAssignee,
        },
      });
      const current = await tx.issueLabel.findMany({ where: { issueId: row.id }, select: { labelId: true, label: { select: { title: true } } } });
      const stale = current.filter((link) => isDerivedLabel(link.label.title) && !entry.labelIds.includes(link.labelId));
      if (stale.length) await tx.issueLabel.deleteMany({ where: { issueId: row.id, labelId: { in: stale.map((link) => link.labelId) } } });
      await tx.issueLabel.createMany({ data: entry.labelIds.map((labelId) => ({ issueId: row.id, labelId })), skipDuplicates: true });
    });
    if (row.updatedAt.getTime() !== data.updatedAt.getTime()) updated++;
  }
  await resolveFailures(ctx.importId, "issue", prepared.map((entry) => String(entry.issue.id)));
  await addSyncCounts(syncId, "issue", { created: created.length, updated });
  await syncIssueNotes(ctx, syncId, text, prepared.map((entry) => entry.issue));
}

async function syncIssueNotes(ctx: ImportContext, syncId: number, text: TextConverter, issues: readonly SourceIssue[]): Promise<void> {
  const rows = await db.issue.findMany({ where: { projectId: ctx.project.id, iid: { in: issues.map((issue) => issue.id) } }, select: { id: true, iid: true } });
  const notes = await db.note.findMany({
    where: { issueId: { in: rows.map((row) => row.id) }, importedFrom: ctx.importedFrom },
    select: { id: true, issueId: true, sourceId: true, body: true, updatedAt: true, deletedAtSource: true },
  });
  const totals = { created: 0, updated: 0, removed: 0, failed: 0 };
  for (const row of rows) {
    await ctx.checkpoint();
    try {
      const list = await allItems((cursor) => ctx.source.issueCommentsPage(row.iid, cursor));
      await text.remember(ctx, list.map((comment) => comment.author));
      const noteRows = await issueNoteRows(ctx, text, row.id, row.iid, list);
      const changes = await reconcileNotes(noteRows, list, notes.filter((note) => note.issueId === row.id), true);
      totals.created += changes.created;
      totals.updated += changes.updated;
      totals.removed += changes.removed;
      await resolveFailures(ctx.importId, "issue_note", [`issue:${row.iid}`]);
    } catch (error) {
      totals.failed++;
      await recordFailure(ctx.importId, { stage: "sync_issues", objectType: "issue_note", sourceId: `issue:${row.iid}`, message: `Comments of issue #${row.iid}: ${errorMessage(error)}` });
    }
  }
  await addSyncCounts(syncId, "issue_note", totals);
}

