/**
 * Syncing a GitHub import: what changed since the watermarks, read from GitHub's listings sorted
 * by update time (`since=`), written in place. Issues and pull requests come from one listing
 * (`/issues?sort=updated&since=`); a changed pull request's branches, draft and requested
 * reviewers from the pull listing read newest first down to it, its approvals from its reviews;
 * comments and review comments from the repository-wide listings filtered with `since`; events
 * from the event listing, newest first, down to the watermark. Rows created in Ferry are never
 * touched.
 */
import { isDeepStrictEqual } from "node:util";
import pLimit from "p-limit";
import { z } from "zod";
import { db } from "@/lib/db";
import type { ImportContext } from "@/lib/import/pipeline/context";
import { releaseAttachmentLinks, withAttachments } from "@/lib/import/pipeline/github/attachments";
import { importsCollaborators, localiseReleaseTexts, protectedBranchData, releaseRow, writeMembers } from "@/lib/import/pipeline/github/metadata";
import { assigneeIdsOf, labelIdsFor, milestoneIdsFor } from "@/lib/import/pipeline/github/assignments";
import { referenceScanner } from "@/lib/import/pipeline/github/cross-references";
import { importGitHubIssues, localiseIssueTexts, prepareGitHubIssue } from "@/lib/import/pipeline/github/issues";
import { eventRows, issueCommentRows, recordClosers, reviewCommentRows } from "@/lib/import/pipeline/github/notes";
import { approvalsOf, localisePullTexts, reviewRows, toSourcePullRequest } from "@/lib/import/pipeline/github/pull-requests";
import { GitHubText } from "@/lib/import/pipeline/github/text";
import { insertNotes, type NoteRow } from "@/lib/import/pipeline/notes";
import { errorMessage, recordFailure, resolveFailures } from "@/lib/import/pipeline/records";
import { numberFromUrl, sourceUserOf, type GitHubIssue, type GitHubIssueComment, type GitHubIssueEvent, type GitHubPull, type GitHubReview, type GitHubReviewComment, type GitHubUserJson } from "@/lib/import/sources/github";
import { reconcileNotes, type ExistingNote } from "./notes";
import { writeSyncedPullRequests } from "./pull-requests";
import { addSyncCounts, advanceWatermark, moveWatermark, readWatermark, unseen } from "./records";

const REVIEW_CONCURRENCY = 6;

/** An entry of a listing sorted by update time, as the watermark code takes it. */
export type Stamped<T> = { id: number; updatedAt: string; value: T };
export const stampedItem = (item: GitHubIssue): Stamped<GitHubIssue> => ({ id: item.number, updatedAt: item.updated_at, value: item });
export const stampedComment = <T extends { id: number; updated_at: string }>(comment: T): Stamped<T> => ({ id: comment.id, updatedAt: comment.updated_at, value: comment });

// --- labels, milestones, releases ---------------------------------------------------------------

const metadataPayload = z.object({ labels: z.array(z.string()).nullable().default(null) });

/** The source's label names, as the metadata stage of this sync read them; null when it could not. */
export async function sourceLabelNames(importId: number): Promise<Set<string> | null> {
  const unit = await db.importWorkUnit.findUnique({ where: { importId_stage_key: { importId, stage: GITHUB_SYNC_METADATA_STAGE, key: "metadata" } }, select: { payload: true } });
  const labels = metadataPayload.safeParse(unit?.payload ?? {}).data?.labels ?? null;
  return labels ? new Set(labels) : null;
}

export const GITHUB_SYNC_METADATA_STAGE = "github_sync_metadata";

/**
 * Labels, milestones and releases (one listing each, a page for most repositories): new ones
 * created, changed ones updated in place. The label names are kept for the items stage, which
 * takes off an item's labels only those the source has.
 */
