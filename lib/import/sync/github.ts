/**
 * Syncing a GitHub import: what changed since the watermarks, read from GitHub's listings sorted
 * by update time (`since=`), written in place. Issues and pull requests come from one listing
 * (`/issues?sort=updated&since=`); a changed pull request's branches, draft and requested
 * reviewers from the pull listing read newest first down to it, its approvals from its reviews;
 * comments and review comments from the repository-wide listings filtered with `since`; events
 * from the event listing, newest first, down to the watermark. Rows created in Ferry are never
 * touched.
 */
import pLimit from "p-limit";
import { z } from "zod";
import { db } from "@/lib/db";
import type { ImportContext } from "@/lib/import/pipeline/context";
import { localiseReleaseTexts, releaseRow } from "@/lib/import/pipeline/github/metadata";
import { assigneeIdsOf, labelIdsFor, milestoneIdsFor } from "@/lib/import/pipeline/github/assignments";
import { importGitHubIssues, localiseIssueTexts, prepareGitHubIssue } from "@/lib/import/pipeline/github/issues";
import { eventRows, issueCommentRows, recordClosers, reviewCommentRows } from "@/lib/import/pipeline/github/notes";
import { approvalsOf, localisePullTexts, reviewRows, toSourcePullRequest } from "@/lib/import/pipeline/github/pull-requests";
import { GitHubText } from "@/lib/import/pipeline/github/text";
import { insertNotes, type NoteRow } from "@/lib/import/pipeline/notes";
import { errorMessage, recordFailure, resolveFailures } from "@/lib/import/pipeline/records";
import { sourceUserOf, type GitHubIssue, type GitHubIssueComment, type GitHubIssueEvent, type GitHubPull, type GitHubReview, type GitHubReviewComment } from "@/lib/import/sources/github";
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
  const releaseCounts = { created: 0, updated: 0 };
  for (const release of published) {
    const fresh = releaseRow(projectId, text, release);
    const data = { name: fresh.name, description: fresh.description };
    const row = knownReleases.get(release.tag_name);
    if (!row) {
      await db.release.createMany({ data: [fresh], skipDuplicates: true });
      releaseCounts.created++;
    } else if (row.sourceId === String(release.id) && (row.name !== data.name || row.description !== data.description)) {
      await db.release.update({ where: { id: row.id }, data });
      releaseCounts.updated++;
    }
  }
  await localiseReleaseTexts(ctx, published);
  await addSyncCounts(syncId, "release", releaseCounts);
  await db.importWorkUnit.update({ where: { id: unitId }, data: { payload: { labels: labels.map((label) => label.name) } } });
}

// --- issues and pull requests -----------------------------------------------------------------

/** A unit of the items stage keeps the comment counts of the items it wrote, for the removed-comments stage. */
const itemsPayload = z.object({ comments: z.record(z.string(), z.number().int()).default({}) });

/**
 * The pull requests of the listing's entries, from the pull listing read newest first down to
 * the oldest of them (a page for a few changed pull requests), one by one for any it missed.
 */
async function pullsOf(ctx: ImportContext, items: readonly GitHubIssue[]): Promise<Map<number, GitHubPull>> {
  const wanted = new Set(items.map((item) => item.number));
  const found = new Map<number, GitHubPull>();
  if (wanted.size === 0) return found;
  const oldest = items.reduce((min, item) => (item.updated_at < min ? item.updated_at : min), items[0]!.updated_at);
  let cursor: string | null = null;
  do {
    const page = await ctx.github.pullsNewestFirstPage(cursor);
    for (const pull of page.items) if (wanted.has(pull.number) && !found.has(pull.number)) found.set(pull.number, pull);
    const last = page.items.at(-1);
    cursor = found.size < wanted.size && last && Date.parse(last.updated_at) >= Date.parse(oldest) ? page.next : null;
  } while (cursor);
  for (const number of wanted) if (!found.has(number)) found.set(number, await ctx.github.pull(number));
  return found;
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

  await syncGitHubPulls(ctx, syncId, text, items.filter((item) => item.pull_request), { wantedLabels, milestoneIds, sourceLabels });
  await syncGitHubIssues(ctx, syncId, text, items.filter((item) => !item.pull_request), { wantedLabels, milestoneIds, sourceLabels });
  const comments = Object.fromEntries(items.map((item) => [String(item.number), item.comments]));
  await db.importWorkUnit.update({ where: { id: unitId }, data: { payload: { comments } } });
}

type ItemLookups = { wantedLabels: (item: GitHubIssue) => number[]; milestoneIds: ReadonlyMap<number, number>; sourceLabels: ReadonlySet<string> | null };

