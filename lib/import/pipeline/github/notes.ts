import pLimit from "p-limit";
import { db, type Prisma } from "@/lib/db";
import { numberFromUrl, sourceUserOf, type GitHubIssueComment, type GitHubIssueEvent, type GitHubReviewComment } from "@/lib/import/sources/github";
import type { SourceUser } from "@/lib/import/sources/types";
import { sourceFields, type ImportContext } from "../context";
import { discussionIdFor, insertNotes, type NoteRow } from "../notes";
import { addProgress, errorMessage, recordFailure, type ObjectType } from "../records";
import { attachmentsOf, withAttachments } from "./attachments";
import { GitHubText } from "./text";

/** Issues and merge requests of the project by number: what a repository-wide listing's entries attach to. */
async function parentsOf(projectId: number, numbers: readonly number[]) {
  const wanted = [...new Set(numbers)];
  const [issues, mergeRequests] = await Promise.all([
    db.issue.findMany({ where: { projectId, iid: { in: wanted } }, select: { id: true, iid: true } }),
    db.mergeRequest.findMany({ where: { projectId, iid: { in: wanted } }, select: { id: true, iid: true, sourceSha: true, targetSha: true } }),
  ]);
  return { issues: new Map(issues.map((row) => [row.iid, row.id])), mergeRequests: new Map(mergeRequests.map((row) => [row.iid, row])) };
}

type Parents = Awaited<ReturnType<typeof parentsOf>>;

function parentColumns(parents: Parents, number: number): Pick<NoteRow, "issueId" | "mergeRequestId"> | null {
  const issueId = parents.issues.get(number);
  if (issueId) return { issueId };
  const mergeRequest = parents.mergeRequests.get(number);
  return mergeRequest ? { mergeRequestId: mergeRequest.id } : null;
}

/** Writes one page's notes and records what happened; entries whose item is missing are failures of their own. */
async function writePage(ctx: ImportContext, objectType: ObjectType, stage: string, rows: NoteRow[], fetched: number, missing: Array<{ id: string; message: string }>): Promise<void> {
  await ctx.checkpoint();
  await insertNotes(rows);
  await addProgress(ctx.importId, objectType, { fetched, imported: rows.length, failed: missing.length });
  for (const entry of missing) await recordFailure(ctx.importId, { stage, objectType, sourceId: entry.id, message: entry.message });
}

type Missing = Array<{ id: string; message: string }>;

/** A page of the repository-wide issue comments (issues and pull requests alike), each in its own discussion. */
export async function importGitHubIssueComments(ctx: ImportContext, comments: readonly GitHubIssueComment[]): Promise<void> {
  const { rows, missing } = await issueCommentRows(ctx, comments);
  await writePage(ctx, "note", "github_notes", rows, comments.length, missing);
}

/** The note rows of issue comments; comments whose item is not in the project are `missing`. */
export async function issueCommentRows(ctx: ImportContext, comments: readonly GitHubIssueComment[]): Promise<{ rows: NoteRow[]; missing: Missing }> {
  const text = await GitHubText.forContext(ctx);
  const parents = await parentsOf(ctx.project.id, comments.map((comment) => numberFromUrl(comment.issue_url)));
  await text.remember(ctx, comments.map((comment) => sourceUserOf(comment.user)));
  const rows: NoteRow[] = [];
  const missing: Array<{ id: string; message: string }> = [];
  for (const comment of comments) {
    const number = numberFromUrl(comment.issue_url);
    const parent = parentColumns(parents, number);
    if (!parent) {
      missing.push({ id: String(comment.id), message: `Comment ${comment.id}: #${number} was not imported` });
      continue;
    }
    const user = sourceUserOf(comment.user);
    const author = await ctx.author(user);
    const attachments = await attachmentsOf(ctx, parent.issueId ? { issueId: parent.issueId } : { mergeRequestId: parent.mergeRequestId! }, comment.body);
    rows.push({
      projectId: ctx.project.id,
      ...parent,
      discussionId: discussionIdFor(ctx.importId, "note", String(number), comment.id),
      body: withAttachments(text.convert(comment.body ?? "", user, author.mapped), attachments),
      authorId: author.userId,
      ...sourceFields({ id: comment.id, createdAt: comment.created_at, updatedAt: comment.updated_at }, user, ctx.importedFrom),
    });
  }
  return { rows, missing };
}

/**
 * A page of the repository-wide review comments as diff notes: the RIGHT side is a line of the
 * new version, the LEFT side of the old one, a multi-line comment keeps its first line; replies
 * (`in_reply_to_id`, which names the thread's first comment) join that comment's discussion.
 */
export async function importGitHubReviewComments(ctx: ImportContext, comments: readonly GitHubReviewComment[]): Promise<void> {
  const { rows, missing } = await reviewCommentRows(ctx, comments);
  await writePage(ctx, "diff_note", "github_diff_notes", rows, comments.length, missing);
}