export async function syncGitHubMetadata(ctx: ImportContext, syncId: number, unitId: number): Promise<void> {
  const projectId = ctx.project.id;
  const source = ctx.github;
  const [labels, milestones, releases] = await Promise.all([source.labels(), source.milestones(), source.releases()]);
  const text = await GitHubText.forContext(ctx);

  const knownLabels = new Map((await db.label.findMany({ where: { projectId }, select: { id: true, title: true, color: true, description: true } })).map((row) => [row.title, row]));
  const labelCounts = { created: 0, updated: 0 };
  for (const label of labels) {
    const data = { color: `#${label.color ?? "ededed"}`, description: label.description ?? null };
    const row = knownLabels.get(label.name);
    if (!row) {
      await db.label.createMany({ data: [{ projectId, title: label.name, ...data }], skipDuplicates: true });
      labelCounts.created++;
    } else if (row.color !== data.color || row.description !== data.description) {
      await db.label.update({ where: { id: row.id }, data });
      labelCounts.updated++;
    }
  }
  await addSyncCounts(syncId, "label", labelCounts);

  const knownMilestones = new Map((await db.milestone.findMany({ where: { projectId }, select: { id: true, iid: true, title: true, description: true, state: true, dueDate: true, sourceId: true } })).map((row) => [row.iid, row]));
  const milestoneCounts = { created: 0, updated: 0 };
  for (const milestone of milestones) {
    const data = {
      title: milestone.title,
      description: milestone.description ?? "",
      state: milestone.state === "closed" ? ("closed" as const) : ("active" as const),
      dueDate: milestone.due_on ? new Date(milestone.due_on) : null,
    };
    const row = knownMilestones.get(milestone.number);
    if (!row) {
      await db.milestone.createMany({ data: [{ projectId, iid: milestone.number, ...data, sourceId: String(milestone.id), createdAt: new Date(milestone.created_at) }], skipDuplicates: true });
      milestoneCounts.created++;
    } else if (row.sourceId === String(milestone.id) && (row.title !== data.title || row.description !== data.description || row.state !== data.state || row.dueDate?.getTime() !== data.dueDate?.getTime())) {
      await db.milestone.update({ where: { id: row.id }, data });
      milestoneCounts.updated++;
    }
  }
  await addSyncCounts(syncId, "milestone", milestoneCounts);

  const published = releases.filter((release) => !release.draft);
  await text.remember(ctx, published.map((release) => sourceUserOf(release.author)));
  const knownReleases = new Map((await db.release.findMany({ where: { projectId }, select: { id: true, tagName: true, name: true, description: true, sourceId: true } })).map((row) => [row.tagName, row]));
  // A stored description has its attachment links pointed at Ferry: the source's is compared after the same rewrite.
  const attachmentLinks = await releaseAttachmentLinks([...knownReleases.values()].map((row) => row.id));
  const releaseCounts = { created: 0, updated: 0 };
  for (const release of published) {
    const fresh = releaseRow(projectId, text, release);
    const data = { name: fresh.name, description: fresh.description };
    const row = knownReleases.get(release.tag_name);
    if (!row) {
      await db.release.createMany({ data: [fresh], skipDuplicates: true });
      releaseCounts.created++;
    } else if (row.sourceId === String(release.id) && (row.name !== data.name || row.description !== withAttachments(data.description, attachmentLinks.get(row.id) ?? new Map()))) {
      await db.release.update({ where: { id: row.id }, data });
      releaseCounts.updated++;
    }
  }
  await localiseReleaseTexts(ctx, published);
  await addSyncCounts(syncId, "release", releaseCounts);
  await syncGitHubAccess(ctx, syncId);
  await db.importWorkUnit.update({ where: { id: unitId }, data: { payload: { labels: labels.map((label) => label.name) } } });
}

/**
 * Members and branch protections as GitHub has them now: collaborators (when the import made them
 * members) who map to a Ferry user become members or change role; protected branches (one listing,
 * then each rule) are created, updated, or removed where GitHub no longer protects them. Members
 * and protections made in Ferry stay (a protection the import did not write has no source rule).
 */
