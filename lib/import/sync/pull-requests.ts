import { db, type Prisma } from "@/lib/db";
import { repositoryPath } from "@/lib/git";
import type { ImportContext } from "@/lib/import/pipeline/context";
import { allItems } from "@/lib/import/pipeline/notes";
import {
  diffLines,
  fetchForkCommits,
  indexCommits,
  prepareMergeRequest,
  pullRequestNoteRows,
  pullRequestUsers,
  setHeadRefs,
  warnAboutMissingForkCommits,
  writeMergeRequests,
  type KnownNote,
  type PreparedMergeRequest,
} from "@/lib/import/pipeline/pull-requests";
import { errorMessage, recordFailure, resolveFailures } from "@/lib/import/pipeline/records";
import type { ItemTextConverter, TextConverter } from "@/lib/import/pipeline/text";
import type { SourceActivity, SourceComment, SourcePullRequest } from "@/lib/import/sources/types";
import { reconcileNotes } from "./notes";
import { addSyncCounts } from "./records";

/**
 * The comments a pull request's activity entries give, when they explain every change of it since
 * the watermark: each entry complete, the newest at least as recent as the pull request's own
 * update, and every reply's parent known. Null when its comments must be read instead.
 */
export function commentsFromActivity(pullRequest: SourcePullRequest, entries: readonly SourceActivity[], knownSourceIds: ReadonlySet<string>): SourceComment[] | null {
  if (entries.length === 0 || entries.some((entry) => !entry.complete)) return null;
  const newest = Math.max(...entries.map((entry) => Date.parse(entry.date)));
  if (newest < Date.parse(pullRequest.updatedAt)) return null;
  const latest = new Map<number, SourceComment>();
  for (const entry of entries) {
    const comment = entry.comment;
    const current = comment ? latest.get(comment.id) : undefined;
    if (comment && (!current || current.updatedAt < comment.updatedAt)) latest.set(comment.id, comment);
  }
  const comments = [...latest.values()];
  const ids = new Set(comments.map((comment) => comment.id));
  const orphan = comments.some((comment) => comment.parentId !== null && !ids.has(comment.parentId) && !knownSourceIds.has(String(comment.parentId)));
  return orphan ? null : comments;
}

/** Reviewers and approvals as the source has them now: new ones added, withdrawn ones removed. */
async function replaceParticipants(tx: Prisma.TransactionClient, mergeRequestId: number, entry: PreparedMergeRequest, importedFrom: string): Promise<{ approvalsAdded: number; approvalsRemoved: number }> {
  const reviewerIds = entry.reviewers.map(({ user }) => user.id);
  await tx.mergeRequestReviewer.deleteMany({ where: { mergeRequestId, sourceUserId: { notIn: reviewerIds } } });
  await tx.mergeRequestReviewer.createMany({
    data: entry.reviewers.map(({ user, userId }) => ({ mergeRequestId, sourceUserId: user.id, userId, sourceUser: { id: user.id, accountId: user.accountId, username: user.username, displayName: user.displayName } })),
    skipDuplicates: true,
  });
  const approverIds = entry.approvals.map(({ user }) => user.id);
  const removed = await tx.approval.deleteMany({ where: { mergeRequestId, importedFrom, sourceUserId: { notIn: approverIds } } });
  const added = await tx.approval.createMany({
    data: entry.approvals.map(({ user, userId, at }) => ({
      mergeRequestId,
      sourceUserId: user.id,
      userId,
      sourceUser: { id: user.id, accountId: user.accountId, username: user.username, displayName: user.displayName },
      approvedAt: at ? new Date(at) : null,
      importedFrom,
    })),
    skipDuplicates: true,
  });
  return { approvalsAdded: added.count, approvalsRemoved: removed.count };
}

/**
 * One page of pull requests updated since the watermark: new ones created as an import would,
 * changed ones updated in place (title, description, state, branches, commits, merged/closed by,
 * reviewers, approvals), and their comments brought in line, from the activity feed where it
 * explains the change, else read again. Merge requests created in Ferry are never touched.
 */
export async function syncPullRequests(
  ctx: ImportContext,
  syncId: number,
  text: TextConverter,
  pullRequests: readonly SourcePullRequest[],
  activity: ReadonlyMap<number, SourceActivity[]> | null,
): Promise<void> {
  const { prepared, moved } = await writeSyncedPullRequests(ctx, syncId, text, pullRequests, "sync_pull_requests");
  if (prepared.length === 0) return;
  await syncPullRequestNotes(ctx, syncId, text, prepared.map((entry) => entry.pullRequest), activity, moved);
}

