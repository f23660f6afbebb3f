/**
 * Pull request endpoints:
 *
 *   GET /2.0/repositories/{ws}/{slug}/pullrequests                     state= (repeatable), q, sort, fields, pagelen <= 50
 *   GET /2.0/repositories/{ws}/{slug}/pullrequests/{id}                with reviewers and participants
 *   GET /2.0/repositories/{ws}/{slug}/pullrequests/{id}/comments       q, sort, pagelen <= 100
 *   GET /2.0/repositories/{ws}/{slug}/pullrequests/{id}/comments/{cid}
 *   GET /2.0/repositories/{ws}/{slug}/pullrequests/{id}/activity       newest first, cursor (ctx), pagelen <= 50
 *   GET /2.0/repositories/{ws}/{slug}/pullrequests/activity            every pull request's activity, newest first, cursor (ctx), pagelen <= 50
 *
 * A missing pull request answers 404 text/plain "Not Found", as Bitbucket does.
 */
import { ApiError, paginateCursor, paginateRecords, requireRepository, single, type ApiContext, type ApiRoute } from "./api-support";
import { PULL_REQUEST_STATES, type PullRequestCommentRecord, type PullRequestRecord, type PullRequestState, type RepositoryDetail } from "./content";
import { bitbucketError, text } from "./responses";
import { PULL_REQUEST_COMMENT_FIELDS, PULL_REQUEST_FIELDS, contentSerializer, newestFirst, type ActivityEvent } from "./serialize-content";
import type { RepositoryRecord } from "./seed";

const BASE = String.raw`^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/pullrequests`;

function notFound(): ApiError {
  return new ApiError(text("Not Found", 404));
}

function repositoryAndDetail(ctx: ApiContext): { repository: RepositoryRecord; detail: RepositoryDetail } {
  const repository = requireRepository(ctx, ctx.params[0]!, ctx.params[1]!);
  return { repository, detail: ctx.state.detail(repository) };
}

function requirePullRequest(ctx: ApiContext, detail: RepositoryDetail): PullRequestRecord {
  const raw = ctx.params[2]!;
  const pr = /^\d+$/.test(raw) ? detail.pullRequests.get(Number(raw)) : undefined;
  if (!pr) throw notFound();
  return pr;
}

/** Pending (draft) comments are only shown to their author. */
function visibleComments(ctx: ApiContext, comments: readonly PullRequestCommentRecord[]): PullRequestCommentRecord[] {
  const viewer = ctx.viewer?.uuid ?? null;
  return comments.filter((comment) => !comment.pending || (viewer !== null && comment.user === viewer));
}

function userView(ctx: ApiContext, uuid: string | null) {
  const account = uuid === null ? undefined : ctx.state.accountByUuid(uuid);
  return account ? { uuid: account.uuid, account_id: account.account_id, nickname: account.nickname, display_name: account.display_name } : null;
}