async function syncGitHubAccess(ctx: ImportContext, syncId: number): Promise<void> {
  const projectId = ctx.project.id;
  const [collaborators, protectedNames] = await Promise.all([importsCollaborators(ctx) ? ctx.github.collaborators() : null, ctx.github.protectedBranches()]);
  if (collaborators) {
    const { created, updated } = await writeMembers(ctx, collaborators);
    await addSyncCounts(syncId, "collaborator", { created, updated });
  }
  const names = protectedNames.map((branch) => branch.name);
  const rules = await pLimit(REVIEW_CONCURRENCY).map(names, (name) => ctx.github.protection(name));
  const known = new Map((await db.protectedBranch.findMany({ where: { projectId } })).map((row) => [row.name, row]));
  const counts = { created: 0, updated: 0, removed: 0 };
  for (const [index, name] of names.entries()) {
    const data = await protectedBranchData(ctx, rules[index]!);
    const row = known.get(name);
    if (!row) {
      await db.protectedBranch.createMany({ data: [{ projectId, name, ...data }], skipDuplicates: true });
      counts.created++;
    } else if (row.sourceRule !== null && !isDeepStrictEqual(data, { pushAccessLevel: row.pushAccessLevel, mergeAccessLevel: row.mergeAccessLevel, allowForcePush: row.allowForcePush, codeOwnerApprovalRequired: row.codeOwnerApprovalRequired, pushUsers: row.pushUsers, sourceRule: row.sourceRule })) {
      await db.protectedBranch.update({ where: { id: row.id }, data });
      counts.updated++;
    }
  }
  const unprotected = [...known.values()].filter((row) => row.sourceRule !== null && !names.includes(row.name));
  if (unprotected.length) await db.protectedBranch.deleteMany({ where: { id: { in: unprotected.map((row) => row.id) } } });
  counts.removed = unprotected.length;
  await addSyncCounts(syncId, "protected_branch", counts);
}

// --- issues and pull requests -----------------------------------------------------------------

/** A unit of the items stage keeps the comment and review comment counts of the items it wrote, for the removed-comments stage. */
const itemsPayload = z.object({ comments: z.record(z.string(), z.number().int()).default({}), reviewComments: z.record(z.string(), z.number().int()).default({}) });

/**
 * The changed pull requests, each from `GET /pulls/{n}` (only it carries the review comment count
 * that reveals a deleted review comment), and their reviews.
 */
async function pullsAndReviewsOf(ctx: ImportContext, items: readonly GitHubIssue[]): Promise<{ pulls: GitHubPull[]; reviews: Map<number, GitHubReview[]> }> {
  const pulls = new Map<number, GitHubPull>();
  const reviews = new Map<number, GitHubReview[]>();
  await pLimit(REVIEW_CONCURRENCY).map(items, async (item) => {
    await ctx.checkpoint();
    const [pull, listed] = await Promise.all([ctx.github.pull(item.number), ctx.github.reviews(item.number)]);
    pulls.set(item.number, pull);
    reviews.set(item.number, listed);
  });
  return { pulls: items.map((item) => pulls.get(item.number)!), reviews };
}

/** Label links as the source has them: missing ones added, ones the source has but the item lost taken off; labels added in Ferry stay. */
function relabel(links: { current: Array<{ labelId: number; title: string }>; wanted: readonly number[] }, sourceLabels: ReadonlySet<string> | null) {
  const stale = links.current.filter((link) => sourceLabels?.has(link.title) && !links.wanted.includes(link.labelId)).map((link) => link.labelId);
  const missing = links.wanted.filter((labelId) => !links.current.some((link) => link.labelId === labelId));
  return { stale, missing };
}

/**
 * One page of the issue listing filtered by update time: pull requests and issues changed since
 * the watermark, new ones created as the import would, changed ones updated in place.
 */