/**
 * Writes a page of changed pull requests: new ones created as an import would, changed ones
 * updated in place with their reviewers and approvals; those whose number a merge request created
 * in Ferry holds are failures. `keepClosers`: the source gives who merged or closed elsewhere (its
 * events), so those columns are left as they are. Returns what was written and which merge
 * requests' head or base moved.
 */
export async function writeSyncedPullRequests(
  ctx: ImportContext,
  syncId: number,
  text: ItemTextConverter,
  pullRequests: readonly SourcePullRequest[],
  stage: string,
  options: { keepClosers?: boolean } = {},
): Promise<{ prepared: PreparedMergeRequest[]; created: Set<number>; moved: Set<number> }> {
  const moved = new Set<number>();
  if (pullRequests.length === 0) return { prepared: [], created: new Set(), moved };
  const repository = ctx.sourceRepository();
  const projectId = ctx.project.id;
  const repoPath = repositoryPath(projectId);
  const existing = await db.mergeRequest.findMany({
    where: { projectId, iid: { in: pullRequests.map((pullRequest) => pullRequest.id) } },
    select: { id: true, iid: true, importedFrom: true, sourceId: true, updatedAt: true, sourceSha: true, targetSha: true },
  });
  const existingByIid = new Map(existing.map((row) => [row.iid, row]));
  const syncable: SourcePullRequest[] = [];
  for (const pullRequest of pullRequests) {
    const row = existingByIid.get(pullRequest.id);
    if (row && (row.importedFrom !== ctx.importedFrom || row.sourceId !== String(pullRequest.id))) {
      await recordFailure(ctx.importId, {
        stage,
        objectType: "pull_request",
        sourceId: String(pullRequest.id),
        sourceUrl: pullRequest.webUrl,
        message: `!${pullRequest.id} was created in Ferry, so pull request #${pullRequest.id} of the source was not brought over`,
      });
      continue;
    }
    syncable.push(pullRequest);
  }
  const forkProblems = new Map<number, string>();
  for (const pullRequest of syncable) {
    const problem = await fetchForkCommits(ctx, repository, pullRequest);
    if (problem) forkProblems.set(pullRequest.id, problem);
  }
  const commits = await indexCommits(repoPath, syncable);
  await warnAboutMissingForkCommits(ctx, syncable, forkProblems, commits);
  await text.remember(ctx, syncable.flatMap(pullRequestUsers));
  await ctx.checkpoint();

  const prepared: PreparedMergeRequest[] = [];
  for (const pullRequest of syncable) {
    try {
      prepared.push(await prepareMergeRequest(ctx, repository, text, pullRequest, commits));
    } catch (error) {
      await recordFailure(ctx.importId, { stage, objectType: "pull_request", sourceId: String(pullRequest.id), sourceUrl: pullRequest.webUrl, message: errorMessage(error) });
    }
  }
  const created = prepared.filter((entry) => !existingByIid.has(entry.pullRequest.id));
  if (created.length > 0) await writeMergeRequests(projectId, ctx.importedFrom, created);
  let updated = 0;
  // Diff positions are placed against the head and base commits: when either moved, every comment is placed again.
  let approvalsAdded = created.reduce((sum, entry) => sum + entry.approvals.length, 0);
  let approvalsRemoved = 0;
  for (const entry of prepared.filter((candidate) => existingByIid.has(candidate.pullRequest.id))) {
    const row = existingByIid.get(entry.pullRequest.id)!;
    const { data } = entry;
    const closers = options.keepClosers ? {} : { mergedById: data.mergedById, closedById: data.closedById, sourceClosedBy: data.sourceClosedBy };
    const changes = await db.$transaction(async (tx) => {
      await tx.mergeRequest.update({
        where: { id: row.id },
        data: {
          title: data.title,
          description: data.description,
          state: data.state,
          draft: data.draft,
          sourceBranch: data.sourceBranch,
          targetBranch: data.targetBranch,
          sourceSha: data.sourceSha,
          targetSha: data.targetSha,
          mergeCommitSha: data.mergeCommitSha,
          sourceFork: data.sourceFork,
          mergedAt: data.mergedAt,
          closedAt: data.closedAt,
          updatedAt: data.updatedAt,
          ...closers,
        },
      });
      return replaceParticipants(tx, row.id, entry, ctx.importedFrom);
    });
    approvalsAdded += changes.approvalsAdded;
    approvalsRemoved += changes.approvalsRemoved;
    if (row.updatedAt.getTime() !== data.updatedAt.getTime()) updated++;
    if (row.sourceSha !== data.sourceSha || row.targetSha !== data.targetSha) moved.add(row.iid);
  }
  await setHeadRefs(ctx, prepared, commits);
  await resolveFailures(ctx.importId, "pull_request", prepared.map((entry) => String(entry.pullRequest.id)));
  await addSyncCounts(syncId, "pull_request", { created: created.length, updated });
  await addSyncCounts(syncId, "approval", { created: approvalsAdded, removed: approvalsRemoved });
  return { prepared, created: new Set(created.map((entry) => entry.pullRequest.id)), moved };
}