export const PULL_REQUEST_ROUTES: readonly ApiRoute[] = [
  {
    pattern: new RegExp(`${BASE}\\/activity$`),
    scope: "pullrequest",
    handle: (ctx) => {
      const { repository, detail } = repositoryAndDetail(ctx);
      const content = contentSerializer(ctx.ser);
      const events: ActivityEvent[] = [];
      for (let id = 1; id <= detail.pullRequests.count; id++) {
        const pr = detail.pullRequests.get(id)!;
        events.push(...content.activityEvents(repository, pr, visibleComments(ctx, detail.pullRequests.comments(id)), true));
      }
      const sorted = newestFirst(events);
      return paginateCursor(ctx, { length: sorted.length, slice: (start, end) => sorted.slice(start, end).map((event) => event.value()) }, 50);
    },
  },
  {
    pattern: new RegExp(`${BASE}$`),
    scope: "pullrequest",
    handle: (ctx) => {
      const { repository, detail } = repositoryAndDetail(ctx);
      const params = ctx.url.searchParams;
      const requested = params.getAll("state");
      for (const state of requested) {
        if (!PULL_REQUEST_STATES.includes(state.toUpperCase() as PullRequestState)) {
          return bitbucketError(400, `Invalid state: ${state}`, { detail: `state must be one of ${PULL_REQUEST_STATES.join(", ")}; repeat the parameter for several states.` });
        }
      }
      // Observed on bitbucket.org: with q, the state parameter (and the OPEN default) is ignored.
      const q = params.get("q");
      const states = q !== null && q.trim() !== "" ? null : new Set(requested.length > 0 ? requested.map((state) => state.toUpperCase()) : ["OPEN"]);
      const records: PullRequestRecord[] = [];
      for (let id = detail.pullRequests.count; id >= 1; id--) {
        const pr = detail.pullRequests.get(id)!;
        if (!states || states.has(pr.state)) records.push(pr);
      }
      const content = contentSerializer(ctx.ser);
      return paginateRecords(ctx, records, {
        schema: PULL_REQUEST_FIELDS,
        maxPagelen: 50,
        project: (pr) => ({
          id: pr.id,
          title: pr.title,
          description: pr.description,
          state: pr.state,
          draft: pr.draft,
          created_on: pr.createdOn,
          updated_on: pr.updatedOn,
          comment_count: detail.pullRequests.comments(pr.id).filter((comment) => !comment.deleted && !comment.pending).length,
          task_count: pr.taskCount,
          close_source_branch: pr.closeSourceBranch,
          source: { branch: { name: pr.source.branch }, repository: pr.source.repository ? { full_name: pr.source.repository } : null, commit: { hash: pr.source.commit.slice(0, 12) } },
          destination: { branch: { name: pr.destination.branch }, commit: { hash: pr.destination.commit.slice(0, 12) } },
          author: userView(ctx, pr.author),
        }),
        render: (pr) => content.pullRequest(repository, detail, pr, false),
        renderFull: (pr) => content.pullRequest(repository, detail, pr, true),
      });
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/([^/]+)$`),
    scope: "pullrequest",
    handle: (ctx) => {
      const { repository, detail } = repositoryAndDetail(ctx);
      const pr = requirePullRequest(ctx, detail);
      return single(ctx, contentSerializer(ctx.ser).pullRequest(repository, detail, pr, true));
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/([^/]+)\\/comments$`),
    scope: "pullrequest",
    handle: (ctx) => {
      const { repository, detail } = repositoryAndDetail(ctx);
      const pr = requirePullRequest(ctx, detail);
      const content = contentSerializer(ctx.ser);
      const comments = visibleComments(ctx, detail.pullRequests.comments(pr.id));
      return paginateRecords(ctx, comments, {
        schema: PULL_REQUEST_COMMENT_FIELDS,
        project: (comment) => ({
          id: comment.id,
          created_on: comment.createdOn,
          updated_on: comment.updatedOn,
          deleted: comment.deleted,
          pending: comment.pending,
          content: { raw: content.text(comment.raw) },
          inline: comment.inline ?? undefined,
          parent: comment.parent !== null ? { id: comment.parent } : undefined,
          user: userView(ctx, comment.user),
        }),
        render: (comment) => content.pullRequestComment(repository, pr, comment),
      });
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/([^/]+)\\/comments\\/([^/]+)$`),
    scope: "pullrequest",
    handle: (ctx) => {
      const { repository, detail } = repositoryAndDetail(ctx);
      const pr = requirePullRequest(ctx, detail);
      const comment = visibleComments(ctx, detail.pullRequests.comments(pr.id)).find((candidate) => String(candidate.id) === ctx.params[3]);
      if (!comment) throw notFound();
      return single(ctx, contentSerializer(ctx.ser).pullRequestComment(repository, pr, comment));
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/([^/]+)\\/activity$`),
    scope: "pullrequest",
    handle: (ctx) => {
      const { repository, detail } = repositoryAndDetail(ctx);
      const pr = requirePullRequest(ctx, detail);
      const comments = visibleComments(ctx, detail.pullRequests.comments(pr.id));
      return paginateCursor(ctx, contentSerializer(ctx.ser).activity(repository, pr, comments), 50);
    },
  },
];