export async function syncGitHubItems(ctx: ImportContext, syncId: number, unitId: number, items: readonly GitHubIssue[]): Promise<void> {
  if (items.length === 0) return;
  const projectId = ctx.project.id;
  const text = await GitHubText.forContext(ctx);
  text.addPullNumbers(items.filter((item) => item.pull_request).map((item) => item.number));
  await text.remember(ctx, items.flatMap((item) => [sourceUserOf(item.user), ...item.assignees.map(sourceUserOf)]));
  const sourceLabels = await sourceLabelNames(ctx.importId);
  const labelIds = await labelIdsFor(projectId, items.flatMap((item) => item.labels));
  const milestoneIds = await milestoneIdsFor(projectId);
  const wantedLabels = (item: GitHubIssue) => item.labels.flatMap((label) => (labelIds.has(label.name) ? [labelIds.get(label.name)!] : []));

  const previous = await descriptionsOf(ctx, items.map((item) => item.number));
  const bodies = items.map((item) => ({ item: item.number, pullRequest: Boolean(item.pull_request), user: item.user, createdAt: item.created_at, body: item.body, previous: previous.get(item.number) }));
  // Before the bodies, so a page that stops between the two finds them again; after, for items this page creates.
  await writeCrossReferences(ctx, syncId, bodies);
  const pulls = await syncGitHubPulls(ctx, syncId, text, items.filter((item) => item.pull_request), { wantedLabels, milestoneIds, sourceLabels });
  await syncGitHubIssues(ctx, syncId, text, items.filter((item) => !item.pull_request), { wantedLabels, milestoneIds, sourceLabels });
  await writeCrossReferences(ctx, syncId, bodies);
  const comments = Object.fromEntries(items.map((item) => [String(item.number), item.comments]));
  const reviewComments = Object.fromEntries(pulls.map((pull) => [String(pull.number), pull.review_comments ?? 0]));
  await db.importWorkUnit.update({ where: { id: unitId }, data: { payload: { comments, reviewComments } } });
}

type ItemLookups = { wantedLabels: (item: GitHubIssue) => number[]; milestoneIds: ReadonlyMap<number, number>; sourceLabels: ReadonlySet<string> | null };

/** Writes the changed pull requests; returns them as read from `GET /pulls/{n}`. */
async function syncGitHubPulls(ctx: ImportContext, syncId: number, text: GitHubText, items: readonly GitHubIssue[], lookups: ItemLookups): Promise<GitHubPull[]> {
  if (items.length === 0) return [];
  const { pulls, reviews } = await pullsAndReviewsOf(ctx, items);
  const sourcePulls = pulls.map((pull) => ({
    ...toSourcePullRequest(pull),
    participants: approvalsOf(reviews.get(pull.number) ?? []).flatMap((review) => {
      const user = sourceUserOf(review.user);
      return user ? [{ user, role: "reviewer" as const, approved: true, at: review.submitted_at ?? null }] : [];
    }),
  }));
  const { prepared, moved } = await writeSyncedPullRequests(ctx, syncId, text, sourcePulls, "github_sync_items", { keepClosers: true });
  const rows = await db.mergeRequest.findMany({
    where: { projectId: ctx.project.id, iid: { in: prepared.map((entry) => entry.pullRequest.id) } },
    select: { id: true, iid: true, updatedAt: true, sourceSha: true, targetSha: true, labels: { select: { labelId: true, label: { select: { title: true } } } } },
  });
  for (const row of rows) {
    const item = items.find((candidate) => candidate.number === row.iid)!;
    const assignees = await assigneeIdsOf(ctx, item.assignees);
    const { stale, missing } = relabel({ current: row.labels.map((link) => ({ labelId: link.labelId, title: link.label.title })), wanted: lookups.wantedLabels(item) }, lookups.sourceLabels);
    await db.$transaction(async (tx) => {
      await tx.mergeRequest.update({ where: { id: row.id }, data: { updatedAt: row.updatedAt, assigneeId: assignees[0] ?? null, milestoneId: item.milestone ? (lookups.milestoneIds.get(item.milestone.number) ?? null) : null } });
      await tx.mergeRequestAssignee.deleteMany({ where: { mergeRequestId: row.id } });
      await tx.mergeRequestAssignee.createMany({ data: assignees.map((userId, position) => ({ mergeRequestId: row.id, userId, position })) });
      if (stale.length) await tx.mergeRequestLabel.deleteMany({ where: { mergeRequestId: row.id, labelId: { in: stale } } });
      await tx.mergeRequestLabel.createMany({ data: missing.map((labelId) => ({ mergeRequestId: row.id, labelId })), skipDuplicates: true });
    });
  }
  await localisePullTexts(ctx, pulls.filter((pull) => rows.some((row) => row.iid === pull.number)));
  // Review comments name their line, not a diff: where the head or base moved, they are placed on the new one.
  for (const row of rows.filter((candidate) => moved.has(candidate.iid))) {
    const shas = JSON.stringify({ baseSha: row.targetSha, headSha: row.sourceSha });
    await db.$executeRaw`UPDATE notes SET position = position || ${shas}::jsonb WHERE merge_request_id = ${row.id} AND type = 'DiffNote' AND imported_from = ${ctx.importedFrom} AND position IS NOT NULL`;
  }
  // Review bodies are notes (approvals were written with the merge requests): new ones inserted,
  // edited ones updated, those of reviews GitHub no longer lists marked deleted at the source.
  const idOf = new Map(rows.map((row) => [row.iid, row.id]));
  const fetched = new Map([...reviews].filter(([number]) => idOf.has(number)));
  const { notes } = await reviewRows(ctx, text, fetched, idOf);
  const existing = await db.note.findMany({ where: { mergeRequestId: { in: [...idOf.values()] }, importedFrom: ctx.importedFrom, sourceId: { startsWith: REVIEW_PREFIX, not: { startsWith: REVIEW_COMMENT_PREFIX } } }, select: noteSelect });
  const reviewBodies = new Map(existing.map((note) => [note.sourceId, note.body]));
  const reviewTexts = [...fetched].flatMap(([number, listed]) => listed.map((review) => ({ item: number, user: review.user, createdAt: review.submitted_at ?? new Date(0).toISOString(), body: review.body, previous: reviewBodies.get(`${REVIEW_PREFIX}${review.id}`) })));
  await writeCrossReferences(ctx, syncId, reviewTexts);
  const changes = await reconcileNotes(notes, notes.map((note) => ({ id: note.sourceId, deleted: false })), existing, true);
  await addSyncCounts(syncId, "pull_request_note", changes);
  return pulls;
}

