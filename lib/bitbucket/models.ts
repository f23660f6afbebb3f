/**
 * Bitbucket Cloud payloads: permissive zod schemas for the raw JSON (unknown
 * fields pass through, the fields we rely on are checked) that transform into
 * clean camelCase domain types.
 *
 * Adding a resource (pull requests, comments, issues...) = a raw schema here,
 * a `.transform()` to its domain type, and a client method that calls
 * `getJson`/`paginate` with it.
 *
 * Timestamps stay ISO-8601 strings as Bitbucket sends them, so domain objects
 * survive JSON serialisation (API routes, react-query) unchanged.
 */
import { z } from "zod";

// ---------------------------------------------------------------------------
// Shared pieces

const href = z.looseObject({ href: z.string() });

/** Pagination envelope: only `values` and `next` are guaranteed; `next` is an absolute URL. */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.looseObject({
    values: z.array(item),
    next: z.string().nullish(),
    previous: z.string().nullish(),
    page: z.number().int().optional(),
    pagelen: z.number().int().optional(),
    size: z.number().int().optional(),
  });
}

export interface Page<T> {
  values: T[];
  /** Absolute URL of the next page; null on the last page. */
  next: string | null;
  page?: number;
  pagelen?: number;
  /** Total number of items, when Bitbucket computed it. */
  size?: number;
}

// ---------------------------------------------------------------------------
// Users

/** A Bitbucket account as embedded in other objects (members, PR authors, commenters). */
export interface BitbucketUser {
  uuid: string;
  accountId: string | null;
  nickname: string | null;
  displayName: string | null;
  avatarUrl: string | null;
  /** "user", "team", "app_user", ... */
  type: string | null;
}

export const rawUserSchema = z.looseObject({
  type: z.string().optional(),
  uuid: z.string(),
  account_id: z.string().nullish(),
  nickname: z.string().nullish(),
  display_name: z.string().nullish(),
  links: z.looseObject({ avatar: href.nullish() }).nullish(),
});

export function toUser(raw: z.output<typeof rawUserSchema>): BitbucketUser {
  return {
    uuid: raw.uuid,
    accountId: raw.account_id ?? null,
    nickname: raw.nickname ?? null,
    displayName: raw.display_name ?? null,
    avatarUrl: raw.links?.avatar?.href ?? null,
    type: raw.type ?? null,
  };
}

export const userSchema = rawUserSchema.transform(toUser);

/** The signed-in account (GET /2.0/user). */
export interface CurrentUser {
  uuid: string;
  accountId: string;
  nickname: string;
  displayName: string;
  avatarUrl: string | null;
}

export const currentUserSchema = z
  .looseObject({
    uuid: z.string(),
    account_id: z.string(),
    nickname: z.string(),
    display_name: z.string(),
    links: z.looseObject({ avatar: href.nullish() }).nullish(),
  })
  .transform(
    (raw): CurrentUser => ({
      uuid: raw.uuid,
      accountId: raw.account_id,
      nickname: raw.nickname,
      displayName: raw.display_name,
      avatarUrl: raw.links?.avatar?.href ?? null,
    }),
  );

export interface UserEmail {
  email: string;
  isPrimary: boolean;
  isConfirmed: boolean;
}

export const userEmailSchema = z
  .looseObject({ email: z.string(), is_primary: z.boolean(), is_confirmed: z.boolean() })
  .transform((raw): UserEmail => ({ email: raw.email, isPrimary: raw.is_primary, isConfirmed: raw.is_confirmed }));

// ---------------------------------------------------------------------------
// Workspaces

export interface WorkspaceAccess {
  slug: string;
  uuid: string;
  name?: string;
  /** Whether the current user administers the workspace. */
  administrator: boolean;
}

/** GET /2.0/user/workspaces: `workspace_access` objects. */
export const workspaceAccessSchema = z
  .looseObject({
    administrator: z.boolean().optional(),
    workspace: z.looseObject({ uuid: z.string(), slug: z.string(), name: z.string().nullish() }),
  })
  .transform((raw): WorkspaceAccess => {
    const access: WorkspaceAccess = {
      slug: raw.workspace.slug,
      uuid: raw.workspace.uuid,
      administrator: raw.administrator === true,
    };
    if (raw.workspace.name) access.name = raw.workspace.name;
    return access;
  });

/** GET /2.0/workspaces/{ws}/members: `workspace_membership` objects; we keep the user. */
export const workspaceMembershipSchema = z
  .looseObject({ user: rawUserSchema })
  .transform((raw): BitbucketUser => toUser(raw.user));

