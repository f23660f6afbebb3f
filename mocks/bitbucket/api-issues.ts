/**
 * Issue tracker endpoints. Bitbucket removed Issues on 2026-08-20: while the `issuesRemoved`
 * knob is true (the default) every one of them answers 410. With it false:
 *
 *   GET /2.0/repositories/{ws}/{slug}/issues                           q, sort, fields, pagelen <= 100
 *   GET /2.0/repositories/{ws}/{slug}/issues/{id}
 *   GET /2.0/repositories/{ws}/{slug}/issues/{id}/comments[/{cid}]
 *   GET /2.0/repositories/{ws}/{slug}/issues/{id}/changes[/{cid}]
 *   GET /2.0/repositories/{ws}/{slug}/issues/{id}/attachments          (always empty)
 *   GET /2.0/repositories/{ws}/{slug}/milestones[/{id}], /components[/{id}], /versions[/{id}]
 *
 * Repositories with has_issues false answer 404 "Repository has no issue tracker.".
 */
import { ApiError, NO_API_HERE, paginate, paginateRecords, requireRepository, single, type ApiContext, type ApiRoute } from "./api-support";
import type { IssueCommentRecord, IssueRecord, NamedRecord, RepositoryDetail } from "./content";
import { bitbucketError } from "./responses";
import { ISSUE_COMMENT_FIELDS, ISSUE_FIELDS, NAMED_FIELDS, contentSerializer } from "./serialize-content";
import type { RepositoryRecord } from "./seed";

export const ISSUES_REMOVED_MESSAGE = "Issues have been removed from Bitbucket Cloud.";
export const ISSUES_REMOVED_DETAIL = "Bitbucket Cloud removed Issues and Wikis on August 20, 2026. Export archives can still be imported.";
export const NO_TRACKER_MESSAGE = "Repository has no issue tracker.";

const BASE = String.raw`^\/2\.0\/repositories\/([^/]+)\/([^/]+)`;

function tracker(ctx: ApiContext): { repository: RepositoryRecord; detail: RepositoryDetail } {
  const repository = requireRepository(ctx, ctx.params[0]!, ctx.params[1]!);
  if (ctx.state.knobs.issuesRemoved) throw new ApiError(bitbucketError(410, ISSUES_REMOVED_MESSAGE, { detail: ISSUES_REMOVED_DETAIL }));
  if (!repository.has_issues) throw new ApiError(bitbucketError(404, NO_TRACKER_MESSAGE));
  return { repository, detail: ctx.state.detail(repository) };
}

function requireIssue(ctx: ApiContext, detail: RepositoryDetail): IssueRecord {
  const raw = ctx.params[2]!;
  const issue = /^\d+$/.test(raw) ? detail.issues.get(Number(raw)) : undefined;
  // Bitbucket runs on Django; this is Django's get_object_or_404 message (not recorded from bitbucket.org).
  if (!issue) throw new ApiError(bitbucketError(404, "No Issue matches the given query."));
  return issue;
}

function userView(ctx: ApiContext, uuid: string | null) {
  const account = uuid === null ? undefined : ctx.state.accountByUuid(uuid);
  return account ? { uuid: account.uuid, account_id: account.account_id, nickname: account.nickname, display_name: account.display_name } : null;
}

function namedRoutes(kind: "milestone" | "component" | "version", list: (detail: RepositoryDetail) => readonly NamedRecord[]): ApiRoute[] {
  return [
    {
      pattern: new RegExp(`${BASE}\\/${kind}s$`),
      scope: "issue",
      handle: (ctx) => {
        const { repository, detail } = tracker(ctx);
        const content = contentSerializer(ctx.ser);
        return paginateRecords(ctx, list(detail), {
          schema: NAMED_FIELDS,
          project: (entry) => entry,
          render: (entry) => content.namedObject(repository, kind, entry),
        });
      },
    },
    {
      pattern: new RegExp(`${BASE}\\/${kind}s\\/([^/]+)$`),
      scope: "issue",
      handle: (ctx) => {
        const { repository, detail } = tracker(ctx);
        const entry = list(detail).find((candidate) => String(candidate.id) === ctx.params[2]);
        if (!entry) return bitbucketError(404, `No ${kind[0]!.toUpperCase()}${kind.slice(1)} matches the given query.`);
        return single(ctx, contentSerializer(ctx.ser).namedObject(repository, kind, entry));
      },
    },
  ];
}