const REVIEW_PREFIX = "review-";
const REVIEW_COMMENT_PREFIX = "review-comment-";

async function syncGitHubIssues(ctx: ImportContext, syncId: number, text: GitHubText, issues: readonly GitHubIssue[], lookups: ItemLookups): Promise<void> {
  if (issues.length === 0) return;
  const projectId = ctx.project.id;
  const existing = await db.issue.findMany({
    where: { projectId, iid: { in: issues.map((issue) => issue.number) } },
    select: { id: true, iid: true, importedFrom: true, sourceId: true, updatedAt: true, description: true, labels: { select: { labelId: true, label: { select: { title: true } } } } },
  });
  const byIid = new Map(existing.map((row) => [row.iid, row]));
  const fresh = issues.filter((issue) => !byIid.has(issue.number));
  const created = fresh.length ? await importGitHubIssues(ctx, fresh) : [];
  let updated = 0;
  const changed: number[] = [];
  for (const issue of issues.filter((candidate) => byIid.has(candidate.number))) {
    const row = byIid.get(issue.number)!;
    if (row.importedFrom !== ctx.importedFrom || row.sourceId !== String(issue.number)) {
      await recordFailure(ctx.importId, { stage: "github_sync_items", objectType: "issue", sourceId: String(issue.number), sourceUrl: issue.html_url, message: `#${issue.number} was created in Ferry, so issue #${issue.number} of the source was not brought over` });
      continue;
    }
    try {
      const { data } = await prepareGitHubIssue(ctx, text, issue, lookups.milestoneIds);
      const assignees = await assigneeIdsOf(ctx, issue.assignees);
      const { stale, missing } = relabel({ current: row.labels.map((link) => ({ labelId: link.labelId, title: link.label.title })), wanted: lookups.wantedLabels(issue) }, lookups.sourceLabels);
      await db.$transaction(async (tx) => {
        await tx.issue.update({
          where: { id: row.id },
          data: { title: data.title, description: data.description, state: data.state, assigneeId: data.assigneeId, milestoneId: data.milestoneId, upvotes: data.upvotes, closedAt: data.closedAt, updatedAt: data.updatedAt, sourceAssignee: data.sourceAssignee },
        });
        await tx.issueAssignee.deleteMany({ where: { issueId: row.id } });
        await tx.issueAssignee.createMany({ data: assignees.map((userId, position) => ({ issueId: row.id, userId, position })) });
        if (stale.length) await tx.issueLabel.deleteMany({ where: { issueId: row.id, labelId: { in: stale } } });
        await tx.issueLabel.createMany({ data: missing.map((labelId) => ({ issueId: row.id, labelId })), skipDuplicates: true });
      });
      changed.push(issue.number);
      if (row.updatedAt.getTime() !== data.updatedAt.getTime()) updated++;
    } catch (error) {
      await recordFailure(ctx.importId, { stage: "github_sync_items", objectType: "issue", sourceId: String(issue.number), sourceUrl: issue.html_url, message: errorMessage(error) });
    }
  }
  await localiseIssueTexts(ctx, issues, changed);
  await resolveFailures(ctx.importId, "issue", changed.map(String));
  await addSyncCounts(syncId, "issue", { created: created.length, updated });
}