// ---------------------------------------------------------------------------
// Repositories

export interface Repository {
  uuid: string;
  /** "workspace/slug" */
  fullName: string;
  slug: string;
  name: string;
  workspaceSlug: string;
  description: string;
  isPrivate: boolean;
  /** "git" (Mercurial repositories no longer exist, but anything else is incompatible). */
  scm: string;
  /** null for an empty repository. */
  mainBranch: string | null;
  hasIssues: boolean;
  hasWiki: boolean;
  language: string | null;
  /** Bytes, when reported. */
  size: number | null;
  createdOn: string | null;
  updatedOn: string | null;
  /** The repository's page on Bitbucket (links.html.href; always present on Bitbucket Cloud). */
  htmlUrl: string;
  /** HTTPS clone URL with the user info Bitbucket embeds removed. */
  httpsCloneUrl: string | null;
  project: { key: string; name: string | null; uuid: string | null } | null;
  /** Full name of the repository this one was forked from. */
  parentFullName: string | null;
}

export const rawRepositorySchema = z.looseObject({
  uuid: z.string(),
  full_name: z.string(),
  name: z.string(),
  slug: z.string().nullish(),
  description: z.string().nullish(),
  is_private: z.boolean(),
  scm: z.string().nullish(),
  mainbranch: z.looseObject({ name: z.string() }).nullish(),
  has_issues: z.boolean().nullish(),
  has_wiki: z.boolean().nullish(),
  language: z.string().nullish(),
  size: z.number().nullish(),
  created_on: z.string().nullish(),
  updated_on: z.string().nullish(),
  links: z.looseObject({
      html: href,
      clone: z.array(z.looseObject({ name: z.string(), href: z.string() })).nullish(),
    }),
  project: z.looseObject({ key: z.string(), name: z.string().nullish(), uuid: z.string().nullish() }).nullish(),
  workspace: z.looseObject({ slug: z.string() }).nullish(),
  parent: z.looseObject({ full_name: z.string() }).nullish(),
});

export function toRepository(raw: z.output<typeof rawRepositorySchema>): Repository {
  const [ownerPart, slugPart] = splitFullName(raw.full_name);
  const https = raw.links.clone?.find((link) => link.name === "https")?.href ?? null;
  return {
    uuid: raw.uuid,
    fullName: raw.full_name,
    slug: raw.slug ?? slugPart,
    name: raw.name,
    workspaceSlug: raw.workspace?.slug ?? ownerPart,
    description: raw.description ?? "",
    isPrivate: raw.is_private,
    scm: raw.scm ?? "git",
    mainBranch: raw.mainbranch?.name ?? null,
    hasIssues: raw.has_issues ?? false,
    hasWiki: raw.has_wiki ?? false,
    language: raw.language ? raw.language : null,
    size: raw.size ?? null,
    createdOn: raw.created_on ?? null,
    updatedOn: raw.updated_on ?? null,
    htmlUrl: raw.links.html.href,
    httpsCloneUrl: https === null ? null : stripUserInfo(https),
    project: raw.project ? { key: raw.project.key, name: raw.project.name ?? null, uuid: raw.project.uuid ?? null } : null,
    parentFullName: raw.parent?.full_name ?? null,
  };
}

export const repositorySchema = rawRepositorySchema.transform(toRepository);

/** Alias for code that prefers the prefixed name. */
export type BitbucketRepository = Repository;

function splitFullName(fullName: string): [string, string] {
  const index = fullName.indexOf("/");
  return index === -1 ? [fullName, fullName] : [fullName.slice(0, index), fullName.slice(index + 1)];
}

function stripUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------------------
// Embedded users that may be incomplete (deleted accounts, anonymous issue reporters)

/** Like `rawUserSchema`, but a user without a uuid is accepted (and mapped to null) instead of failing the page. */
export const rawEmbeddedUserSchema = z.looseObject({
  type: z.string().nullish(),
  uuid: z.string().nullish(),
  account_id: z.string().nullish(),
  nickname: z.string().nullish(),
  display_name: z.string().nullish(),
  links: z.looseObject({ avatar: href.nullish() }).nullish(),
});

/** An embedded user; null when absent or when Bitbucket sent no uuid (the only stable identity). */
export function toEmbeddedUser(raw: z.output<typeof rawEmbeddedUserSchema> | null | undefined): BitbucketUser | null {
  if (!raw || !raw.uuid) return null;
  return toUser({ ...raw, uuid: raw.uuid, type: raw.type ?? undefined });
}

const htmlLinks = z.looseObject({ html: href.nullish() }).nullish();
const content = z.looseObject({ raw: z.string().nullish(), markup: z.string().nullish() }).nullish();

