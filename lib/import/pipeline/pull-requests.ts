import { db, type MergeRequestState } from "@/lib/db";
import { fetchRefs, pathExists, repositoryPath, resolveCommit } from "@/lib/git";
import type { PullRequestState, SourceComment, SourcePullRequest, SourceRepository } from "@/lib/import/sources/types";
import { inlineCommentFallback } from "@/lib/import/content";
import { mapWithLimit } from "@/lib/util/concurrency";
import { sourceUserJson, type ImportContext } from "./context";
import { addMessage, addProgress, errorMessage, recordFailure, resolveFailure } from "./records";
import { allComments, discussionIdFor, inCreationOrder, threadRoots, upsertNotes, type NoteRow } from "./notes";
import type { TextConverter } from "./text";

const ITEM_CONCURRENCY = 4;

export function mergeRequestState(state: PullRequestState): MergeRequestState {
  if (state === "merged") return "merged";
  if (state === "open") return "opened";
  return "closed";
}

/** Source SHA: the source commit if the repository has it, else the merge commit, else the raw hash. */
export async function resolveSourceSha(repoPath: string, pullRequest: SourcePullRequest): Promise<string | null> {
  if (pullRequest.sourceCommit) {
    const found = await resolveCommit(repoPath, pullRequest.sourceCommit);
    if (found) return found;
  }
  if (pullRequest.mergeCommit) {
    const merged = await resolveCommit(repoPath, pullRequest.mergeCommit);
    if (merged) return merged;
  }
  return pullRequest.sourceCommit;
}

async function resolveOrRaw(repoPath: string, sha: string | null): Promise<string | null> {
  if (!sha) return null;
  return (await resolveCommit(repoPath, sha)) ?? sha;
}

