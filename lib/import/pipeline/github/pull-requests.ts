import pLimit from "p-limit";
import { db } from "@/lib/db";
import { sourceUserOf, type GitHubPull, type GitHubReview } from "@/lib/import/sources/github";
import type { SourcePullRequest, SourceUser } from "@/lib/import/sources/types";
import { insertMissing } from "../bulk-insert";
import { ImportCanceled, sourceFields, sourceUserJson, type ImportContext } from "../context";
import { discussionIdFor, insertNotes, type NoteRow } from "../notes";
import { APPROVAL_COLUMNS, importPullRequests, type ApprovalRow } from "../pull-requests";
import { addProgress, errorMessage, recordFailure, resolveFailures } from "../records";
import { writePullAssignments } from "./assignments";
import { attachmentsOf, localiseWrittenTexts, withAttachments } from "./attachments";
import { GitHubText } from "./text";

/**
 * A GitHub pull request as the shared merge request writer takes it. Commits of every pull
 * request, forks included (even deleted ones), come from `refs/pull/N/head`, fetched with the git
 * data, so no fork is fetched separately; `sourceRepository` names the fork (null when deleted).
 */
export function toSourcePullRequest(pull: GitHubPull): SourcePullRequest {
  return {
    id: pull.number,
    title: pull.title,
    description: pull.body ?? "",
    state: pull.merged_at ? "merged" : pull.state === "open" ? "open" : "declined",
    draft: pull.draft,
    author: sourceUserOf(pull.user),
    sourceBranch: pull.head.ref,
    sourceCommit: pull.head.sha,
    sourceRepository: pull.head.repo ? pull.head.repo.full_name : null,
    sourceCloneUrl: null,
    targetBranch: pull.base.ref,
    targetCommit: pull.base.sha,
    mergeCommit: pull.merged_at ? (pull.merge_commit_sha ?? null) : null,
    closedBy: null,
    reviewers: pull.requested_reviewers.map(sourceUserOf).filter((user): user is SourceUser => user !== null),
    participants: [],
    commentCount: 0,
    createdAt: pull.created_at,
    updatedAt: pull.updated_at,
    closedAt: pull.merged_at ?? pull.closed_at ?? null,
    webUrl: pull.html_url,
  };
}

/**
 * One page of pull requests written as merge requests (with requested reviewers, labels,
 * milestone, assignees, and the attachments their descriptions link to); returns the numbers written.
 */
export async function importGitHubPulls(ctx: ImportContext, pulls: readonly GitHubPull[]): Promise<number[]> {
  const repository = ctx.sourceRepository();
  const text = await GitHubText.forContext(ctx);
  text.addPullNumbers(pulls.map((pull) => pull.number));
  await text.remember(ctx, pulls.flatMap((pull) => pull.assignees.map(sourceUserOf)));
  const { written } = await importPullRequests(ctx, repository, text, pulls.map(toSourcePullRequest));
  const writtenPulls = pulls.filter((pull) => written.includes(pull.number));
  await writePullAssignments(ctx, writtenPulls);
  await localisePullTexts(ctx, writtenPulls);
  return written;
}

/** The attachments the descriptions of these written pull requests link to, downloaded, and the descriptions pointed at them. */
export async function localisePullTexts(ctx: ImportContext, pulls: ReadonlyArray<{ number: number; body?: string | null }>): Promise<void> {
  await localiseWrittenTexts(
    ctx,
    new Map(pulls.map((pull) => [pull.number, pull.body])),
    async (iids) =>
      (await db.mergeRequest.findMany({ where: { projectId: ctx.project.id, iid: { in: iids } }, select: { id: true, iid: true, description: true, updatedAt: true } })).map((row) => ({
        ...row,
        key: row.iid,
        owner: { mergeRequestId: row.id },
        text: row.description,
      })),
    // The source's update time stays: pointing links elsewhere is no change of the merge request.
    (row, description) => db.mergeRequest.update({ where: { id: row.id }, data: { description, updatedAt: row.updatedAt } }),
  );
}

const REVIEW_CONCURRENCY = 10;
const WITHDRAWING_STATES = new Set(["CHANGES_REQUESTED", "DISMISSED"]);

/** Each reviewer's latest APPROVED review, unless a later CHANGES_REQUESTED or DISMISSED review of theirs withdrew it. */
export function approvalsOf(reviews: readonly GitHubReview[]): GitHubReview[] {
  const latest = new Map<number, GitHubReview>();
  const ordered = [...reviews].sort((a, b) => (a.submitted_at ?? "").localeCompare(b.submitted_at ?? "") || a.id - b.id);
  for (const review of ordered) {
    if (!review.user) continue;
    if (review.state === "APPROVED" || WITHDRAWING_STATES.has(review.state)) latest.set(review.user.id, review);
  }
  return [...latest.values()].filter((review) => review.state === "APPROVED");
}

