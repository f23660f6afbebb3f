/**
 * Bitbucket Server / Data Center as an ImportSource: REST 1.0 mapped to the source-neutral shapes
 * of ./types. Nothing Bitbucket Server-specific leaves this file.
 *
 * Requests for a repository with N pull requests: 1 repository + 1 default branch
 * + ceil(N / 1000) pull request pages + one activity page per pull request (1,000 activities a
 * page). Activities carry comments, approvals, merges and declines together, so each pull
 * request's are fetched once, with its page: its closer and approvals come from them, and its
 * comments are kept for the comment stage (read again only when that runs in another process).
 * A listing page of 1,000 is imported a slice of PULL_REQUEST_SLICE at a time, one slice after
 * the other, so each slice's comments are written, and let go of, while the next is fetched.
 */
import pLimit from "p-limit";
import { BACKGROUND_RETRY, type FetchLike, type RetryEvent, type RetryOptions } from "@/lib/bitbucket";
import { createBitbucketServerClient, type ServerActivity, type ServerComment, type ServerPullRequest, type ServerUser } from "@/lib/bitbucket-server";
import { SourceFeatureUnavailable, type ImportSource, type PullRequestState, type SourceComment, type SourceEvent, type SourcePage, type SourceParticipant, type SourcePullRequest, type SourceRepository, type SourceUser, type SyncSource } from "./types";

export const NO_ISSUE_TRACKER_REASON = "Bitbucket Server has no issue tracker (teams use Jira), so there are no issues to import";

export type BitbucketServerSourceOptions = {
  /** The server's base URL, checked against the outbound URL rules by the caller. */
  serverUrl: string;
  credential: { username: string; token: string };
  /** "KEY/slug" */
  repository: string;
  /** Keeps fetched activities apart per import (the import's id). */
  cacheKey: string;
  fetch?: FetchLike;
  /** Merged over BACKGROUND_RETRY. */
  retry?: Partial<RetryOptions>;
  onEvent?: (event: SourceEvent) => void;
};

/** Pull requests whose activities a page fetches at once (requests are capped per process by the caller's fetch). */
const ACTIVITY_CONCURRENCY = 8;

/** Pull requests one unit of the pull request stage imports with their activities. */
const PULL_REQUEST_SLICE = 100;

/**
 * Data read ahead for a later unit of the same import (keys start with the import's cache key):
 * a bounded map, oldest dropped first, entries taken when used. A miss costs one request.
 */
class ReadAhead<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly limit: number) {}

  keep(key: string, value: T): void {
    this.entries.set(key, value);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
  }

  take(key: string): T | undefined {
    const value = this.entries.get(key);
    this.entries.delete(key);
    return value;
  }
}

/** Comments of pull requests whose slice was read but whose comment batch has not run yet. */
const pendingComments = new ReadAhead<SourceComment[]>(5_000);
/** The rest of a listing page whose first slices were imported, keyed by the offset it starts at. */
const listedAhead = new ReadAhead<{ values: ServerPullRequest[]; nextPageStart: number | null }>(100);

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function sourceUser(user: ServerUser | undefined | null): SourceUser | null {
  if (!user) return null;
  return { id: String(user.id ?? user.name), accountId: null, username: user.slug ?? user.name, displayName: user.displayName ?? user.name, email: user.emailAddress ?? null, active: user.active ?? true };
}

/** One SourceUser object per person for a page's comments kept until their batch runs (a page holds tens of thousands). */
function sharedUsers(): (user: ServerUser | undefined | null) => SourceUser | null {
  const known = new Map<string, SourceUser>();
  return (user) => {
    const converted = sourceUser(user);
    if (!converted) return null;
    const existing = known.get(converted.id);
    if (existing) return existing;
    known.set(converted.id, converted);
    return converted;
  };
}

const STATES: Record<ServerPullRequest["state"], PullRequestState> = { OPEN: "open", MERGED: "merged", DECLINED: "declined" };

/** The latest activity of one of these kinds (activities come newest first). */
function latest(activities: readonly ServerActivity[], action: string): ServerActivity | undefined {
  return activities.find((activity) => activity.action === action);
}