// --- comments -----------------------------------------------------------------------------------

const noteSelect = { id: true, sourceId: true, body: true, updatedAt: true, deletedAtSource: true, issueId: true } as const;

/** Notes of the source not in Ferry yet, inserted; counted per parent kind. */
async function writeNewNotes(ctx: ImportContext, syncId: number, rows: readonly NoteRow[]): Promise<void> {
  if (rows.length === 0) return;
  // Source ids are unique per item: one text's cross-references to two items share theirs.
  const key = (note: { issueId?: number | null; mergeRequestId?: number | null; sourceId: string | null }) => `${note.issueId ?? ""}:${note.mergeRequestId ?? ""}:${note.sourceId}`;
  const existing = await db.note.findMany({ where: { projectId: ctx.project.id, importedFrom: ctx.importedFrom, sourceId: { in: rows.map((row) => row.sourceId) } }, select: { sourceId: true, issueId: true, mergeRequestId: true } });
  const known = new Set(existing.map(key));
  const fresh = rows.filter((row) => !known.has(key(row)));
  await insertNotes(fresh);
  await addSyncCounts(syncId, "issue_note", { created: fresh.filter((row) => row.issueId).length });
  await addSyncCounts(syncId, "pull_request_note", { created: fresh.filter((row) => row.mergeRequestId).length });
}

/** New comments inserted, edited ones updated in place (notes of the source only: Ferry's own have no source id). */
async function reconcileSourceNotes(ctx: ImportContext, syncId: number, stage: string, built: { rows: NoteRow[]; missing: Array<{ id: string; message: string }> }): Promise<void> {
  const existing = await db.note.findMany({ where: { projectId: ctx.project.id, importedFrom: ctx.importedFrom, sourceId: { in: built.rows.map((row) => row.sourceId) } }, select: noteSelect });
  for (const kind of ["issue", "merge_request"] as const) {
    const rows = built.rows.filter((row) => (kind === "issue" ? row.issueId : row.mergeRequestId));
    const sourceIds = new Set(rows.map((row) => row.sourceId));
    const own: ExistingNote[] = existing.filter((note) => note.sourceId !== null && sourceIds.has(note.sourceId));
    const changes = await reconcileNotes(rows, [], own, false);
    await addSyncCounts(syncId, kind === "issue" ? "issue_note" : "pull_request_note", changes);
  }
  for (const entry of built.missing) await recordFailure(ctx.importId, { stage, objectType: "note", sourceId: entry.id, message: entry.message });
}

export async function syncGitHubIssueComments(ctx: ImportContext, syncId: number, comments: readonly GitHubIssueComment[]): Promise<void> {
  if (comments.length === 0) return;
  const built = await issueCommentRows(ctx, comments);
  await writeCommentCrossReferences(ctx, syncId, comments.map((comment) => ({ sourceId: String(comment.id), item: numberFromUrl(comment.issue_url), comment })));
  await reconcileSourceNotes(ctx, syncId, "github_sync_comments", built);
}

