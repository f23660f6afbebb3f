import { db, type MergeRequestState, type Prisma } from "@/lib/db";
import { fetchRefs, lineCounts, repositoryPath, resolveCommits, updateRefs } from "@/lib/git";
import type { PullRequestState, SourceComment, SourcePullRequest, SourceRepository, SourceUser } from "@/lib/import/sources/types";
import { inlineCommentFallback } from "@/lib/import/content";
import { insertMissing, type Columns } from "./bulk-insert";
import { sourceFields, sourceUserJson, type ImportContext } from "./context";
import { addMessage, addProgress, errorMessage, recordFailure, resolveFailures, writeIsolatingFailures } from "./records";
import { NotesBatch, discussionIdFor, inCreationOrder, threadRoots, type NoteRow } from "./notes";
import type { ItemTextConverter as TextConverter } from "./text";

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

function isFromFork(repository: SourceRepository, pullRequest: SourcePullRequest): boolean {
  return pullRequest.sourceRepository?.toLowerCase() !== repository.fullName.toLowerCase();
}

/**
 * A readable fork's branch is fetched into refs/merge-requests/<id>/head. Returns why it could
 * not be (null when fetched, or when the pull request is not from a fork).
 */
export async function fetchForkCommits(ctx: ImportContext, repository: SourceRepository, pullRequest: SourcePullRequest): Promise<string | null> {
  if (!isFromFork(repository, pullRequest)) return null;
  if (!pullRequest.sourceCloneUrl || !pullRequest.sourceCommit) return "the fork is gone";
  try {
    await fetchRefs(repositoryPath(ctx.project.id), pullRequest.sourceCloneUrl, (refused) => ctx.source.gitCredentials(refused), [
      { src: `refs/heads/${pullRequest.sourceBranch}`, dst: `refs/merge-requests/${pullRequest.id}/head` },
    ]);
    return null;
  } catch (error) {
    return `its commits could not be fetched from ${pullRequest.sourceRepository}: ${errorMessage(error)}`;
  }
}

/**
 * A pull request from a fork whose source commit is still not in the repository (the fork is
 * gone or unreadable) is imported as an empty merge request, with a warning. One whose commits
 * came in anyway (merged, so reachable here) needs none.
 */
export async function warnAboutMissingForkCommits(ctx: ImportContext, pullRequests: readonly SourcePullRequest[], problems: ReadonlyMap<number, string>, commits: CommitIndex): Promise<void> {
  for (const pullRequest of pullRequests) {
    const problem = problems.get(pullRequest.id);
    if (!problem || lookup(commits, pullRequest.sourceCommit)) continue;
    const fork = pullRequest.sourceRepository ?? "a fork";
    await addMessage(ctx.importId, "warning", `fork_unreadable_${pullRequest.id}`,
      `Pull request !${pullRequest.id} comes from ${fork} and was imported without its commits: ${problem}.`);
  }
}

export function pullRequestUsers(pullRequest: SourcePullRequest): Array<SourceUser | null> {
  return [pullRequest.author, pullRequest.closedBy, ...pullRequest.reviewers, ...pullRequest.participants.map((participant) => participant.user)];
}

export type PreparedMergeRequest = {
  pullRequest: SourcePullRequest;
  data: {
    projectId: number;
    iid: number;
    title: string;
    description: string;
    state: MergeRequestState;
    draft: boolean;
    sourceBranch: string;
    targetBranch: string;
    sourceSha: string | null;
    targetSha: string | null;
    mergeCommitSha: string | null;
    sourceFork: string | null;
    authorId: string;
    assigneeId: string | null;
    mergedById: string | null;
    closedById: string | null;
    mergedAt: Date | null;
    closedAt: Date | null;
    createdAt: Date;
    updatedAt: Date;
    importedFrom: string;
    sourceId: string;
    sourceAuthor: Prisma.InputJsonValue | undefined;
    sourceClosedBy: Prisma.InputJsonValue | undefined;
  };
  reviewers: Array<{ user: SourceUser; userId: string | null }>;
  approvals: Array<{ user: SourceUser; userId: string | null; at: string | null }>;
};