/** The comments of synced pull requests, each from the activity feed or read again. */
async function syncPullRequestNotes(
  ctx: ImportContext,
  syncId: number,
  text: TextConverter,
  pullRequests: readonly SourcePullRequest[],
  activity: ReadonlyMap<number, SourceActivity[]> | null,
  moved: ReadonlySet<number>,
): Promise<void> {
  const mergeRequests = await db.mergeRequest.findMany({
    where: { projectId: ctx.project.id, iid: { in: pullRequests.map((pullRequest) => pullRequest.id) } },
    select: { id: true, iid: true, sourceSha: true, targetSha: true },
  });
  const byIid = new Map(mergeRequests.map((mergeRequest) => [mergeRequest.iid, mergeRequest]));
  const notes = await db.note.findMany({
    where: { mergeRequestId: { in: mergeRequests.map((mergeRequest) => mergeRequest.id) }, importedFrom: ctx.importedFrom },
    select: { id: true, mergeRequestId: true, sourceId: true, body: true, updatedAt: true, deletedAtSource: true, discussionId: true, type: true, position: true },
  });
  const comments = new Map<number, { list: SourceComment[]; complete: boolean }>();
  let failed = 0;
  for (const pullRequest of pullRequests) {
    const mergeRequest = byIid.get(pullRequest.id);
    if (!mergeRequest) continue;
    const own = notes.filter((note) => note.mergeRequestId === mergeRequest.id);
    const fromActivity = activity && !moved.has(pullRequest.id) ? commentsFromActivity(pullRequest, activity.get(pullRequest.id) ?? [], new Set(own.map((note) => note.sourceId ?? ""))) : null;
    if (fromActivity) {
      comments.set(pullRequest.id, { list: fromActivity, complete: false });
      continue;
    }
    if (pullRequest.commentCount === 0 && own.length === 0) continue;
    await ctx.checkpoint();
    try {
      comments.set(pullRequest.id, { list: await allItems((cursor) => ctx.source.pullRequestCommentsPage(pullRequest.id, cursor)), complete: true });
    } catch (error) {
      failed++;
      await recordFailure(ctx.importId, { stage: "sync_pull_requests", objectType: "pull_request_note", sourceId: `pull_request:${pullRequest.id}`, message: `Comments of pull request #${pullRequest.id}: ${errorMessage(error)}` });
    }
  }
  const diff = await diffLines(repositoryPath(ctx.project.id), mergeRequests, new Map([...comments].map(([iid, entry]) => [iid, entry.list])));
  await text.remember(ctx, [...comments.values()].flatMap((entry) => entry.list.map((comment) => comment.author)));
  const totals = { created: 0, updated: 0, removed: 0 };
  for (const [iid, { list, complete }] of comments) {
    const mergeRequest = byIid.get(iid)!;
    const own = notes.filter((note) => note.mergeRequestId === mergeRequest.id);
    const known = new Map<string, KnownNote>(own.map((note) => [note.sourceId ?? "", { discussionId: note.discussionId, type: note.type, position: note.position }]));
    try {
      const rows = await pullRequestNoteRows(ctx, text, mergeRequest, list, diff, known);
      const changes = await reconcileNotes(rows, list, own, complete);
      totals.created += changes.created;
      totals.updated += changes.updated;
      totals.removed += changes.removed;
      await resolveFailures(ctx.importId, "pull_request_note", [`pull_request:${iid}`]);
    } catch (error) {
      failed++;
      await recordFailure(ctx.importId, { stage: "sync_pull_requests", objectType: "pull_request_note", sourceId: `pull_request:${iid}`, message: `Comments of pull request #${iid}: ${errorMessage(error)}` });
    }
  }
  await addSyncCounts(syncId, "pull_request_note", { ...totals, failed });
}