/** The diff note rows of review comments; comments whose merge request is not in the project are `missing`. */
export async function reviewCommentRows(ctx: ImportContext, comments: readonly GitHubReviewComment[]): Promise<{ rows: NoteRow[]; missing: Missing }> {
  const text = await GitHubText.forContext(ctx);
  const parents = await parentsOf(ctx.project.id, comments.map((comment) => numberFromUrl(comment.pull_request_url)));
  await text.remember(ctx, comments.map((comment) => sourceUserOf(comment.user)));
  const rows: NoteRow[] = [];
  const missing: Array<{ id: string; message: string }> = [];
  for (const comment of comments) {
    const number = numberFromUrl(comment.pull_request_url);
    const mergeRequest = parents.mergeRequests.get(number);
    if (!mergeRequest) {
      missing.push({ id: String(comment.id), message: `Review comment ${comment.id}: merge request !${number} was not imported` });
      continue;
    }
    const user = sourceUserOf(comment.user);
    const author = await ctx.author(user);
    const line = comment.line ?? comment.original_line ?? null;
    const left = comment.side === "LEFT";
    const startLeft = (comment.start_side ?? comment.side) === "LEFT";
    const position: Prisma.InputJsonValue = {
      path: comment.path,
      oldLine: left ? line : null,
      newLine: left ? null : line,
      ...(comment.start_line ? { lineRange: { start: { oldLine: startLeft ? comment.start_line : null, newLine: startLeft ? null : comment.start_line }, end: { oldLine: left ? line : null, newLine: left ? null : line } } } : {}),
      baseSha: mergeRequest.targetSha,
      headSha: mergeRequest.sourceSha,
    };
    const root = comment.in_reply_to_id ?? comment.id;
    const attachments = await attachmentsOf(ctx, { mergeRequestId: mergeRequest.id }, comment.body);
    rows.push({
      projectId: ctx.project.id,
      mergeRequestId: mergeRequest.id,
      discussionId: discussionIdFor(ctx.importId, "diff", String(number), root),
      type: "DiffNote",
      body: withAttachments(text.convert(comment.body ?? "", user, author.mapped), attachments),
      authorId: author.userId,
      position,
      ...sourceFields({ id: comment.id, createdAt: comment.created_at, updatedAt: comment.updated_at }, user, ctx.importedFrom),
      sourceId: `review-comment-${comment.id}`,
    });
  }
  return { rows, missing };
}

const quoted = (name: string) => `"${name.replace(/"/g, "'")}"`;

/** The system note text of an issue event; null for events Ferry does not show. */
export function eventText(event: GitHubIssueEvent, isPullRequest: (number: number) => boolean, mention: (user: SourceUser | null) => string): string | null {
  switch (event.event) {
    case "labeled":
      return event.label ? `added ~${quoted(event.label.name)} label` : null;
    case "unlabeled":
      return event.label ? `removed ~${quoted(event.label.name)} label` : null;
    case "milestoned":
      return event.milestone ? `changed milestone to %${quoted(event.milestone.title)}` : null;
    case "demilestoned":
      return event.milestone ? `removed milestone %${quoted(event.milestone.title)}` : null;
    case "closed":
      return "closed";
    case "reopened":
      return "reopened";
    case "merged":
      return event.commit_id ? `merged (commit ${event.commit_id.slice(0, 12)})` : "merged";
    case "renamed":
      return event.rename ? `changed title from **${event.rename.from}** to **${event.rename.to}**` : null;
    case "assigned":
      return `assigned to ${mention(sourceUserOf(event.assignee))}`;
    case "unassigned":
      return `unassigned ${mention(sourceUserOf(event.assignee))}`;
    case "review_requested":
      return `requested review from ${mention(sourceUserOf(event.requested_reviewer))}`;
    case "review_request_removed":
      return `removed review request for ${mention(sourceUserOf(event.requested_reviewer))}`;
    case "cross-referenced": {
      const source = event.source?.issue;
      if (!source) return null;
      const local = !source.repository;
      return `mentioned in ${local ? `${isPullRequest(source.number) || source.pull_request ? "!" : "#"}${source.number}` : `${source.repository!.full_name}#${source.number}`}`;
    }
    default:
      return null;
  }
}

export type Closer = { event: "merged" | "closed"; mergeRequestId: number; actor: SourceUser | null; sourceId: string; item: number };

/**
 * Who merged or closed the merge requests of a page, one statement per event kind and actor
 * (a page's events come from a few people) instead of one per merge request; later events of
 * the same merge request win, as they would written one by one.
 */
