/**
 * Bitbucket Cloud as an ImportSource: the Bitbucket client's domain objects mapped to the
 * source-neutral shapes of ./types. Nothing Bitbucket-specific leaves this file.
 *
 * Requests for a repository with N pull requests, of which K have comments:
 *   1 repository + ceil(members / 100) + ceil(N / 50) pull request pages
 *   + Σ over the K pull requests of ceil(comments / 100) comment pages.
 * Participants, approvals and reviewers come with the pull request pages
 * (`fields=+values.participants,+values.reviewers`), not one request per pull request.
 * With an issue tracker of I issues, of which C have comments: 1 milestones + ceil(I / 100) issue
 * pages + Σ over the I issues of max(1, ceil(comments / 100)) + Σ over the C issues of
 * max(1, ceil(changes / 100)) (the listing tells neither; every change leaves a comment).
 */
import {
  BACKGROUND_RETRY,
  BitbucketGoneError,
  OAUTH_GIT_USERNAME,
  createBitbucketClient,
  isNoIssueTrackerError,
  normaliseWebUrl,
  type BitbucketClient,
  type BitbucketClientEvent,
  type BitbucketClientOptions,
  type BitbucketCredential,
  type BitbucketUser,
  type Comment,
  type Issue,
  type Page,
  type PullRequest,
  type PullRequestEndpoint,
  type Repository,
  type RetryOptions,
} from "@/lib/bitbucket";
import { AppError } from "@/lib/errors";
import {
  SourceFeatureUnavailable,
  type ImportSource,
  type IssueKind,
  type PullRequestState,
  type SourceComment,
  type SourceActivity,
  type SourceCredentials,
  type SourceEvent,
  type SourceIssue,
  type SourceMilestone,
  type SourcePage,
  type SourceParticipant,
  type SourcePullRequest,
  type SourceRepository,
  type SourceUser,
  type SyncSource,
} from "./types";

/** Why issues (and milestones) are skipped: Bitbucket removed them (410 since 2026-08-20). */
export const ISSUES_REMOVED_MESSAGE = "Bitbucket no longer serves issues for this repository";
export const MILESTONES_REMOVED_MESSAGE = "Bitbucket no longer serves milestones for this repository";
/**
 * Why the wiki is skipped: Bitbucket removed wikis with issues, and since then the wiki's git URL of a
 * repository that still says `has_wiki` answers 404 (the repository itself was just fetched with the
 * same credentials, so the 404 is not about access).
 */
export const WIKI_REMOVED_MESSAGE = "Bitbucket no longer serves the wiki of this repository";
/** Why issues (and milestones) are skipped: the repository's tracker is off (`has_issues` false, or 404). */
export const NO_ISSUE_TRACKER_MESSAGE = "the repository has no issue tracker";

type CommonOptions = {
  /** Bitbucket's web origin, e.g. https://bitbucket.org (clone, wiki and LFS URLs are built on it). */
  webUrl: string;
  /** "workspace/slug" */
  repository: string;
  /** Rate-limit waits and retries, for the import's status ("waiting for Bitbucket until 14:05"). */
  onEvent?: (event: SourceEvent) => void;
};

export type BitbucketCloudSourceOptions = CommonOptions &
  (
    | {
        /** e.g. https://api.bitbucket.org */
        apiUrl: string;
        credential: BitbucketCredential;
        client?: undefined;
        /** Merged over BACKGROUND_RETRY (imports wait out rate limits). */
        retry?: Partial<RetryOptions>;
        fetch?: BitbucketClientOptions["fetch"];
        timeoutMs?: number;
        userAgent?: string;
      }
    | {
        /**
         * A ready client (its own retry policy and onEvent apply; `toSourceEvent` converts its
         * events). Its credential is used for git too.
         */
        client: BitbucketClient;
        apiUrl?: string;
        credential?: undefined;
      }
  );

/** A client event as the pipeline sees it; null for events it has no use for (token refreshes...). */
export function toSourceEvent(event: BitbucketClientEvent): SourceEvent | null {
  if (event.type === "rate-limited") return { type: "rate-limited", resumeAt: event.resumeAt };
  // `attempt` is the attempt that failed, as in the client's event.
  if (event.type === "retrying") return { type: "retrying", resumeAt: event.resumeAt, attempt: event.attempt };
  return null;
}

const PULL_REQUEST_STATES: Record<PullRequest["state"], PullRequestState> = {
  OPEN: "open",
  MERGED: "merged",
  DECLINED: "declined",
  SUPERSEDED: "superseded",
};