/** The approvals (each reviewer's latest state) and review body notes of pull requests' reviews. */
export async function reviewRows(ctx: ImportContext, text: GitHubText, fetched: ReadonlyMap<number, readonly GitHubReview[]>, idOf: ReadonlyMap<number, number>): Promise<{ approvals: ApprovalRow[]; notes: NoteRow[] }> {
  await text.remember(ctx, [...fetched.values()].flat().map((review) => sourceUserOf(review.user)));
  const approvals: ApprovalRow[] = [];
  const notes: NoteRow[] = [];
  for (const [number, reviews] of fetched) {
    const mergeRequestId = idOf.get(number)!;
    for (const review of approvalsOf(reviews)) {
      const user = sourceUserOf(review.user);
      if (!user) continue;
      approvals.push({ mergeRequestId, sourceUserId: user.id, userId: await ctx.ferryUserFor(user), sourceUser: sourceUserJson(user)!, approvedAt: review.submitted_at ? new Date(review.submitted_at) : null, importedFrom: ctx.importedFrom });
    }
    for (const review of reviews) {
      if (!review.body?.trim() && review.state === "COMMENTED") continue;
      const user = sourceUserOf(review.user);
      const author = await ctx.author(user);
      const verb = REVIEW_WORDS[review.state] ?? "reviewed";
      const attachments = await attachmentsOf(ctx, { mergeRequestId }, review.body);
      const body = withAttachments(review.body?.trim() ? text.convert(review.body, user, author.mapped) : text.convert(`*${verb}*`, user, author.mapped), attachments);
      const at = review.submitted_at ?? new Date(0).toISOString();
      notes.push({
        projectId: ctx.project.id,
        mergeRequestId,
        discussionId: discussionIdFor(ctx.importId, "review", String(number), review.id),
        body,
        authorId: author.userId,
        ...sourceFields({ id: review.id, createdAt: at, updatedAt: at }, user, ctx.importedFrom),
        sourceId: `review-${review.id}`,
      });
    }
  }
  return { approvals, notes };
}

const REVIEW_WORDS: Record<string, string> = { APPROVED: "approved", CHANGES_REQUESTED: "requested changes", COMMENTED: "reviewed", DISMISSED: "reviewed (dismissed)" };

/**
 * The reviews of a batch of pull requests (GitHub has no repository-wide listing of them):
 * approvals from each reviewer's latest state, review bodies as notes. A pull request whose
 * reviews cannot be read fails alone. When GitHub's rate limit stops the batch, what was read
 * is written first and `handled` hears which pull requests are done, so the batch's next run
 * reads only the others; then the rate limit is thrown.
 */
export async function importGitHubReviews(ctx: ImportContext, numbers: readonly number[], handled: (numbers: number[]) => Promise<void>): Promise<void> {
  const text = await GitHubText.forContext(ctx);
  const mergeRequests = await db.mergeRequest.findMany({ where: { projectId: ctx.project.id, iid: { in: [...numbers] } }, select: { id: true, iid: true } });
  const idOf = new Map(mergeRequests.map((row) => [row.iid, row.id]));
  const failures = new Map<number, string>();
  const fetched = new Map<number, GitHubReview[]>();
  let rateLimited: unknown = null;
  await pLimit(REVIEW_CONCURRENCY).map(numbers, async (number) => {
    await ctx.checkpoint();
    if (rateLimited) return;
    if (!idOf.has(number)) return void failures.set(number, `Merge request !${number} was not imported, so its reviews cannot be`);
    try {
      fetched.set(number, await ctx.github.reviews(number));
    } catch (error) {
      if (error instanceof ImportCanceled) throw error;
      if ((error as { code?: string }).code === "github_rate_limited") rateLimited ??= error;
      else failures.set(number, errorMessage(error));
    }
  });
  const all = [...fetched.values()].flat();
  const { approvals, notes } = await reviewRows(ctx, text, fetched, idOf);
  await ctx.checkpoint();
  await insertMissing(db, "approvals", APPROVAL_COLUMNS, approvals);
  await insertNotes(notes);
  await addProgress(ctx.importId, "pull_request_review", { fetched: all.length, imported: all.length, failed: failures.size });
  if (approvals.length) await addProgress(ctx.importId, "approval", { fetched: approvals.length, imported: approvals.length });
  await resolveFailures(ctx.importId, "pull_request_review", [...fetched.keys()].map(String));
  for (const [number, message] of failures) {
    await recordFailure(ctx.importId, { stage: "github_reviews", objectType: "pull_request_review", sourceId: String(number), message: `Reviews of pull request !${number}: ${message}` });
  }
  if (rateLimited) {
    await handled([...fetched.keys(), ...failures.keys()]);
    throw rateLimited;
  }
}