// ---------------------------------------------------------------------------
// Pull requests

export type PullRequestState = "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED";

/** Every state; `/pullrequests` returns only OPEN ones unless told otherwise. */
export const PULL_REQUEST_STATES: readonly PullRequestState[] = Object.freeze(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]);

export interface PullRequestEndpoint {
  branch: string | null;
  /** As Bitbucket sends it: usually abbreviated to 12 characters. */
  commit: string | null;
  /** null when Bitbucket no longer knows the repository (a deleted fork). */
  repository: { fullName: string; uuid: string | null; htmlUrl: string | null } | null;
}

export interface PullRequestParticipant {
  user: BitbucketUser;
  role: "REVIEWER" | "PARTICIPANT";
  approved: boolean;
  /** "approved", "changes_requested" or null. */
  state: string | null;
  /** When they last participated (approved, commented...). */
  participatedOn: string | null;
}

export interface PullRequest {
  id: number;
  title: string;
  /** Raw (markdown) description. */
  description: string;
  state: PullRequestState;
  draft: boolean;
  author: BitbucketUser | null;
  source: PullRequestEndpoint;
  destination: PullRequestEndpoint;
  mergeCommit: string | null;
  closedBy: BitbucketUser | null;
  /** Reason given when declining. */
  reason: string | null;
  closeSourceBranch: boolean;
  /** null when the response did not include it. */
  commentCount: number | null;
  taskCount: number | null;
  createdOn: string;
  updatedOn: string;
  /** null when the response did not include reviewers (listings need `fields=+values.reviewers`). */
  reviewers: BitbucketUser[] | null;
  /** null when the response did not include participants (listings need `fields=+values.participants`). */
  participants: PullRequestParticipant[] | null;
  htmlUrl: string | null;
}

const rawEndpointSchema = z.looseObject({
  branch: z.looseObject({ name: z.string().nullish() }).nullish(),
  commit: z.looseObject({ hash: z.string().nullish() }).nullish(),
  repository: z
    .looseObject({ full_name: z.string().nullish(), uuid: z.string().nullish(), links: htmlLinks })
    .nullish(),
});

function toEndpoint(raw: z.output<typeof rawEndpointSchema> | null | undefined): PullRequestEndpoint {
  const repository = raw?.repository;
  return {
    branch: raw?.branch?.name ?? null,
    commit: raw?.commit?.hash ?? null,
    repository: repository?.full_name
      ? { fullName: repository.full_name, uuid: repository.uuid ?? null, htmlUrl: repository.links?.html?.href ?? null }
      : null,
  };
}

const rawParticipantSchema = z.looseObject({
  user: rawEmbeddedUserSchema.nullish(),
  role: z.string().nullish(),
  approved: z.boolean().nullish(),
  state: z.string().nullish(),
  participated_on: z.string().nullish(),
});

export const rawPullRequestSchema = z.looseObject({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullish(),
  summary: content,
  state: z.enum(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]),
  draft: z.boolean().nullish(),
  author: rawEmbeddedUserSchema.nullish(),
  source: rawEndpointSchema.nullish(),
  destination: rawEndpointSchema.nullish(),
  merge_commit: z.looseObject({ hash: z.string().nullish() }).nullish(),
  closed_by: rawEmbeddedUserSchema.nullish(),
  reason: z.string().nullish(),
  close_source_branch: z.boolean().nullish(),
  comment_count: z.number().int().nullish(),
  task_count: z.number().int().nullish(),
  created_on: z.string(),
  updated_on: z.string(),
  reviewers: z.array(rawEmbeddedUserSchema).nullish(),
  participants: z.array(rawParticipantSchema).nullish(),
  links: htmlLinks,
});

export function toPullRequest(raw: z.output<typeof rawPullRequestSchema>): PullRequest {
  const participants: PullRequestParticipant[] | null = raw.participants
    ? raw.participants.flatMap((participant) => {
        const user = toEmbeddedUser(participant.user);
        if (!user) return [];
        return [
          {
            user,
            role: participant.role?.toUpperCase() === "REVIEWER" ? "REVIEWER" : "PARTICIPANT",
            approved: participant.approved === true,
            state: participant.state ?? null,
            participatedOn: participant.participated_on ?? null,
          } satisfies PullRequestParticipant,
        ];
      })
    : null;
  return {
    id: raw.id,
    title: raw.title,
    description: raw.description ?? raw.summary?.raw ?? "",
    state: raw.state,
    draft: raw.draft === true,
    author: toEmbeddedUser(raw.author),
    source: toEndpoint(raw.source),
    destination: toEndpoint(raw.destination),
    mergeCommit: raw.merge_commit?.hash ?? null,
    closedBy: toEmbeddedUser(raw.closed_by),
    reason: raw.reason ? raw.reason : null,
    closeSourceBranch: raw.close_source_branch === true,
    commentCount: raw.comment_count ?? null,
    taskCount: raw.task_count ?? null,
    createdOn: raw.created_on,
    updatedOn: raw.updated_on,
    reviewers: raw.reviewers ? raw.reviewers.map(toEmbeddedUser).filter((user) => user !== null) : null,
    participants,
    htmlUrl: raw.links?.html?.href ?? null,
  };
}