/** Reviewers and participants whose latest APPROVED/UNAPPROVED says approved; a reviewer the server marks approved without such an activity counts too. */
function participants(pullRequest: ServerPullRequest, activities: readonly ServerActivity[]): SourceParticipant[] {
  const verdicts = new Map<string, { user: SourceUser; approved: boolean; at: string }>();
  for (const activity of activities) {
    if ((activity.action !== "APPROVED" && activity.action !== "UNAPPROVED") || !activity.user) continue;
    const user = sourceUser(activity.user)!;
    if (!verdicts.has(user.id)) verdicts.set(user.id, { user, approved: activity.action === "APPROVED", at: iso(activity.createdDate) });
  }
  const reviewerIds = new Set(pullRequest.reviewers.map((reviewer) => sourceUser(reviewer.user)!.id));
  const result: SourceParticipant[] = [...verdicts.values()].map((verdict) => ({ user: verdict.user, role: reviewerIds.has(verdict.user.id) ? "reviewer" : "participant", approved: verdict.approved, at: verdict.at }));
  for (const reviewer of pullRequest.reviewers) {
    const user = sourceUser(reviewer.user)!;
    if (!verdicts.has(user.id)) result.push({ user, role: "reviewer", approved: reviewer.status === "APPROVED", at: null });
  }
  return result;
}

function taskList(comment: ServerComment): string {
  if (comment.tasks.length === 0) return "";
  return `\n\n${comment.tasks.map((task) => `- [${task.state === "RESOLVED" ? "x" : " "}] ${task.text}`).join("\n")}`;
}

function inlineOf(activity: ServerActivity): SourceComment["inline"] {
  const anchor = activity.commentAnchor;
  if (!anchor) return null;
  const line = anchor.line ?? null;
  const side = anchor.fileType ?? "TO";
  // An added line exists only on the new side, a removed one only on the old side.
  const consistent = !anchor.lineType || anchor.lineType === "CONTEXT" || (anchor.lineType === "ADDED") === (side === "TO");
  return { path: anchor.path, oldLine: side === "FROM" ? line : null, newLine: side === "TO" ? line : null, orphaned: Boolean(anchor.orphaned) || !consistent };
}

/** What a system note says for an event; null for activities that are not imported as notes. */
function eventText(activity: ServerActivity): string | null {
  switch (activity.action) {
    case "MERGED":
      return activity.commit ? `merged (commit ${activity.commit.id.slice(0, 11)})` : "merged";
    case "DECLINED":
      return "declined the pull request";
    case "REOPENED":
      return "reopened the pull request";
    case "RESCOPED": {
      const added = activity.added?.total;
      return `updated the source branch${activity.fromHash ? ` to ${activity.fromHash.slice(0, 11)}` : ""}${added ? ` (${added} new commit${added === 1 ? "" : "s"})` : ""}`;
    }
    default:
      return null;
  }
}

/**
 * A pull request's comments and events from its activities: each comment once (a reply may also
 * have an activity of its own), replies linked to their parents so a thread is one discussion,
 * tasks as checklist items, anchors as inline positions. Events get negative ids, apart from comment ids.
 */
export function commentsFromActivities(activities: readonly ServerActivity[], webUrl: string, userOf = sharedUsers()): SourceComment[] {
  const comments = new Map<number, SourceComment>();
  const visit = (comment: ServerComment, parentId: number | null, inline: SourceComment["inline"]) => {
    if (comments.has(comment.id)) return;
    comments.set(comment.id, {
      id: comment.id,
      body: `${comment.text}${taskList(comment)}`,
      author: userOf(comment.author),
      parentId,
      inline,
      deleted: false,
      createdAt: iso(comment.createdDate),
      updatedAt: iso(comment.updatedDate ?? comment.createdDate),
      webUrl: `${webUrl}/overview?commentId=${comment.id}`,
    });
    for (const reply of comment.comments) visit(reply, comment.id, null);
  };
  const events: SourceComment[] = [];
  // Oldest first, so a comment that appears in several activities keeps its place in its first thread.
  for (const activity of [...activities].reverse()) {
    if (activity.action === "COMMENTED" && activity.comment && activity.commentAction !== "DELETED") {
      visit(activity.comment, null, inlineOf(activity));
      continue;
    }
    const text = eventText(activity);
    if (!text) continue;
    events.push({ id: -activity.id, body: text, author: userOf(activity.user), parentId: null, inline: null, deleted: false, system: true, createdAt: iso(activity.createdDate), updatedAt: iso(activity.createdDate), webUrl: null });
  }
  return [...comments.values(), ...events];
}