/** Imports one pull request with its reviewers and approvals, in one transaction. */
export async function importPullRequest(ctx: ImportContext, repository: SourceRepository, text: TextConverter, pullRequest: SourcePullRequest): Promise<void> {
  const repoPath = repositoryPath(ctx.project.id);
  const fromFork = pullRequest.sourceRepository?.toLowerCase() !== repository.fullName.toLowerCase();
  if (fromFork) {
    if (pullRequest.sourceCloneUrl && pullRequest.sourceCommit) {
      try {
        await fetchRefs(repoPath, pullRequest.sourceCloneUrl, () => ctx.source.gitCredentials(), [
          { src: `refs/heads/${pullRequest.sourceBranch}`, dst: `refs/merge-requests/${pullRequest.id}/head` },
        ]);
      } catch (error) {
        await addMessage(ctx.importId, "warning", `fork_unreadable_${pullRequest.id}`,
          `Pull request !${pullRequest.id} comes from ${pullRequest.sourceRepository}, whose commits could not be fetched (${errorMessage(error)}); it was imported without them.`);
      }
    } else {
      await addMessage(ctx.importId, "warning", `fork_unreadable_${pullRequest.id}`,
        `Pull request !${pullRequest.id} comes from a fork that is gone or not readable; it was imported without its commits.`);
    }
  }
  const [sourceSha, targetSha, mergeCommitSha] = await Promise.all([
    resolveSourceSha(repoPath, pullRequest),
    resolveOrRaw(repoPath, pullRequest.targetCommit),
    resolveOrRaw(repoPath, pullRequest.mergeCommit),
  ]);
  const author = await ctx.author(pullRequest.author);
  const closer = await ctx.ferryUserFor(pullRequest.closedBy);
  const state = mergeRequestState(pullRequest.state);
  const reviewers = await Promise.all(pullRequest.reviewers.map(async (user) => ({ user, userId: await ctx.ferryUserFor(user) })));
  const approvals = await Promise.all(
    pullRequest.participants.filter((participant) => participant.approved).map(async (participant) => ({ participant, userId: await ctx.ferryUserFor(participant.user) })),
  );
  const data = {
    title: pullRequest.title,
    description: text.convert(pullRequest.description, pullRequest.author, author.mapped),
    state,
    draft: pullRequest.draft,
    sourceBranch: pullRequest.sourceBranch,
    targetBranch: pullRequest.targetBranch,
    sourceSha,
    targetSha,
    mergeCommitSha,
    sourceFork: fromFork ? (pullRequest.sourceRepository ?? "(deleted fork)") : null,
    authorId: author.userId,
    assigneeId: author.userId,
    mergedById: state === "merged" ? closer : null,
    closedById: state === "closed" ? closer : null,
    mergedAt: state === "merged" ? new Date(pullRequest.updatedAt) : null,
    closedAt: state === "closed" ? new Date(pullRequest.updatedAt) : null,
    createdAt: new Date(pullRequest.createdAt),
    updatedAt: new Date(pullRequest.updatedAt),
    importedFrom: "bitbucket",
    sourceId: String(pullRequest.id),
    sourceAuthor: sourceUserJson(pullRequest.author),
    sourceClosedBy: sourceUserJson(pullRequest.closedBy),
  };
  await db.$transaction(async (tx) => {
    const mergeRequest = await tx.mergeRequest.upsert({
      where: { projectId_iid: { projectId: ctx.project.id, iid: pullRequest.id } },
      create: { projectId: ctx.project.id, iid: pullRequest.id, ...data },
      update: data,
    });
    for (const reviewer of reviewers) {
      await tx.mergeRequestReviewer.upsert({
        where: { mergeRequestId_sourceUserId: { mergeRequestId: mergeRequest.id, sourceUserId: reviewer.user.id } },
        create: { mergeRequestId: mergeRequest.id, sourceUserId: reviewer.user.id, userId: reviewer.userId, sourceUser: sourceUserJson(reviewer.user)! },
        update: { userId: reviewer.userId, sourceUser: sourceUserJson(reviewer.user)! },
      });
    }
    for (const { participant, userId } of approvals) {
      await tx.approval.upsert({
        where: { mergeRequestId_sourceUserId: { mergeRequestId: mergeRequest.id, sourceUserId: participant.user.id } },
        create: {
          mergeRequestId: mergeRequest.id,
          sourceUserId: participant.user.id,
          userId,
          sourceUser: sourceUserJson(participant.user)!,
          approvedAt: participant.at ? new Date(participant.at) : null,
          importedFrom: "bitbucket",
        },
        update: { userId, approvedAt: participant.at ? new Date(participant.at) : null },
      });
    }
  });
  if (approvals.length) await addProgress(ctx.importId, "approval", { fetched: approvals.length, imported: approvals.length });
}

/** One page of pull requests; returns the PRs whose comments the notes stage must fetch. */
export async function importPullRequestPage(
  ctx: ImportContext,
  repository: SourceRepository,
  text: TextConverter,
  cursor: string | null,
): Promise<{ next: string | null; withComments: Array<{ id: number; commentCount: number }> }> {
  const page = await ctx.source.pullRequestsPage(cursor);
  await addProgress(ctx.importId, "pull_request", { total: page.total ?? undefined, fetched: page.items.length });
  let imported = 0;
  let failed = 0;
  await mapWithLimit(page.items, ITEM_CONCURRENCY, async (pullRequest) => {
    await ctx.checkpoint();
    try {
      await importPullRequest(ctx, repository, text, pullRequest);
      imported++;
      await resolveFailure(ctx.importId, "pull_request", String(pullRequest.id));
    } catch (error) {
      failed++;
      await recordFailure(ctx.importId, {
        stage: "pull_requests",
        objectType: "pull_request",
        sourceId: String(pullRequest.id),
        sourceUrl: pullRequest.webUrl,
        message: errorMessage(error),
      });
    }
  });
  await addProgress(ctx.importId, "pull_request", { imported, failed });
  return {
    next: page.next,
    withComments: page.items.filter((pullRequest) => pullRequest.commentCount > 0).map((pullRequest) => ({ id: pullRequest.id, commentCount: pullRequest.commentCount })),
  };
}