export async function syncGitHubReviewComments(ctx: ImportContext, syncId: number, comments: readonly GitHubReviewComment[]): Promise<void> {
  if (comments.length === 0) return;
  const built = await reviewCommentRows(ctx, comments);
  await writeCommentCrossReferences(ctx, syncId, comments.map((comment) => ({ sourceId: `${REVIEW_COMMENT_PREFIX}${comment.id}`, item: numberFromUrl(comment.pull_request_url), comment })));
  await reconcileSourceNotes(ctx, syncId, "github_sync_review_comments", built);
}

// --- cross-references ---------------------------------------------------------------------------

/** A text the sync writes: the item it is on, who wrote it and when, its body at the source, and Ferry's copy before the sync. */
type WrittenText = { item: number; pullRequest?: boolean; user: GitHubUserJson | undefined; createdAt: string; body: string | null | undefined; previous: string | undefined };

/** The descriptions of the project's issues and merge requests with these numbers, before the sync writes them. */
async function descriptionsOf(ctx: ImportContext, numbers: readonly number[]): Promise<Map<number, string>> {
  const where = { projectId: ctx.project.id, iid: { in: [...numbers] } };
  const select = { iid: true, description: true };
  const [issues, mergeRequests] = await Promise.all([db.issue.findMany({ where, select }), db.mergeRequest.findMany({ where, select })]);
  return new Map([...issues, ...mergeRequests].map((row) => [row.iid, row.description]));
}

/** Cross-references of comments, written before the comments so a sync that stops between the two finds them again. */
async function writeCommentCrossReferences(ctx: ImportContext, syncId: number, comments: ReadonlyArray<{ sourceId: string; item: number; comment: GitHubIssueComment | GitHubReviewComment }>): Promise<void> {
  const existing = await db.note.findMany({ where: { projectId: ctx.project.id, importedFrom: ctx.importedFrom, sourceId: { in: comments.map((entry) => entry.sourceId) } }, select: { sourceId: true, body: true } });
  const previous = new Map(existing.map((note) => [note.sourceId, note.body]));
  await writeCrossReferences(
    ctx,
    syncId,
    comments.map(({ sourceId, item, comment }) => ({ item, user: comment.user, createdAt: comment.created_at, body: comment.body, previous: previous.get(sourceId) })),
  );
}

/**
 * The "mentioned in" notes GitHub's timelines show for references a text gained: GitHub puts a
 * cross-referenced event (no id; by the text's author, at the text's creation time) on each item
 * of the repository the text refers to. The sync makes that event from the text it read instead of
 * reading the referenced items' timelines, and writes it as the import writes timeline events, so
 * its source id is the one a fresh import gives it: a re-run or a later reading of the timeline
 * writes none twice. References Ferry's copy of the text already had were written before.
 */
async function writeCrossReferences(ctx: ImportContext, syncId: number, texts: readonly WrittenText[]): Promise<void> {
  if (texts.length === 0) return;
  const text = await GitHubText.forContext(ctx);
  const references = referenceScanner(ctx);
  const repository = { full_name: ctx.sourceRepository().fullName };
  const pulls = new Set((await db.mergeRequest.findMany({ where: { projectId: ctx.project.id, iid: { in: [...new Set(texts.map((written) => written.item))] } }, select: { iid: true } })).map((row) => row.iid));
  const events: GitHubIssueEvent[] = texts.flatMap((written) => {
    const known = new Set(references(written.item, written.previous ?? ""));
    const mentioned = references(written.item, text.convert(written.body ?? "", null, false)).filter((number) => !known.has(number));
    const source = { issue: { number: written.item, repository, ...((written.pullRequest ?? pulls.has(written.item)) ? { pull_request: {} } : {}) } };
    return mentioned.map((number) => ({ event: "cross-referenced", actor: written.user, created_at: written.createdAt, issue: { number }, source }));
  });
  if (events.length === 0) return;
  // References to numbers that are not items of the project make no note, as in an import.
  const { rows } = await eventRows(ctx, events);
  await writeNewNotes(ctx, syncId, rows);
}