export const pullRequestSchema = rawPullRequestSchema.transform(toPullRequest);

// ---------------------------------------------------------------------------
// Comments (pull requests and issues)

export interface CommentInline {
  path: string;
  /** Line in the old version of the file (a removed or context line). */
  from: number | null;
  /** Line in the new version of the file (an added or context line). */
  to: number | null;
  /** True when the commented line no longer exists in the latest diff. */
  outdated: boolean;
}

export interface Comment {
  id: number;
  /** Raw (markdown) text; "" for a deleted comment. */
  content: string;
  markup: string | null;
  author: BitbucketUser | null;
  parentId: number | null;
  /** Pull request comments only: the diff position of an inline comment. */
  inline: CommentInline | null;
  deleted: boolean;
  /** An unpublished draft, visible to its author only. */
  pending: boolean;
  createdOn: string;
  updatedOn: string | null;
  htmlUrl: string | null;
}

/** Pull request and issue comments share a shape (issue comments have no inline, deleted or pending). */
export const rawCommentSchema = z.looseObject({
  id: z.number().int(),
  content,
  user: rawEmbeddedUserSchema.nullish(),
  parent: z.looseObject({ id: z.number().int() }).nullish(),
  inline: z
    .looseObject({
      path: z.string().nullish(),
      from: z.number().int().nullish(),
      to: z.number().int().nullish(),
      outdated: z.boolean().nullish(),
    })
    .nullish(),
  deleted: z.boolean().nullish(),
  pending: z.boolean().nullish(),
  created_on: z.string(),
  updated_on: z.string().nullish(),
  links: htmlLinks,
});

export function toComment(raw: z.output<typeof rawCommentSchema>): Comment {
  const inline = raw.inline;
  return {
    id: raw.id,
    content: raw.content?.raw ?? "",
    markup: raw.content?.markup ?? null,
    author: toEmbeddedUser(raw.user),
    parentId: raw.parent?.id ?? null,
    inline: inline?.path
      ? { path: inline.path, from: inline.from ?? null, to: inline.to ?? null, outdated: inline.outdated === true }
      : null,
    deleted: raw.deleted === true,
    pending: raw.pending === true,
    createdOn: raw.created_on,
    updatedOn: raw.updated_on ?? null,
    htmlUrl: raw.links?.html?.href ?? null,
  };
}

export const commentSchema = rawCommentSchema.transform(toComment);

// ---------------------------------------------------------------------------
// Issues (removed from Bitbucket Cloud on 2026-08-20: the endpoints answer 410)

export interface Issue {
  id: number;
  title: string;
  /** Raw text in `markup` (markdown, creole or plaintext). */
  content: string;
  markup: string | null;
  /** bug, enhancement, proposal or task. */
  kind: string;
  /** trivial, minor, major, critical or blocker. */
  priority: string | null;
  /** submitted, new, open, resolved, on hold, invalid, duplicate, wontfix or closed. */
  state: string;
  /** null for anonymous reports. */
  reporter: BitbucketUser | null;
  assignee: BitbucketUser | null;
  milestone: { id: number | null; name: string } | null;
  component: string | null;
  version: string | null;
  votes: number;
  watches: number;
  createdOn: string;
  updatedOn: string | null;
  editedOn: string | null;
  htmlUrl: string | null;
}

const named = z.looseObject({ id: z.number().int().nullish(), name: z.string() }).nullish();

export const rawIssueSchema = z.looseObject({
  id: z.number().int(),
  title: z.string(),
  content,
  kind: z.string().nullish(),
  priority: z.string().nullish(),
  state: z.string(),
  reporter: rawEmbeddedUserSchema.nullish(),
  assignee: rawEmbeddedUserSchema.nullish(),
  milestone: named,
  component: named,
  version: named,
  votes: z.number().int().nullish(),
  watches: z.number().int().nullish(),
  created_on: z.string(),
  updated_on: z.string().nullish(),
  edited_on: z.string().nullish(),
  links: htmlLinks,
});