/** All comments of one pull request, threads and diff positions kept, written in one transaction. */
export async function importPullRequestNotes(ctx: ImportContext, text: TextConverter, pullRequestId: number): Promise<void> {
  const mergeRequest = await db.mergeRequest.findUnique({ where: { projectId_iid: { projectId: ctx.project.id, iid: pullRequestId } } });
  if (!mergeRequest) throw new Error(`Merge request !${pullRequestId} was not imported, so its comments cannot be`);
  const comments = await allComments((cursor) => ctx.source.pullRequestCommentsPage(pullRequestId, cursor));
  const visible = comments.filter((comment) => !comment.deleted);
  await addProgress(ctx.importId, "pull_request_note", { fetched: comments.length, skipped: comments.length - visible.length });
  const roots = threadRoots(comments);
  const repoPath = repositoryPath(ctx.project.id);
  const rows: NoteRow[] = [];
  for (const comment of inCreationOrder(visible)) {
    const author = await ctx.author(comment.author);
    const root = roots.get(comment.id) ?? comment.id;
    const rootComment = comments.find((candidate) => candidate.id === root);
    const inline = (rootComment?.inline ?? comment.inline) || null;
    let body = text.convert(comment.body, comment.author, author.mapped);
    let type: string | null = root !== comment.id ? "DiscussionNote" : null;
    let position: object | null = null;
    if (inline) {
      const resolvable = await diffPositionResolvable(repoPath, mergeRequest, inline.path);
      if (resolvable) {
        type = "DiffNote";
        position = { path: inline.path, oldLine: inline.oldLine, newLine: inline.newLine, baseSha: mergeRequest.targetSha, headSha: mergeRequest.sourceSha };
      } else if (root === comment.id) {
        body = `${inlineCommentFallback(inline)}\n\n${body}`;
      }
    }
    rows.push({
      sourceId: String(comment.id),
      data: {
        projectId: ctx.project.id,
        discussionId: discussionIdFor(ctx.importId, "mr", String(pullRequestId), root),
        type,
        body,
        authorId: author.userId,
        position: position ?? undefined,
        createdAt: new Date(comment.createdAt),
        updatedAt: new Date(comment.updatedAt),
        importedFrom: "bitbucket",
        sourceAuthor: sourceUserJson(comment.author),
      },
    });
  }
  await upsertNotes({ mergeRequestId: mergeRequest.id }, rows);
  await addProgress(ctx.importId, "pull_request_note", { imported: rows.length });
}

async function diffPositionResolvable(repoPath: string, mergeRequest: { sourceSha: string | null; targetSha: string | null }, path: string): Promise<boolean> {
  for (const sha of [mergeRequest.sourceSha, mergeRequest.targetSha]) {
    if (sha && (await pathExists(repoPath, sha, path).catch(() => false))) return true;
  }
  return false;
}

export async function importNotesFor(
  ctx: ImportContext,
  kind: "pull_request" | "issue",
  ids: number[],
  done: Set<number>,
  importOne: (id: number) => Promise<void>,
  onDone: (id: number) => Promise<void>,
): Promise<void> {
  const objectType = kind === "pull_request" ? "pull_request_note" : "issue_note";
  for (const id of ids) {
    if (done.has(id)) continue;
    await ctx.checkpoint();
    try {
      await importOne(id);
      await resolveFailure(ctx.importId, objectType, `${kind}:${id}`);
    } catch (error) {
      await addProgress(ctx.importId, objectType, { failed: 1 });
      await recordFailure(ctx.importId, {
        stage: kind === "pull_request" ? "pull_request_notes" : "issue_notes",
        objectType,
        sourceId: `${kind}:${id}`,
        message: `Comments of ${kind === "pull_request" ? "pull request" : "issue"} #${id}: ${errorMessage(error)}`,
      });
    }
    done.add(id);
    await onDone(id);
  }
}
