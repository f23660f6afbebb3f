import { db, type MergeRequestState } from "@/lib/db";
import { existingPaths, fetchRefs, repositoryPath, resolveCommits } from "@/lib/git";
import type { PullRequestState, SourceComment, SourcePullRequest, SourceRepository } from "@/lib/import/sources/types";
import { inlineCommentFallback } from "@/lib/import/content";
import { mapWithLimit } from "@/lib/util/concurrency";
import { ImportCanceled, sourceUserJson, type ImportContext } from "./context";
import { addMessage, addProgress, errorMessage, recordFailure, resolveFailure } from "./records";
import { allComments, discussionIdFor, inCreationOrder, threadRoots, upsertNotes, type NoteRow } from "./notes";
import type { TextConverter } from "./text";

const ITEM_CONCURRENCY = 4;
/** Issues or pull requests whose comments one unit fetches at once (requests are capped per process in context.ts). */
const NOTES_CONCURRENCY = 4;

export function mergeRequestState(state: PullRequestState): MergeRequestState {
  if (state === "merged") return "merged";
  if (state === "open") return "opened";
  return "closed";
}

/** Full SHAs of the commits a page of pull requests names, looked up with one git process. */
export type CommitIndex = Map<string, string | null>;

export async function indexCommits(repoPath: string, pullRequests: readonly SourcePullRequest[]): Promise<CommitIndex> {
  const shas = pullRequests.flatMap((pullRequest) => [pullRequest.sourceCommit, pullRequest.targetCommit, pullRequest.mergeCommit]);
  return resolveCommits(repoPath, shas.filter((sha): sha is string => Boolean(sha)));
}

function lookup(commits: CommitIndex, sha: string | null): string | null {
  return sha ? (commits.get(sha.trim().toLowerCase()) ?? null) : null;
}

/** Source SHA: the source commit if the repository has it, else the merge commit, else the raw hash. */
export function resolveSourceSha(commits: CommitIndex, pullRequest: SourcePullRequest): string | null {
  return lookup(commits, pullRequest.sourceCommit) ?? lookup(commits, pullRequest.mergeCommit) ?? pullRequest.sourceCommit;
}

/** A fork's commits go to refs/merge-requests/<id>/head; a fork that is gone or unreadable is a warning. */
async function fetchForkCommits(ctx: ImportContext, repository: SourceRepository, pullRequest: SourcePullRequest): Promise<void> {
  if (pullRequest.sourceRepository?.toLowerCase() === repository.fullName.toLowerCase()) return;
  if (pullRequest.sourceCloneUrl && pullRequest.sourceCommit) {
    try {
      await fetchRefs(repositoryPath(ctx.project.id), pullRequest.sourceCloneUrl, () => ctx.source.gitCredentials(), [
        { src: `refs/heads/${pullRequest.sourceBranch}`, dst: `refs/merge-requests/${pullRequest.id}/head` },
      ]);
      return;
    } catch (error) {
      await addMessage(ctx.importId, "warning", `fork_unreadable_${pullRequest.id}`,
        `Pull request !${pullRequest.id} comes from ${pullRequest.sourceRepository}, whose commits could not be fetched (${errorMessage(error)}); it was imported without them.`);
      return;
    }
  }
  await addMessage(ctx.importId, "warning", `fork_unreadable_${pullRequest.id}`,
    `Pull request !${pullRequest.id} comes from a fork that is gone or not readable; it was imported without its commits.`);
}

/** Imports one pull request with its reviewers and approvals, in one transaction. */
export async function importPullRequest(
  ctx: ImportContext,
  repository: SourceRepository,
  text: TextConverter,
  pullRequest: SourcePullRequest,
  commits: CommitIndex,
): Promise<void> {
  const fromFork = pullRequest.sourceRepository?.toLowerCase() !== repository.fullName.toLowerCase();
  const sourceSha = resolveSourceSha(commits, pullRequest);
  const targetSha = lookup(commits, pullRequest.targetCommit) ?? pullRequest.targetCommit;
  const mergeCommitSha = lookup(commits, pullRequest.mergeCommit) ?? pullRequest.mergeCommit;
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
  onNextPage: (next: string) => Promise<void>,
): Promise<{ next: string | null; withComments: Array<{ id: number; commentCount: number }> }> {
  const page = await ctx.source.pullRequestsPage(cursor);
  // The next page is fetched while this one is written.
  if (page.next) await onNextPage(page.next);
  await addProgress(ctx.importId, "pull_request", { total: page.total ?? undefined, fetched: page.items.length });
  let imported = 0;
  let failed = 0;
  for (const pullRequest of page.items) await fetchForkCommits(ctx, repository, pullRequest);
  const commits = await indexCommits(repositoryPath(ctx.project.id), page.items);
  await mapWithLimit(page.items, ITEM_CONCURRENCY, async (pullRequest) => {
    await ctx.checkpoint();
    try {
      await importPullRequest(ctx, repository, text, pullRequest, commits);
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
  const heads = [mergeRequest.sourceSha, mergeRequest.targetSha].filter((sha): sha is string => Boolean(sha));
  const inlinePaths = [...new Set(comments.flatMap((comment) => (comment.inline ? [comment.inline.path] : [])))];
  const present = await existingPaths(repositoryPath(ctx.project.id), heads.flatMap((commit) => inlinePaths.map((path) => ({ commit, path }))));
  const resolvable = (path: string) => heads.some((commit) => present.has(`${commit.toLowerCase()}:${path.replace(/^\/+/, "")}`));
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
      if (resolvable(inline.path)) {
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

export async function importNotesFor(
  ctx: ImportContext,
  kind: "pull_request" | "issue",
  ids: number[],
  done: Set<number>,
  importOne: (id: number) => Promise<void>,
  onDone: (id: number) => Promise<void>,
): Promise<void> {
  const objectType = kind === "pull_request" ? "pull_request_note" : "issue_note";
  await mapWithLimit(
    ids.filter((id) => !done.has(id)),
    NOTES_CONCURRENCY,
    async (id) => {
      await ctx.checkpoint();
      try {
        await importOne(id);
        await resolveFailure(ctx.importId, objectType, `${kind}:${id}`);
      } catch (error) {
        if (error instanceof ImportCanceled) throw error;
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
    },
  );
}