export async function recordClosers(ctx: ImportContext, closers: readonly Closer[], missing: Missing): Promise<void> {
  const latest = new Map<string, Closer>();
  for (const closer of closers) latest.set(`${closer.event}:${closer.mergeRequestId}`, closer);
  const groups = new Map<string, Closer[]>();
  for (const closer of latest.values()) {
    const key = `${closer.event}:${closer.actor?.id ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), closer]);
  }
  for (const group of groups.values()) {
    const { event, actor } = group[0]!;
    const userId = await ctx.ferryUserFor(actor);
    try {
      // Raw statements keep the merge requests' update time (the source's); Prisma's @updatedAt would set it to now.
      const ids = group.map((closer) => closer.mergeRequestId);
      if (event === "merged") {
        const closedBy = actor ? JSON.stringify({ ...actor }) : null;
        await db.$executeRaw`UPDATE merge_requests SET merged_by_id = ${userId}, source_closed_by = COALESCE(${closedBy}::jsonb, source_closed_by) WHERE id = ANY(${ids}::int[])`;
      } else {
        await db.$executeRaw`UPDATE merge_requests SET closed_by_id = ${userId} WHERE id = ANY(${ids}::int[])`;
      }
    } catch (error) {
      for (const closer of group) missing.push({ id: `${closer.sourceId}-closer`, message: `Who ${event} !${closer.item} could not be recorded: ${errorMessage(error)}` });
    }
  }
}

/**
 * Events as system notes, in time order with the comments (by their times): the repository-wide
 * event listing, or items' timelines for their cross-references. Who merged or closed a merge
 * request is taken from its merged / closed events.
 */
export async function importGitHubEvents(ctx: ImportContext, events: readonly GitHubIssueEvent[]): Promise<void> {
  const { rows, missing, closers, skipped } = await eventRows(ctx, events);
  await recordClosers(ctx, closers, missing);
  await writePage(ctx, "issue_event", "github_events", rows, events.length, missing);
  if (skipped) await addProgress(ctx.importId, "issue_event", { skipped });
}

/** The system note rows of events, who merged or closed merge requests, and how many events Ferry does not show. */
export async function eventRows(ctx: ImportContext, events: readonly GitHubIssueEvent[]): Promise<{ rows: NoteRow[]; missing: Missing; closers: Closer[]; skipped: number }> {
  const text = await GitHubText.forContext(ctx);
  const numberOf = (event: GitHubIssueEvent) => event.issue?.number ?? 0;
  const parents = await parentsOf(ctx.project.id, events.map(numberOf));
  await text.remember(ctx, events.flatMap((event) => [sourceUserOf(event.actor), sourceUserOf(event.assignee), sourceUserOf(event.requested_reviewer)]));
  const rows: NoteRow[] = [];
  const missing: Array<{ id: string; message: string }> = [];
  const closers: Closer[] = [];
  let skipped = 0;
  for (const event of events) {
    const item = numberOf(event);
    const body = eventText(event, (n) => parents.mergeRequests.has(n), (user) => (user?.username ? `@${user.username}` : "a deleted user"));
    if (!body) {
      skipped++;
      continue;
    }
    const parent = parentColumns(parents, item);
    const id = event.id ?? 0;
    const sourceId = event.id ? `event-${event.id}` : `xref-${event.source?.issue?.number ?? 0}-${event.created_at}`;
    if (!parent) {
      missing.push({ id: sourceId, message: `Event ${event.event} of #${item}: the item was not imported` });
      continue;
    }
    const actor = sourceUserOf(event.actor);
    const author = await ctx.author(actor);
    rows.push({
      projectId: ctx.project.id,
      ...parent,
      discussionId: discussionIdFor(ctx.importId, "event", String(item), id || Date.parse(event.created_at)),
      system: true,
      body: text.convert(body, actor, author.mapped),
      authorId: author.userId,
      ...sourceFields({ id, createdAt: event.created_at, updatedAt: event.created_at }, actor, ctx.importedFrom),
      sourceId,
    });
    const mergeRequest = parent.mergeRequestId;
    if (mergeRequest && (event.event === "merged" || event.event === "closed")) closers.push({ event: event.event, mergeRequestId: mergeRequest, actor, sourceId, item });
  }
  return { rows, missing, closers, skipped };
}

/** Whether this import reads comments item by item (`single_endpoint_notes_import`) instead of from the repository-wide listings. */
export function singleEndpointNotes(ctx: ImportContext): boolean {
  return (ctx.row.options as { github?: { singleEndpointNotes?: boolean } } | null)?.github?.singleEndpointNotes === true;
}

/** The comments of a batch of items, item by item (and review comments for the pull requests among them). */
export async function importGitHubItemComments(ctx: ImportContext, numbers: readonly number[]): Promise<void> {
  const pulls = new Set((await db.mergeRequest.findMany({ where: { projectId: ctx.project.id, iid: { in: [...numbers] } }, select: { iid: true } })).map((row) => row.iid));
  const comments = await pLimit(ITEM_CONCURRENCY).map(numbers, (number) => ctx.github.itemComments(number));
  await importGitHubIssueComments(ctx, comments.flat());
  const reviewComments = await pLimit(ITEM_CONCURRENCY).map([...pulls], (number) => ctx.github.pullReviewComments(number));
  await importGitHubReviewComments(ctx, reviewComments.flat());
}

const ITEM_CONCURRENCY = 6;