const ISSUE_KINDS: ReadonlySet<string> = new Set<IssueKind>(["bug", "enhancement", "proposal", "task"]);

/** Pull requests whose participants a listing lacked are fetched one by one, this many at a time. */
const DETAIL_CONCURRENCY = 4;

export function createBitbucketCloudSource(options: BitbucketCloudSourceOptions): ImportSource & SyncSource {
  const { workspace, slug } = parseRepository(options.repository);
  const webUrl = normaliseWebUrl(options.webUrl);
  const client: BitbucketClient =
    options.client ??
    createBitbucketClient({
      apiUrl: options.apiUrl,
      credential: options.credential,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      userAgent: options.userAgent,
      retry: { ...BACKGROUND_RETRY, ...definedOnly(options.retry ?? {}) },
      onEvent: (event) => {
        const sourceEvent = toSourceEvent(event);
        if (sourceEvent) options.onEvent?.(sourceEvent);
      },
    });

  /** Web URL of a repository path ("ws/slug"), e.g. for clone URLs. */
  const webPath = (fullName: string) => `${webUrl}/${fullName.split("/").map(encodeURIComponent).join("/")}`;
  const configuredWebUrl = webPath(`${workspace}/${slug}`);

  // The repository is read once per source (the repository stage asks twice); a failure is not cached.
  let repositoryRequest: Promise<Repository> | null = null;
  let knownRepository: Repository | null = null;
  function loadRepository(): Promise<Repository> {
    repositoryRequest ??= client.getRepository(workspace, slug).then(
      (repository) => {
        knownRepository = repository;
        return repository;
      },
      (error: unknown) => {
        repositoryRequest = null;
        throw error;
      },
    );
    return repositoryRequest;
  }

  /** Without a request: only when the repository was already read and says its tracker is off. */
  function assertTrackerMayExist(feature: "issues" | "milestones"): void {
    if (knownRepository && !knownRepository.hasIssues) throw new SourceFeatureUnavailable(feature, NO_ISSUE_TRACKER_MESSAGE);
  }

  async function withIssueTracker<T>(feature: "issues" | "milestones", run: () => Promise<T>): Promise<T> {
    assertTrackerMayExist(feature);
    try {
      return await run();
    } catch (error) {
      if (error instanceof BitbucketGoneError) {
        throw new SourceFeatureUnavailable(feature, feature === "milestones" ? MILESTONES_REMOVED_MESSAGE : ISSUES_REMOVED_MESSAGE);
      }
      if (isNoIssueTrackerError(error)) throw new SourceFeatureUnavailable(feature, NO_ISSUE_TRACKER_MESSAGE);
      throw error;
    }
  }

  function toSourcePullRequest(pullRequest: PullRequest): SourcePullRequest {
    const sourceRepository = pullRequest.source.repository;
    const targetRepository: PullRequestEndpoint["repository"] = pullRequest.destination.repository ?? {
      fullName: knownRepository?.fullName ?? `${workspace}/${slug}`,
      uuid: knownRepository?.uuid ?? null,
      htmlUrl: null,
    };
    const fromFork = sourceRepository !== null && !sameRepository(sourceRepository, targetRepository);
    const participants: SourceParticipant[] = (pullRequest.participants ?? []).map((participant) => ({
      user: toSourceUser(participant.user),
      role: participant.role === "REVIEWER" ? "reviewer" : "participant",
      approved: participant.approved,
      at: participant.participatedOn,
    }));
    const reviewers =
      pullRequest.reviewers ??
      (pullRequest.participants ?? []).filter((participant) => participant.role === "REVIEWER").map((participant) => participant.user);
    return {
      id: pullRequest.id,
      title: pullRequest.title,
      description: pullRequest.description,
      state: PULL_REQUEST_STATES[pullRequest.state],
      draft: pullRequest.draft,
      author: toSourceUserOrNull(pullRequest.author),
      sourceBranch: pullRequest.source.branch ?? "",
      sourceCommit: pullRequest.source.commit,
      sourceRepository: sourceRepository?.fullName ?? null,
      sourceCloneUrl: fromFork ? `${webPath(sourceRepository.fullName)}.git` : null,
      targetBranch: pullRequest.destination.branch ?? "",
      targetCommit: pullRequest.destination.commit,
      mergeCommit: pullRequest.mergeCommit,
      closedBy: toSourceUserOrNull(pullRequest.closedBy),
      reviewers: reviewers.map(toSourceUser),
      participants,
      // Unknown (omitted) must not hide comments: the pipeline fetches comments only when > 0.
      commentCount: pullRequest.commentCount ?? 1,
      createdAt: pullRequest.createdOn,
      updatedAt: pullRequest.updatedOn,
      webUrl: pullRequest.htmlUrl ?? `${configuredWebUrl}/pull-requests/${pullRequest.id}`,
    };
  }

  /** Fills in participants for pull requests whose listing entry lacked them (Bitbucket ignored `fields`). */
  async function withParticipants(pullRequests: PullRequest[]): Promise<PullRequest[]> {
    const result = [...pullRequests];
    const missing = result.map((pullRequest, index) => ({ pullRequest, index })).filter((entry) => entry.pullRequest.participants === null);
    for (let start = 0; start < missing.length; start += DETAIL_CONCURRENCY) {
      await Promise.all(
        missing.slice(start, start + DETAIL_CONCURRENCY).map(async ({ pullRequest, index }) => {
          const detail = await client.getPullRequest(workspace, slug, pullRequest.id);
          result[index] = {
            ...pullRequest,
            participants: detail.participants ?? [],
            reviewers: pullRequest.reviewers ?? detail.reviewers,
          };
        }),
      );
    }
    return result;
  }

  function toSourceComment(comment: Comment): SourceComment {
    return {
      id: comment.id,
      body: comment.content,
      markup: comment.markup,
      author: toSourceUserOrNull(comment.author),
      parentId: comment.parentId,
      inline: comment.inline ? { path: comment.inline.path, oldLine: comment.inline.from, newLine: comment.inline.to } : null,
      deleted: comment.deleted,
      createdAt: comment.createdOn,
      updatedAt: comment.updatedOn ?? comment.createdOn,
      webUrl: comment.htmlUrl,
    };
  }

  function toSourceIssue(issue: Issue): SourceIssue {
    return {
      id: issue.id,
      title: issue.title,
      body: issue.content,
      markup: issue.markup,
      kind: ISSUE_KINDS.has(issue.kind) ? (issue.kind as IssueKind) : "bug",
      priority: issue.priority,
      state: issue.state,
      reporter: toSourceUserOrNull(issue.reporter),
      assignee: toSourceUserOrNull(issue.assignee),
      milestone: issue.milestone?.name ?? null,
      component: issue.component,
      version: issue.version,
      votes: issue.votes,
      createdAt: issue.createdOn,
      updatedAt: issue.updatedOn ?? issue.createdOn,
      webUrl: issue.htmlUrl ?? `${configuredWebUrl}/issues/${issue.id}`,
    };
  }

  return {
    name: "bitbucket_cloud",
    displayName: "Bitbucket",

    async repository(): Promise<SourceRepository> {
      const repository = await loadRepository();
      const gitUrl = `${webPath(repository.fullName)}.git`;
      return {
        fullName: repository.fullName,
        name: repository.name,
        slug: repository.slug,
        description: repository.description,
        isPrivate: repository.isPrivate,
        defaultBranch: repository.mainBranch,
        hasIssues: repository.hasIssues,
        hasWiki: repository.hasWiki,
        webUrl: repository.htmlUrl,
        cloneUrl: gitUrl,
        wikiCloneUrl: repository.hasWiki ? `${gitUrl}/wiki` : null,
        lfsBatchUrl: `${gitUrl}/info/lfs/objects/batch`,
      };
    },

    async gitCredentials(refused?: SourceCredentials): Promise<SourceCredentials> {
      const credential = options.credential;
      // git cannot tell "expired" from "invalid"; the refusal of a token believed valid is the signal.
      if (refused && credential?.kind === "oauth" && refused.username === OAUTH_GIT_USERNAME) {
        return { username: OAUTH_GIT_USERNAME, password: await credential.refreshAccessToken(refused.password) };
      }
      return client.gitCredentials();
    },

    async membersPage(cursor) {
      const page = await client.listWorkspaceMembersPage(workspace, { cursor });
      return sourcePage(page, page.values.map(toSourceUser));
    },

    async pullRequestsPage(cursor) {
      const page = await client.listPullRequestsPage(workspace, slug, { cursor });
      const pullRequests = await withParticipants(page.values);
      return sourcePage(page, pullRequests.map(toSourcePullRequest));
    },

    async pullRequestsUpdatedSince(since) {
      const page = await client.listPullRequestsUpdatedSince(workspace, slug, since);
      const pullRequests = await withParticipants(page.values);
      return sourcePage(page, pullRequests.map(toSourcePullRequest));
    },

    async pullRequestActivityPage(cursor) {
      const page = await client.listPullRequestActivityPage(workspace, slug, { cursor });
      const entries: SourceActivity[] = page.values
        .filter((entry) => !entry.comment?.pending)
        .map((entry) => ({ ...entry, comment: entry.comment ? toSourceComment(entry.comment) : null }));
      return sourcePage(page, entries);
    },

    async issuesUpdatedSince(since) {
      return withIssueTracker("issues", async () => {
        const page = await client.listIssuesUpdatedSince(workspace, slug, since);
        return sourcePage(page, page.values.map(toSourceIssue));
      });
    },

    async pullRequestCommentsPage(pullRequestId, cursor) {
      const page = await client.listPullRequestCommentsPage(workspace, slug, pullRequestId, { cursor });
      // Pending comments are unpublished drafts of the importing user: not part of the conversation.
      return sourcePage(page, page.values.filter((comment) => !comment.pending).map(toSourceComment));
    },

    async issuesPage(cursor) {
      const page = await withIssueTracker("issues", () => client.listIssuesPage(workspace, slug, { cursor }));
      return sourcePage(page, page.values.map(toSourceIssue));
    },

    async issueCommentsPage(issueId, cursor) {
      const page = await withIssueTracker("issues", () => client.listIssueCommentsPage(workspace, slug, issueId, { cursor }));
      return sourcePage(page, page.values.map(toSourceComment));
    },

    async issueChangesPage(issueId, cursor) {
      const page = await withIssueTracker("issues", () => client.listIssueChangesPage(workspace, slug, issueId, { cursor }));
      return sourcePage(
        page,
        page.values.map((change) => ({
          id: change.id,
          author: toSourceUserOrNull(change.user),
          createdAt: change.createdOn,
          fields: change.changes.map((entry) => ({ field: entry.field, from: entry.old, to: entry.new })),
        })),
      );
    },

    async milestones(): Promise<SourceMilestone[]> {
      const milestones = await withIssueTracker("milestones", () => client.listMilestones(workspace, slug));
      return milestones.map((milestone) => ({ id: String(milestone.id), title: milestone.name }));
    },

    async wikiUnavailable(fetchError) {
      return fetchError instanceof AppError && fetchError.code === "remote_not_found" ? new SourceFeatureUnavailable("wiki", WIKI_REMOVED_MESSAGE) : null;
    },
  };
}