/** The merge request row of one pull request, with its reviewers and approvals; no writes. */
export async function prepareMergeRequest(
  ctx: ImportContext,
  repository: SourceRepository,
  text: TextConverter,
  pullRequest: SourcePullRequest,
  commits: CommitIndex,
): Promise<PreparedMergeRequest> {
  const sourceSha = resolveSourceSha(commits, pullRequest);
  const targetSha = lookup(commits, pullRequest.targetCommit) ?? pullRequest.targetCommit;
  const mergeCommitSha = lookup(commits, pullRequest.mergeCommit) ?? pullRequest.mergeCommit;
  const author = await ctx.author(pullRequest.author);
  const closer = await ctx.ferryUserFor(pullRequest.closedBy);
  const state = mergeRequestState(pullRequest.state);
  const reviewers = [];
  for (const user of pullRequest.reviewers) reviewers.push({ user, userId: await ctx.ferryUserFor(user) });
  const approvals = [];
  for (const participant of pullRequest.participants.filter((candidate) => candidate.approved)) {
    approvals.push({ user: participant.user, userId: await ctx.ferryUserFor(participant.user), at: participant.at });
  }
  const fromFork = isFromFork(repository, pullRequest);
  return {
    pullRequest,
    reviewers,
    approvals,
    data: {
      projectId: ctx.project.id,
      iid: pullRequest.id,
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
      mergedAt: state === "merged" ? new Date(pullRequest.closedAt ?? pullRequest.updatedAt) : null,
      closedAt: state === "closed" ? new Date(pullRequest.closedAt ?? pullRequest.updatedAt) : null,
      ...sourceFields(pullRequest, pullRequest.author, ctx.importedFrom),
      sourceClosedBy: sourceUserJson(pullRequest.closedBy),
    },
  };
}

/**
 * Merge requests with their reviewers and approvals, in one transaction: a merge request is
 * never there without them. Rows keyed by (project, iid) are inserted once; a re-run skips them.
 */
export async function writeMergeRequests(projectId: number, importedFrom: string, batch: readonly PreparedMergeRequest[]): Promise<void> {
  await db.$transaction(async (tx) => {
    await insertMissing(tx, "merge_requests", MERGE_REQUEST_COLUMNS, batch.map((entry) => entry.data));
    const rows = await tx.mergeRequest.findMany({
      where: { projectId, iid: { in: batch.map((entry) => entry.pullRequest.id) } },
      select: { id: true, iid: true },
    });
    const idOf = new Map(rows.map((row) => [row.iid, row.id]));
    const reviewers = batch.flatMap((entry) =>
      entry.reviewers.map(({ user, userId }) => ({ mergeRequestId: idOf.get(entry.pullRequest.id)!, sourceUserId: user.id, userId, sourceUser: sourceUserJson(user)! })),
    );
    await insertMissing(tx, "merge_request_reviewers", REVIEWER_COLUMNS, reviewers);
    const approvals = batch.flatMap((entry) =>
      entry.approvals.map(({ user, userId, at }) => ({
        mergeRequestId: idOf.get(entry.pullRequest.id)!,
        sourceUserId: user.id,
        userId,
        sourceUser: sourceUserJson(user)!,
        approvedAt: at ? new Date(at) : null,
        importedFrom,
      })),
    );
    await insertMissing(tx, "approvals", APPROVAL_COLUMNS, approvals);
  });
}

type MergeRequestRow = PreparedMergeRequest["data"];