export const ISSUE_ROUTES: readonly ApiRoute[] = [
  {
    pattern: new RegExp(`${BASE}\\/issues$`),
    scope: "issue",
    handle: (ctx) => {
      const { repository, detail } = tracker(ctx);
      const records: IssueRecord[] = [];
      for (let id = 1; id <= detail.issues.maxId; id++) {
        const issue = detail.issues.get(id);
        if (issue) records.push(issue);
      }
      const named = (list: readonly NamedRecord[], id: number | null) => (id === null ? null : (list.find((entry) => entry.id === id) ?? null));
      const content = contentSerializer(ctx.ser);
      return paginateRecords(ctx, records, {
        schema: ISSUE_FIELDS,
        project: (issue) => ({
          id: issue.id,
          title: issue.title,
          state: issue.state,
          kind: issue.kind,
          priority: issue.priority,
          created_on: issue.createdOn,
          updated_on: issue.updatedOn,
          edited_on: issue.editedOn,
          votes: issue.votes,
          watches: issue.watches,
          content: { raw: content.text(issue.raw) },
          milestone: named(detail.milestones, issue.milestone),
          component: named(detail.components, issue.component),
          version: named(detail.versions, issue.version),
          reporter: userView(ctx, issue.reporter),
          assignee: userView(ctx, issue.assignee),
        }),
        render: (issue) => content.issue(repository, detail, issue),
      });
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/issues\\/([^/]+)$`),
    scope: "issue",
    handle: (ctx) => {
      const { repository, detail } = tracker(ctx);
      return single(ctx, contentSerializer(ctx.ser).issue(repository, detail, requireIssue(ctx, detail)));
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/issues\\/([^/]+)\\/comments$`),
    scope: "issue",
    handle: (ctx) => {
      const { repository, detail } = tracker(ctx);
      const issue = requireIssue(ctx, detail);
      const content = contentSerializer(ctx.ser);
      return paginateRecords(ctx, detail.issues.comments(issue.id), {
        schema: ISSUE_COMMENT_FIELDS,
        project: (comment) => ({ id: comment.id, created_on: comment.createdOn, updated_on: comment.updatedOn, content: { raw: comment.raw === null ? null : content.text(comment.raw) }, user: userView(ctx, comment.user) }),
        render: (comment) => content.issueComment(repository, issue, comment),
      });
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/issues\\/([^/]+)\\/comments\\/([^/]+)$`),
    scope: "issue",
    handle: (ctx) => {
      const { repository, detail } = tracker(ctx);
      const issue = requireIssue(ctx, detail);
      const comment = detail.issues.comments(issue.id).find((candidate) => String(candidate.id) === ctx.params[3]);
      if (!comment) return bitbucketError(404, "No IssueComment matches the given query.");
      return single(ctx, contentSerializer(ctx.ser).issueComment(repository, issue, comment));
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/issues\\/([^/]+)\\/changes(?:\\/([^/]+))?$`),
    scope: "issue",
    handle: (ctx) => {
      const { repository, detail } = tracker(ctx);
      const issue = requireIssue(ctx, detail);
      const content = contentSerializer(ctx.ser);
      const changes = detail.issues.comments(issue.id).filter((comment): comment is IssueCommentRecord & { change: NonNullable<IssueCommentRecord["change"]> } => comment.change !== undefined);
      if (ctx.params[3]) {
        const change = changes.find((candidate) => String(candidate.id) === ctx.params[3]);
        if (!change) return bitbucketError(404, "No IssueChange matches the given query.");
        return single(ctx, content.issueChange(repository, issue, change));
      }
      return paginate(ctx, changes.map((change) => content.issueChange(repository, issue, change)));
    },
  },
  {
    pattern: new RegExp(`${BASE}\\/issues\\/([^/]+)\\/attachments$`),
    scope: "issue",
    handle: (ctx) => {
      const { detail } = tracker(ctx);
      requireIssue(ctx, detail);
      return paginate(ctx, []);
    },
  },
  ...namedRoutes("milestone", (detail) => detail.milestones),
  ...namedRoutes("component", (detail) => detail.components),
  ...namedRoutes("version", (detail) => detail.versions),
  {
    // Anything else under the tracker: removed (410), no tracker (404) or unknown endpoint (404).
    pattern: new RegExp(`${BASE}\\/(?:issues|milestones|components|versions)(?:\\/.*)?$`),
    scope: "issue",
    handle: (ctx) => {
      tracker(ctx);
      return bitbucketError(404, "Resource not found", { detail: NO_API_HERE });
    },
  },
];