/**
 * Comments and review comments deleted at the source: GitHub lists no deletions, but a deletion
 * lowers the item's comment count (a pull request's review comment count) and moves its update
 * time. An item of this sync's listing with fewer at the source than Ferry holds for it has them
 * read again; those missing are marked deleted at the source (kept, hidden).
 */
export async function markDeletedGitHubComments(ctx: ImportContext, syncId: number, itemsStage: string): Promise<void> {
  const units = await db.importWorkUnit.findMany({ where: { importId: ctx.importId, stage: itemsStage }, select: { payload: true } });
  const counts = { comments: new Map<number, number>(), reviewComments: new Map<number, number>() };
  for (const unit of units) {
    const payload = itemsPayload.parse(unit.payload ?? {});
    for (const kind of ["comments", "reviewComments"] as const) for (const [number, count] of Object.entries(payload[kind])) counts[kind].set(Number(number), count);
  }
  if (counts.comments.size === 0) return;
  const numbers = [...counts.comments.keys()];
  const notes = await db.note.findMany({
    where: { projectId: ctx.project.id, importedFrom: ctx.importedFrom, system: false, deletedAtSource: null, OR: [{ issue: { iid: { in: numbers } } }, { mergeRequest: { iid: { in: numbers } } }] },
    select: { ...noteSelect, issue: { select: { iid: true } }, mergeRequest: { select: { iid: true } } },
  });
  // Issue comments carry GitHub's numeric comment id, review comments `review-comment-<id>`, review bodies `review-<id>`.
  const kinds = [
    { pattern: /^\d+$/, counts: counts.comments, sourceId: (id: number) => String(id), read: ctx.github.itemComments },
    { pattern: /^review-comment-\d+$/, counts: counts.reviewComments, sourceId: (id: number) => `${REVIEW_COMMENT_PREFIX}${id}`, read: ctx.github.pullReviewComments },
  ];
  for (const kind of kinds) {
    const byItem = new Map<number, typeof notes>();
    for (const note of notes.filter((candidate) => kind.pattern.test(candidate.sourceId ?? ""))) {
      const number = note.issue?.iid ?? note.mergeRequest?.iid ?? 0;
      byItem.set(number, [...(byItem.get(number) ?? []), note]);
    }
    for (const [number, own] of byItem) {
      if (!kind.counts.has(number) || own.length <= kind.counts.get(number)!) continue;
      await ctx.checkpoint();
      const listed: ReadonlyArray<{ id: number }> = await kind.read(number);
      const changes = await reconcileNotes([], listed.map((comment) => ({ id: kind.sourceId(comment.id), deleted: false })), own, true);
      await addSyncCounts(syncId, own[0]!.issueId ? "issue_note" : "pull_request_note", { removed: changes.removed });
    }
  }
}

// --- events -------------------------------------------------------------------------------------

/**
 * Events since the event watermark: the listing is newest first and has no `since`, so it is read
 * down to the first event before the watermark; the events are written oldest first (insert-if-
 * missing, so a repeated run writes none twice), then the watermark moves to the newest.
 */
export async function syncGitHubEvents(ctx: ImportContext, syncId: number): Promise<void> {
  const watermark = await readWatermark(ctx.importId, "event");
  const since = Date.parse(watermark.since);
  const recent: GitHubIssueEvent[] = [];
  let cursor: string | null = null;
  do {
    await ctx.checkpoint();
    const page = await ctx.github.issueEventsPage(cursor);
    const fresh = page.items.filter((event) => Date.parse(event.created_at) >= since);
    recent.push(...fresh);
    cursor = fresh.length === page.items.length ? page.next : null;
  } while (cursor);
  const ordered = unseen(watermark, recent.map((event) => ({ id: event.id ?? 0, updatedAt: event.created_at, value: event })).reverse());
  const { rows, missing, closers } = await eventRows(ctx, ordered.map((entry) => entry.value));
  await recordClosers(ctx, closers, missing);
  await writeNewNotes(ctx, syncId, rows);
  for (const entry of missing) await recordFailure(ctx.importId, { stage: "github_sync_events", objectType: "issue_event", sourceId: entry.id, message: entry.message });
  await moveWatermark(ctx.importId, "event", advanceWatermark(watermark, ordered));
}