const MERGE_REQUEST_COLUMNS: Columns<MergeRequestRow> = {
  project_id: { type: "integer", value: (row) => row.projectId },
  iid: { type: "integer", value: (row) => row.iid },
  title: { type: "text", value: (row) => row.title },
  description: { type: "text", value: (row) => row.description },
  state: { type: { enum: "MergeRequestState" }, value: (row) => row.state },
  draft: { type: "boolean", value: (row) => row.draft },
  source_branch: { type: "text", value: (row) => row.sourceBranch },
  target_branch: { type: "text", value: (row) => row.targetBranch },
  source_sha: { type: "text", value: (row) => row.sourceSha },
  target_sha: { type: "text", value: (row) => row.targetSha },
  merge_commit_sha: { type: "text", value: (row) => row.mergeCommitSha },
  source_fork: { type: "text", value: (row) => row.sourceFork },
  author_id: { type: "text", value: (row) => row.authorId },
  assignee_id: { type: "text", value: (row) => row.assigneeId },
  merged_by_id: { type: "text", value: (row) => row.mergedById },
  closed_by_id: { type: "text", value: (row) => row.closedById },
  merged_at: { type: "timestamp", value: (row) => row.mergedAt },
  closed_at: { type: "timestamp", value: (row) => row.closedAt },
  created_at: { type: "timestamp", value: (row) => row.createdAt },
  updated_at: { type: "timestamp", value: (row) => row.updatedAt },
  imported_from: { type: "text", value: (row) => row.importedFrom },
  source_id: { type: "text", value: (row) => row.sourceId },
  source_author: { type: "jsonb", value: (row) => row.sourceAuthor },
  source_closed_by: { type: "jsonb", value: (row) => row.sourceClosedBy },
};

export type ReviewerRow = { mergeRequestId: number; sourceUserId: string; userId: string | null; sourceUser: Prisma.InputJsonValue };
export const REVIEWER_COLUMNS: Columns<ReviewerRow> = {
  merge_request_id: { type: "integer", value: (row) => row.mergeRequestId },
  source_user_id: { type: "text", value: (row) => row.sourceUserId },
  user_id: { type: "text", value: (row) => row.userId },
  source_user: { type: "jsonb", value: (row) => row.sourceUser },
};

export type ApprovalRow = ReviewerRow & { approvedAt: Date | null; importedFrom: string };
export const APPROVAL_COLUMNS: Columns<ApprovalRow> = {
  ...REVIEWER_COLUMNS,
  approved_at: { type: "timestamp", value: (row) => row.approvedAt },
  imported_from: { type: "text", value: (row) => row.importedFrom },
};

/**
 * One page of pull requests: fork commits fetched, commits looked up with one git process, all
 * merge requests written in one transaction (each alone only if that fails, so one bad pull
 * request is the only failure), and every merge request's head ref set in one git transaction.
 * Returns the pull requests whose comments the notes stage must fetch.
 */
export async function importPullRequests(
  ctx: ImportContext,
  repository: SourceRepository,
  text: TextConverter,
  pullRequests: readonly SourcePullRequest[],
): Promise<{ written: number[]; withComments: number[] }> {
  await ctx.checkpoint();
  const repoPath = repositoryPath(ctx.project.id);
  const forkProblems = new Map<number, string>();
  for (const pullRequest of pullRequests) {
    const problem = await fetchForkCommits(ctx, repository, pullRequest);
    if (problem) forkProblems.set(pullRequest.id, problem);
  }
  const commits = await indexCommits(repoPath, pullRequests);
  await warnAboutMissingForkCommits(ctx, pullRequests, forkProblems, commits);
  await text.remember(ctx, pullRequests.flatMap(pullRequestUsers));

  const failures = new Map<number, string>();
  const prepared: PreparedMergeRequest[] = [];
  for (const pullRequest of pullRequests) {
    try {
      prepared.push(await prepareMergeRequest(ctx, repository, text, pullRequest, commits));
    } catch (error) {
      failures.set(pullRequest.id, errorMessage(error));
    }
  }
  await ctx.checkpoint();
  const written = await writeIsolatingFailures(prepared, (rows) => writeMergeRequests(ctx.project.id, ctx.importedFrom, [...rows]), (entry, error) =>
    failures.set(entry.pullRequest.id, errorMessage(error)),
  );

  await setHeadRefs(ctx, written, commits);
  await addProgress(ctx.importId, "pull_request", { imported: written.length, failed: failures.size });
  const approvals = written.reduce((sum, entry) => sum + entry.approvals.length, 0);
  if (approvals) await addProgress(ctx.importId, "approval", { fetched: approvals, imported: approvals });
  await resolveFailures(ctx.importId, "pull_request", written.map((entry) => String(entry.pullRequest.id)));
  for (const [id, message] of failures) {
    const pullRequest = pullRequests.find((candidate) => candidate.id === id)!;
    await recordFailure(ctx.importId, { stage: "pull_requests", objectType: "pull_request", sourceId: String(id), sourceUrl: pullRequest.webUrl, message });
  }
  return {
    written: written.map((entry) => entry.pullRequest.id),
    withComments: written.filter((entry) => entry.pullRequest.commentCount > 0).map((entry) => entry.pullRequest.id),
  };
}