export function toSourceUser(user: BitbucketUser): SourceUser {
  return { id: user.uuid, accountId: user.accountId, username: user.nickname, displayName: user.displayName };
}

function toSourceUserOrNull(user: BitbucketUser | null): SourceUser | null {
  return user ? toSourceUser(user) : null;
}

function sourcePage<T>(page: Page<unknown>, items: T[]): SourcePage<T> {
  const following = followingPages(page);
  return { items, next: page.next, total: page.size ?? null, ...(following ? { following } : {}) };
}

/** Later pages of a listing are fetched in parallel, at most this many ahead. */
const MAX_FOLLOWING_PAGES = 1000;

/**
 * Bitbucket's listings are numbered (`page=2` in the `next` link, with `size` and `pagelen`), so
 * from the first page every later page's link is known: the same link with another number.
 * Listings are sorted by id, so items created during the import land on the last pages.
 */
export function followingPages(page: Page<unknown>): string[] | undefined {
  if (page.next === null || page.page !== 1 || page.size === undefined || !page.pagelen) return undefined;
  const pageParameter = /([?&])page=2(?=&|#|$)/;
  if (!pageParameter.test(page.next)) return undefined;
  const pages = Math.ceil(page.size / page.pagelen);
  if (pages < 2 || pages > MAX_FOLLOWING_PAGES) return undefined;
  // Only the number changes: the rest of the link stays exactly as Bitbucket sent it.
  return Array.from({ length: pages - 1 }, (_, index) => page.next!.replace(pageParameter, `$1page=${index + 2}`));
}

function sameRepository(
  a: NonNullable<PullRequestEndpoint["repository"]>,
  b: NonNullable<PullRequestEndpoint["repository"]>,
): boolean {
  if (a.uuid && b.uuid) return a.uuid.toLowerCase() === b.uuid.toLowerCase();
  return a.fullName.toLowerCase() === b.fullName.toLowerCase();
}

function parseRepository(repository: string): { workspace: string; slug: string } {
  const parts = repository.split("/");
  const [workspace, slug] = parts;
  if (parts.length !== 2 || !workspace || !slug || [workspace, slug].some((part) => part === "." || part === "..")) {
    throw new TypeError(`A Bitbucket repository is "workspace/slug", got "${repository}"`);
  }
  return { workspace, slug };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