export function createBitbucketServerSource(options: BitbucketServerSourceOptions): ImportSource & SyncSource {
  const [projectKey, slug] = options.repository.split("/") as [string, string];
  const client = createBitbucketServerClient({
    serverUrl: options.serverUrl,
    credential: options.credential,
    fetch: options.fetch,
    retry: { ...BACKGROUND_RETRY, ...options.retry },
    onEvent: (event: RetryEvent) => options.onEvent?.(event.type === "rate-limited" ? { type: "rate-limited", resumeAt: event.resumeAt } : { type: "retrying", resumeAt: event.resumeAt, attempt: event.attempt }),
  });
  const server = client.serverUrl;
  const repositoryWebUrl = `${server}/projects/${encodeURIComponent(projectKey)}/repos/${encodeURIComponent(slug)}`;
  // Git URLs are built from the configured server, never from the clone links the server returns.
  const cloneUrlOf = (key: string, repositorySlug: string) => `${server}/scm/${encodeURIComponent(key.toLowerCase())}/${encodeURIComponent(repositorySlug)}.git`;
  const pendingKey = (pullRequestId: number) => `${options.cacheKey}:${pullRequestId}`;

  function toPullRequest(pullRequest: ServerPullRequest, activities: readonly ServerActivity[], comments: readonly SourceComment[]): SourcePullRequest {
    const from = pullRequest.fromRef.repository;
    const sourceRepository = from ? `${from.project.key}/${from.slug}` : null;
    const fromFork = sourceRepository !== null && sourceRepository.toLowerCase() !== options.repository.toLowerCase();
    const state = STATES[pullRequest.state];
    const closing = state === "merged" ? latest(activities, "MERGED") : state === "declined" ? latest(activities, "DECLINED") : undefined;
    return {
      id: pullRequest.id,
      title: pullRequest.title,
      description: pullRequest.description ?? "",
      state,
      draft: pullRequest.draft ?? false,
      author: sourceUser(pullRequest.author?.user),
      sourceBranch: pullRequest.fromRef.displayId,
      sourceCommit: pullRequest.fromRef.latestCommit ?? null,
      sourceRepository,
      sourceCloneUrl: fromFork && from ? cloneUrlOf(from.project.key, from.slug) : null,
      targetBranch: pullRequest.toRef.displayId,
      targetCommit: pullRequest.toRef.latestCommit ?? null,
      mergeCommit: latest(activities, "MERGED")?.commit?.id ?? null,
      closedBy: sourceUser(closing?.user),
      reviewers: pullRequest.reviewers.map((reviewer) => sourceUser(reviewer.user)!),
      participants: participants(pullRequest, activities),
      commentCount: comments.length,
      createdAt: iso(pullRequest.createdDate),
      updatedAt: iso(pullRequest.closedDate ?? pullRequest.updatedDate),
      webUrl: `${repositoryWebUrl}/pull-requests/${pullRequest.id}`,
    };
  }

  /** Pull requests with their activities, read once per pull request; the comments are kept for the comment stage. */
  async function withActivities(pullRequests: readonly ServerPullRequest[]): Promise<SourcePullRequest[]> {
    const userOf = sharedUsers();
    return pLimit(ACTIVITY_CONCURRENCY).map(pullRequests, async (pullRequest) => {
      const activities = await client.activities(projectKey, slug, pullRequest.id);
      const comments = commentsFromActivities(activities, `${repositoryWebUrl}/pull-requests/${pullRequest.id}`, userOf);
      if (comments.length > 0) pendingComments.keep(pendingKey(pullRequest.id), comments);
      return toPullRequest(pullRequest, activities, comments);
    });
  }

  return {
    name: "bitbucket_server",
    displayName: "Bitbucket Server",
    importedFrom: "bitbucket_server",
    userDirectory: { provider: "bitbucket_server", instanceUrl: server },

    async repository(): Promise<SourceRepository> {
      const [repository, defaultBranch] = await Promise.all([client.repository(projectKey, slug), client.defaultBranch(projectKey, slug)]);
      const cloneUrl = cloneUrlOf(repository.project.key, repository.slug);
      return {
        fullName: `${repository.project.key}/${repository.slug}`,
        name: repository.name,
        slug: repository.slug,
        description: repository.description ?? "",
        isPrivate: !repository.public,
        defaultBranch,
        hasIssues: false,
        hasWiki: false,
        webUrl: repositoryWebUrl,
        cloneUrl,
        wikiCloneUrl: null,
        lfsBatchUrl: `${cloneUrl}/info/lfs/objects/batch`,
        extraRefspecs: ["+refs/pull-requests/*/from:refs/merge-requests/*/head"],
        noIssuesReason: NO_ISSUE_TRACKER_REASON,
      };
    },

    async gitCredentials() {
      return { username: options.credential.username, password: options.credential.token };
    },

    async membersPage() {
      return { items: [], next: null, total: 0 };
    },

    /** A cursor is an offset in the listing (oldest first); a slice's listing page was usually read by the slice before it. */
    async pullRequestsPage(cursor): Promise<SourcePage<SourcePullRequest>> {
      const start = Number(cursor ?? 0);
      const listing = listedAhead.take(`${options.cacheKey}:${start}`) ?? (await client.pullRequestsPage(projectKey, slug, start, "OLDEST"));
      const slice = listing.values.slice(0, PULL_REQUEST_SLICE);
      let next = listing.nextPageStart;
      if (listing.values.length > slice.length) {
        next = start + slice.length;
        listedAhead.keep(`${options.cacheKey}:${next}`, { values: listing.values.slice(slice.length), nextPageStart: listing.nextPageStart });
      }
      const items = await withActivities(slice);
      return { items, next: next === null ? null : String(next), total: null };
    },

    /**
     * The server has no update-time filter: the listing, newest update first, is paged down until
     * an update older than `since`; the pull requests above it come back oldest first, in one
     * page, each with its activities read again. Their update time is the server's updatedDate,
     * the key the listing is ordered by.
     */
    async pullRequestsUpdatedSince(since): Promise<SourcePage<SourcePullRequest>> {
      const threshold = Date.parse(since);
      const changed: ServerPullRequest[] = [];
      let start: number | null = 0;
      while (start !== null) {
        const page = await client.pullRequestsPage(projectKey, slug, start, "NEWEST");
        const recent = page.values.filter((pullRequest) => pullRequest.updatedDate >= threshold);
        changed.push(...recent);
        start = recent.length === page.values.length ? page.nextPageStart : null;
      }
      changed.sort((a, b) => a.updatedDate - b.updatedDate || a.id - b.id);
      const items = (await withActivities(changed)).map((item, index) => ({ ...item, updatedAt: iso(changed[index]!.updatedDate) }));
      return { items, next: null, total: items.length };
    },

    async issuesUpdatedSince(): Promise<never> {
      throw new SourceFeatureUnavailable("issues", NO_ISSUE_TRACKER_REASON);
    },

    async pullRequestCommentsPage(pullRequestId): Promise<SourcePage<SourceComment>> {
      const kept = pendingComments.take(pendingKey(pullRequestId));
      const items = kept ?? commentsFromActivities(await client.activities(projectKey, slug, pullRequestId), `${repositoryWebUrl}/pull-requests/${pullRequestId}`);
      return { items, next: null, total: items.length };
    },

    async issuesPage() {
      return { items: [], next: null, total: 0 };
    },
    async issueCommentsPage() {
      return { items: [], next: null, total: 0 };
    },
    async milestones() {
      return [];
    },
  };
}