async function syncGitHubPulls(ctx: ImportContext, syncId: number, text: GitHubText, items: readonly GitHubIssue[], lookups: ItemLookups): Promise<void> {
  if (items.length === 0) return;
  const pulls = await pullsOf(ctx, items);
  const reviews = new Map<number, GitHubReview[]>();
  await pLimit(REVIEW_CONCURRENCY).map([...pulls.keys()], async (number) => {
    await ctx.checkpoint();
    reviews.set(number, await ctx.github.reviews(number));
  });
  const sourcePulls = [...pulls.values()].map((pull) => ({
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
  await localisePullTexts(ctx, [...pulls.values()].filter((pull) => rows.some((row) => row.iid === pull.number)));
  // Review comments name their line, not a diff: where the head or base moved, they are placed on the new one.
  for (const row of rows.filter((candidate) => moved.has(candidate.iid))) {
    const shas = JSON.stringify({ baseSha: row.targetSha, headSha: row.sourceSha });
    await db.$executeRaw`UPDATE notes SET position = position || ${shas}::jsonb WHERE merge_request_id = ${row.id} AND type = 'DiffNote' AND imported_from = ${ctx.importedFrom} AND position IS NOT NULL`;
  }
  // Review bodies are notes; approvals were written with the merge requests.
  const idOf = new Map(rows.map((row) => [row.iid, row.id]));
  const fetched = new Map([...reviews].filter(([number]) => idOf.has(number)));
  const { notes } = await reviewRows(ctx, text, fetched, idOf);
  await writeNewNotes(ctx, syncId, notes);
}

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
  const known = new Set((await db.note.findMany({ where: { projectId: ctx.project.id, importedFrom: ctx.importedFrom, sourceId: { in: rows.map((row) => row.sourceId) } }, select: { sourceId: true } })).map((note) => note.sourceId));
  const fresh = rows.filter((row) => !known.has(row.sourceId));
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
  await reconcileSourceNotes(ctx, syncId, "github_sync_comments", await issueCommentRows(ctx, comments));
}

export async function syncGitHubReviewComments(ctx: ImportContext, syncId: number, comments: readonly GitHubReviewComment[]): Promise<void> {
  if (comments.length === 0) return;
  await reconcileSourceNotes(ctx, syncId, "github_sync_review_comments", await reviewCommentRows(ctx, comments));
}

/**
 * Comments deleted at the source: GitHub lists no deletions, but a deletion lowers the item's
 * comment count and moves its update time. An item of this sync's listing with fewer comments at
 * the source than Ferry holds for it has its comments read again; those missing are marked
 * deleted at the source (kept, hidden).
 */
export async function markDeletedGitHubComments(ctx: ImportContext, syncId: number, itemsStage: string): Promise<void> {
  const units = await db.importWorkUnit.findMany({ where: { importId: ctx.importId, stage: itemsStage }, select: { payload: true } });
  const counts = new Map<number, number>();
  for (const unit of units) for (const [number, count] of Object.entries(itemsPayload.parse(unit.payload ?? {}).comments)) counts.set(Number(number), count);
  if (counts.size === 0) return;
  const projectId = ctx.project.id;
  const notes = await db.note.findMany({
    where: { projectId, importedFrom: ctx.importedFrom, system: false, deletedAtSource: null, OR: [{ issue: { iid: { in: [...counts.keys()] } } }, { mergeRequest: { iid: { in: [...counts.keys()] } } }] },
    select: { ...noteSelect, mergeRequestId: true, issue: { select: { iid: true } }, mergeRequest: { select: { iid: true } } },
  });
  // Issue comments carry GitHub's numeric comment id; reviews and review comments are named apart.
  const commentNotes = notes.filter((note) => /^\d+$/.test(note.sourceId ?? ""));
  const byItem = new Map<number, typeof commentNotes>();
  for (const note of commentNotes) {
    const number = note.issue?.iid ?? note.mergeRequest?.iid ?? 0;
    byItem.set(number, [...(byItem.get(number) ?? []), note]);
  }
  for (const [number, own] of byItem) {
    if (own.length <= (counts.get(number) ?? 0)) continue;
    await ctx.checkpoint();
    const listed = await ctx.github.itemComments(number);
    const changes = await reconcileNotes([], listed.map((comment) => ({ id: comment.id, deleted: false })), own, true);
    await addSyncCounts(syncId, own[0]!.issueId ? "issue_note" : "pull_request_note", { removed: changes.removed });
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