export function toIssue(raw: z.output<typeof rawIssueSchema>): Issue {
  return {
    id: raw.id,
    title: raw.title,
    content: raw.content?.raw ?? "",
    markup: raw.content?.markup ?? null,
    kind: raw.kind ?? "bug",
    priority: raw.priority ?? null,
    state: raw.state,
    reporter: toEmbeddedUser(raw.reporter),
    assignee: toEmbeddedUser(raw.assignee),
    milestone: raw.milestone ? { id: raw.milestone.id ?? null, name: raw.milestone.name } : null,
    component: raw.component?.name ?? null,
    version: raw.version?.name ?? null,
    votes: raw.votes ?? 0,
    watches: raw.watches ?? 0,
    createdOn: raw.created_on,
    updatedOn: raw.updated_on ?? null,
    editedOn: raw.edited_on ?? null,
    htmlUrl: raw.links?.html?.href ?? null,
  };
}

export const issueSchema = rawIssueSchema.transform(toIssue);

/** One field of an issue change; values are names as Bitbucket shows them ("" or null when empty). */
export interface IssueFieldChange {
  /** state, assignee, kind, priority, milestone, component, version, title, content… */
  field: string;
  old: string | null;
  new: string | null;
}

/** One recorded change of an issue (`/issues/{id}/changes`): who changed which fields, and when. */
export interface IssueChange {
  id: number;
  user: BitbucketUser | null;
  createdOn: string;
  changes: IssueFieldChange[];
}

/** A change value: a name, a number, or an object with a name (milestone, version…); anything else is empty. */
function changeValue(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (value && typeof value === "object" && typeof (value as { name?: unknown }).name === "string") return (value as { name: string }).name;
  return null;
}

export const issueChangeSchema = z
  .looseObject({
    id: z.number().int(),
    created_on: z.string(),
    user: rawEmbeddedUserSchema.nullish(),
    // Read leniently: a field in an unexpected shape is left out, not a reason to refuse the page.
    changes: z.record(z.string(), z.unknown()).nullish(),
  })
  .transform(
    (raw): IssueChange => ({
      id: raw.id,
      user: toEmbeddedUser(raw.user),
      createdOn: raw.created_on,
      changes: Object.entries(raw.changes ?? {}).flatMap(([field, change]) =>
        change && typeof change === "object" && ("old" in change || "new" in change)
          ? [{ field, old: changeValue((change as { old?: unknown }).old), new: changeValue((change as { new?: unknown }).new) }]
          : [],
      ),
    }),
  );

export interface Milestone {
  id: number;
  name: string;
}

export const milestoneSchema = z
  .looseObject({ id: z.number().int(), name: z.string() })
  .transform((raw): Milestone => ({ id: raw.id, name: raw.name }));

// ---------------------------------------------------------------------------
// The repository-wide pull request activity log (/pullrequests/activity, newest first)

export interface PullRequestActivity {
  pullRequestId: number;
  /** When it happened: the comment's last change, the approval, the update. */
  date: string;
  kind: "comment" | "approval" | "update" | "other";
  comment: Comment | null;
  /**
   * For comments: the entry carries what the comments endpoint does (`deleted` and `updated_on`
   * besides the content, parent and inline position), so it can stand in for that endpoint.
   */
  complete: boolean;
}

const rawActivitySchema = z.looseObject({
  pull_request: z.looseObject({ id: z.number().int() }),
  comment: rawCommentSchema.nullish(),
  approval: z.looseObject({ date: z.string() }).nullish(),
  update: z.looseObject({ date: z.string() }).nullish(),
  changes_requested: z.looseObject({ date: z.string() }).nullish(),
});

export const pullRequestActivitySchema = rawActivitySchema.transform((raw): PullRequestActivity => {
  const pullRequestId = raw.pull_request.id;
  if (raw.comment) {
    const comment = toComment(raw.comment);
    const complete = typeof raw.comment.deleted === "boolean" && typeof raw.comment.updated_on === "string";
    const date = comment.updatedOn && comment.updatedOn > comment.createdOn ? comment.updatedOn : comment.createdOn;
    return { pullRequestId, date, kind: "comment", comment, complete };
  }
  if (raw.approval) return { pullRequestId, date: raw.approval.date, kind: "approval", comment: null, complete: true };
  if (raw.update) return { pullRequestId, date: raw.update.date, kind: "update", comment: null, complete: true };
  return { pullRequestId, date: raw.changes_requested?.date ?? "", kind: "other", comment: null, complete: true };
});