/**
 * `refs/merge-requests/<iid>/head` for every merge request whose source commit is in the
 * repository (a readable fork's was fetched into it), as GitLab keeps them: the commits of merged
 * and deleted branches and of deleted forks stay reachable, and clones can fetch them.
 */
export async function setHeadRefs(ctx: ImportContext, written: readonly PreparedMergeRequest[], commits: CommitIndex): Promise<void> {
  const refs = written.flatMap(({ pullRequest }) => {
    const sha = lookup(commits, pullRequest.sourceCommit);
    return sha ? [{ ref: `refs/merge-requests/${pullRequest.id}/head`, sha }] : [];
  });
  try {
    await updateRefs(repositoryPath(ctx.project.id), refs);
  } catch (error) {
    await addMessage(ctx.importId, "warning", "merge_request_refs", `Some merge request refs could not be written: ${errorMessage(error)}`);
  }
}

export type MergeRequestHeads = { id: number; iid: number; sourceSha: string | null; targetSha: string | null };

/** Whether diff positions can be placed: the file's line counts at each merge request's commits. */
export async function diffLines(repoPath: string, mergeRequests: readonly MergeRequestHeads[], comments: ReadonlyMap<number, SourceComment[]>) {
  const paths = new Set<string>();
  const shas = new Set<string>();
  for (const mergeRequest of mergeRequests) {
    const inline = (comments.get(mergeRequest.iid) ?? []).filter((comment) => comment.inline);
    if (inline.length === 0) continue;
    for (const comment of inline) paths.add(comment.inline!.path);
    for (const sha of [mergeRequest.sourceSha, mergeRequest.targetSha]) if (sha) shas.add(sha);
  }
  if (paths.size === 0) return { commitOf: new Map<string, string | null>(), lines: new Map<string, number>() };
  const commitOf = await resolveCommits(repoPath, [...shas]);
  const existing = [...commitOf.values()].filter((sha): sha is string => Boolean(sha));
  return { commitOf, lines: await lineCounts(repoPath, existing, [...paths]) };
}

/**
 * A diff position is placed when the file has the line in the version it refers to: `newLine`
 * in the source (head) commit, `oldLine` in the target (base) commit; a comment on the whole file
 * needs the file in either.
 */
function positionResolves(
  inline: NonNullable<SourceComment["inline"]>,
  head: string | null,
  base: string | null,
  lines: ReadonlyMap<string, number>,
): boolean {
  const path = inline.path.replace(/^\/+/, "");
  const count = (commit: string | null) => (commit ? lines.get(`${commit}:${path}`) : undefined);
  const fits = (line: number | null, commit: string | null) => {
    if (line === null) return true;
    const total = count(commit);
    return total !== undefined && line >= 1 && line <= total;
  };
  if (inline.newLine === null && inline.oldLine === null) return count(head) !== undefined || count(base) !== undefined;
  return fits(inline.newLine, head) && fits(inline.oldLine, base);
}

/**
 * All comments of a batch of pull requests: threads kept, inline comments as diff notes where
 * their position resolves (else a plain note naming file and lines), deleted ones skipped,
 * written in one statement.
 */
export async function importPullRequestNotes(ctx: ImportContext, text: TextConverter, pullRequestIds: readonly number[]): Promise<void> {
  const batch = new NotesBatch(ctx, "pull_request");
  const mergeRequests = await db.mergeRequest.findMany({
    where: { projectId: ctx.project.id, iid: { in: [...pullRequestIds] } },
    select: { id: true, iid: true, sourceSha: true, targetSha: true },
  });
  const byIid = new Map(mergeRequests.map((mergeRequest) => [mergeRequest.iid, mergeRequest]));
  for (const id of pullRequestIds) {
    if (!byIid.has(id)) batch.fail(id, new Error(`Merge request !${id} was not imported, so its comments cannot be`));
  }
  const comments = await batch.fetchAll(
    pullRequestIds.filter((id) => byIid.has(id)),
    (id, cursor) => ctx.source.pullRequestCommentsPage(id, cursor),
  );
  const { commitOf, lines } = await diffLines(repositoryPath(ctx.project.id), mergeRequests, comments);
  await text.remember(ctx, [...comments.values()].flat().map((comment) => comment.author));

  await batch.writeAll(comments, async (pullRequestId, list) => {
    const visible = list.filter((comment) => !comment.deleted);
    batch.skipped += list.length - visible.length;
    return pullRequestNoteRows(ctx, text, byIid.get(pullRequestId)!, list, { commitOf, lines });
  });
}

/** A note already written, as a reply written later needs it: its thread and diff position. */
export type KnownNote = { discussionId: string; type: string | null; position: Prisma.JsonValue | null };

/**
 * The note rows of a pull request's comments (deleted ones left out): threads kept, inline
 * comments as diff notes where their position resolves, else a plain note naming file and lines.
 * A reply whose parent is not in `list` joins the parent's thread from `known` (by source id).
 */
export async function pullRequestNoteRows(
  ctx: ImportContext,
  text: TextConverter,
  mergeRequest: MergeRequestHeads,
  list: readonly SourceComment[],
  diff: Awaited<ReturnType<typeof diffLines>>,
  known: ReadonlyMap<string, KnownNote> = new Map(),
): Promise<NoteRow[]> {
  const { commitOf, lines } = diff;
  const pullRequestId = mergeRequest.iid;
  const head = mergeRequest.sourceSha ? (commitOf.get(mergeRequest.sourceSha.toLowerCase()) ?? null) : null;
  const base = mergeRequest.targetSha ? (commitOf.get(mergeRequest.targetSha.toLowerCase()) ?? null) : null;
  const visible = list.filter((comment) => !comment.deleted);
  const byId = new Map(list.map((comment) => [comment.id, comment]));
  const roots = threadRoots(list);
  const rows: NoteRow[] = [];
  for (const comment of inCreationOrder(visible)) {
    const author = await ctx.author(comment.author);
    const root = roots.get(comment.id) ?? comment.id;
    const rootParent = byId.get(root)?.parentId ?? null;
    const joined = rootParent !== null ? known.get(String(rootParent)) : undefined;
    let body = text.convert(comment.body, comment.author, author.mapped);
    if (joined) {
      rows.push({
        projectId: ctx.project.id,
        mergeRequestId: mergeRequest.id,
        discussionId: joined.discussionId,
        type: joined.type === "DiffNote" ? "DiffNote" : "DiscussionNote",
        body,
        system: comment.system ?? false,
        authorId: author.userId,
        position: joined.type === "DiffNote" ? ((joined.position ?? undefined) as Prisma.InputJsonValue | undefined) : undefined,
        ...sourceFields(comment, comment.author, ctx.importedFrom),
      });
      continue;
    }
    const inline = (byId.get(root)?.inline ?? comment.inline) || null;
    let type: string | null = root !== comment.id ? "DiscussionNote" : null;
    let position: Prisma.InputJsonValue | undefined;
    if (inline) {
      if (!inline.orphaned && positionResolves(inline, head, base, lines)) {
        type = "DiffNote";
        position = { path: inline.path, oldLine: inline.oldLine, newLine: inline.newLine, baseSha: mergeRequest.targetSha, headSha: mergeRequest.sourceSha };
      } else if (root === comment.id) {
        body = `${inlineCommentFallback(inline)}\n\n${body}`;
      }
    }
    rows.push({
      projectId: ctx.project.id,
      mergeRequestId: mergeRequest.id,
      discussionId: discussionIdFor(ctx.importId, "mr", String(pullRequestId), root),
      type,
      body,
      system: comment.system ?? false,
      authorId: author.userId,
      position,
      ...sourceFields(comment, comment.author, ctx.importedFrom),
    });
  }
  return rows;
}
