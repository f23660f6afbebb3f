/**
 * API representations of pull requests, comments, activity, issues and their satellites,
 * following recorded Bitbucket Cloud responses (e.g. commonquail/prstatbucket's
 * pullrequests.json and activity.json fixtures).
 */
import {
  WEB_PLACEHOLDER,
  type IssueCommentRecord,
  type IssueRecord,
  type NamedRecord,
  type PullRequestCommentRecord,
  type PullRequestRecord,
  type RepositoryDetail,
} from "./content";
import { render } from "./markup";
import type { FieldSchema } from "./query";
import type { RepositoryRecord } from "./seed";
import type { Serializer } from "./serialize";

const href = (url: string) => ({ href: url });
const short = (hash: string) => hash.slice(0, 12);

/** One entry of a pull request's activity: its date, its place among entries of the same date, and its JSON. */
export type ActivityEvent = { date: string; order: number; value: () => Record<string, unknown> };

export function newestFirst(events: ActivityEvent[]): ActivityEvent[] {
  return events.sort((a, b) => (a.date === b.date ? b.order - a.order : a.date < b.date ? 1 : -1));
}

export class ContentSerializer {
  constructor(readonly ser: Serializer) {}

  private get state() {
    return this.ser.state;
  }

  /** Stored text with the sandbox's web origin put in. */
  text(raw: string): string {
    return raw.includes(WEB_PLACEHOLDER) ? raw.replaceAll(WEB_PLACEHOLDER, this.ser.webUrl) : raw;
  }

  rendered(raw: string | null, markup: "markdown" | "creole" | "plaintext" = "markdown") {
    if (raw === null) return { type: "rendered", raw: null, markup, html: "" };
    const text = this.text(raw);
    const html = render(text, markup, {
      webUrl: this.ser.webUrl,
      mention: (accountId) => this.state.accountByAccountId(accountId),
    });
    return { type: "rendered", raw: text, markup, html };
  }

  user(uuid: string | null) {
    if (uuid === null) return null;
    const account = this.state.accountByUuid(uuid);
    return account ? this.ser.accountRef(account) : null;
  }

  repositoryRef(fullName: string) {
    const [workspace, slug] = fullName.split("/") as [string, string];
    const repository = this.state.repository(workspace, slug);
    if (repository) return this.ser.repositoryRef(repository);
    return { type: "repository", full_name: fullName, links: { self: href(this.ser.api(`/repositories/${fullName}`)), html: href(this.ser.web(`/${fullName}`)) }, name: slug, uuid: null };
  }

  commit(fullName: string, hash: string) {
    return {
      hash: short(hash),
      type: "commit",
      links: { self: href(this.ser.api(`/repositories/${fullName}/commit/${short(hash)}`)), html: href(this.ser.web(`/${fullName}/commits/${short(hash)}`)) },
    };
  }

  // --- pull requests ------------------------------------------------------------------------------

  pullRequestRef(repository: RepositoryRecord, pr: PullRequestRecord) {
    const path = repository.full_name;
    return {
      type: "pullrequest",
      id: pr.id,
      title: pr.title,
      links: { self: href(this.ser.api(`/repositories/${path}/pullrequests/${pr.id}`)), html: href(this.ser.web(`/${path}/pull-requests/${pr.id}`)) },
    };
  }

  private endpoint(repository: RepositoryRecord, pr: PullRequestRecord) {
    const path = repository.full_name;
    return {
      source: {
        commit: this.commit(pr.source.repository ?? path, pr.source.commit),
        repository: pr.source.repository === null ? null : this.repositoryRef(pr.source.repository),
        branch: { name: pr.source.branch },
      },
      destination: {
        commit: this.commit(path, pr.destination.commit),
        repository: this.ser.repositoryRef(repository),
        branch: { name: pr.destination.branch },
      },
    };
  }

  /** A value of /pullrequests (no reviewers/participants) or, with `full`, GET /pullrequests/{id}. */
  pullRequest(repository: RepositoryRecord, detail: RepositoryDetail, pr: PullRequestRecord, full: boolean) {
    const path = repository.full_name;
    const api = (suffix: string) => href(this.ser.api(`/repositories/${path}/pullrequests/${pr.id}${suffix}`));
    const comments = detail.pullRequests.comments(pr.id);
    const { source, destination } = this.endpoint(repository, pr);
    const summary = this.rendered(pr.description);
    const body: Record<string, unknown> = {
      comment_count: comments.filter((comment) => !comment.deleted && !comment.pending).length,
      task_count: pr.taskCount,
      type: "pullrequest",
      id: pr.id,
      title: pr.title,
      description: summary.raw,
      state: pr.state,
      draft: pr.draft,
      merge_commit: pr.mergeCommit ? this.commit(path, pr.mergeCommit) : null,
      close_source_branch: pr.closeSourceBranch,
      closed_by: this.user(pr.closedBy),
      author: this.user(pr.author),
      reason: pr.reason,
      created_on: pr.createdOn,
      updated_on: pr.updatedOn,
      destination,
      source,
      links: {
        self: api(""),
        html: href(this.ser.web(`/${path}/pull-requests/${pr.id}`)),
        commits: api("/commits"),
        approve: api("/approve"),
        "request-changes": api("/request-changes"),
        diff: href(this.ser.api(`/repositories/${path}/diff/${pr.source.repository ?? path}:${short(pr.source.commit)}%0D${short(pr.destination.commit)}?from_pullrequest_id=${pr.id}&topic=true`)),
        diffstat: href(this.ser.api(`/repositories/${path}/diffstat/${pr.source.repository ?? path}:${short(pr.source.commit)}%0D${short(pr.destination.commit)}?from_pullrequest_id=${pr.id}&topic=true`)),
        comments: api("/comments"),
        activity: api("/activity"),
        merge: api("/merge"),
        decline: api("/decline"),
        statuses: api("/statuses"),
      },
      summary,
    };
    if (full) {
      body.rendered = {
        title: this.rendered(pr.title),
        description: summary,
        ...(pr.reason ? { reason: this.rendered(pr.reason) } : {}),
      };
      body.reviewers = pr.reviewers.map((uuid) => this.user(uuid)).filter((user) => user !== null);
      body.participants = pr.participants.map((participant) => ({
        type: "participant",
        user: this.user(participant.user),
        role: participant.role,
        approved: participant.approved,
        state: participant.state,
        participated_on: participant.participatedOn,
      }));
    }
    return body;
  }

  pullRequestComment(repository: RepositoryRecord, pr: PullRequestRecord, comment: PullRequestCommentRecord) {
    const path = repository.full_name;
    const self = (id: number) => this.ser.api(`/repositories/${path}/pullrequests/${pr.id}/comments/${id}`);
    const html = (id: number) => this.ser.web(`/${path}/pull-requests/${pr.id}/_/diff#comment-${id}`);
    return {
      id: comment.id,
      created_on: comment.createdOn,
      updated_on: comment.updatedOn,
      content: this.rendered(comment.raw),
      user: this.user(comment.user),
      deleted: comment.deleted,
      ...(comment.parent !== null ? { parent: { id: comment.parent, links: { self: href(self(comment.parent)), html: href(html(comment.parent)) } } } : {}),
      ...(comment.inline ? { inline: { from: comment.inline.from, to: comment.inline.to, path: comment.inline.path } } : {}),
      pending: comment.pending,
      type: "pullrequest_comment",
      links: {
        self: href(self(comment.id)),
        html: href(html(comment.id)),
        ...(comment.inline
          ? { code: href(this.ser.api(`/repositories/${path}/diff/${pr.source.repository ?? path}:${short(pr.source.commit)}%0D${short(pr.destination.commit)}?path=${encodeURIComponent(comment.inline.path)}`)) }
          : {}),
      },
      pullrequest: this.pullRequestRef(repository, pr),
    };
  }

  /** The activity feed, newest first: updates (state changes), approvals, change requests, comments. */
  activity(repository: RepositoryRecord, pr: PullRequestRecord, comments: readonly PullRequestCommentRecord[]) {
    return newestFirst(this.activityEvents(repository, pr, comments, false)).map((event) => event.value());
  }

  /**
   * A pull request's activity as dated events, built only when read (`value`). With `changes`
   * (the repository-wide log), a comment stands at its last change (an edit or deletion brings
   * it back to the top, with its current content) and an edit of the pull request after its
   * last event is an update of its own.
   */
  activityEvents(repository: RepositoryRecord, pr: PullRequestRecord, comments: readonly PullRequestCommentRecord[], changes: boolean): ActivityEvent[] {
    const ref = () => this.pullRequestRef(repository, pr);
    const update = (state: string, date: string, author: string | null, order: number): ActivityEvent => ({
      date,
      order,
      value: () => {
        const { source, destination } = this.endpoint(repository, pr);
        return {
          update: {
            description: this.text(pr.description),
            title: pr.title,
            destination,
            reason: state === "DECLINED" ? pr.reason : "",
            source,
            state,
            draft: pr.draft,
            author: this.user(author),
            date,
          },
          pull_request: ref(),
        };
      },
    });
    const events: ActivityEvent[] = [update("OPEN", pr.createdOn, pr.author, 0)];
    if (pr.state !== "OPEN" && pr.closedOn) events.push(update(pr.state, pr.closedOn, pr.closedBy ?? pr.author, 3));
    for (const participant of pr.participants) {
      const date = participant.participatedOn;
      if (!date) continue;
      if (participant.approved) {
        events.push({ date, order: 2, value: () => ({ approval: { date, pullrequest: ref(), user: this.user(participant.user) }, pull_request: ref() }) });
      } else if (participant.state === "changes_requested") {
        events.push({ date, order: 2, value: () => ({ changes_requested: { date, pullrequest: ref(), user: this.user(participant.user) }, pull_request: ref() }) });
      }
    }
    for (const comment of comments) {
      const date = changes && comment.updatedOn > comment.createdOn ? comment.updatedOn : comment.createdOn;
      events.push({ date, order: 1, value: () => ({ comment: this.pullRequestComment(repository, pr, comment), pull_request: ref() }) });
    }
    if (changes && events.every((event) => event.date < pr.updatedOn)) events.push(update(pr.state, pr.updatedOn, pr.author, 4));
    return events;
  }

  // --- issues -------------------------------------------------------------------------------------------

  private named(repository: RepositoryRecord, kind: "milestone" | "component" | "version", list: readonly NamedRecord[], id: number | null) {
    if (id === null) return null;
    const entry = list.find((candidate) => candidate.id === id);
    return entry ? this.namedObject(repository, kind, entry) : null;
  }

  namedObject(repository: RepositoryRecord, kind: "milestone" | "component" | "version", entry: NamedRecord) {
    return { type: kind, id: entry.id, name: entry.name, links: { self: href(this.ser.api(`/repositories/${repository.full_name}/${kind}s/${entry.id}`)) } };
  }

  issueRef(repository: RepositoryRecord, issue: IssueRecord) {
    return {
      type: "issue",
      id: issue.id,
      repository: this.ser.repositoryRef(repository),
      links: { self: href(this.ser.api(`/repositories/${repository.full_name}/issues/${issue.id}`)), html: href(this.ser.web(`/${repository.full_name}/issues/${issue.id}`)) },
      title: issue.title,
    };
  }

  issue(repository: RepositoryRecord, detail: RepositoryDetail, issue: IssueRecord) {
    const path = repository.full_name;
    const api = (suffix: string) => href(this.ser.api(`/repositories/${path}/issues/${issue.id}${suffix}`));
    return {
      type: "issue",
      id: issue.id,
      repository: this.ser.repositoryRef(repository),
      links: {
        self: api(""),
        html: href(this.ser.web(`/${path}/issues/${issue.id}`)),
        comments: api("/comments"),
        attachments: api("/attachments"),
        watch: api("/watch"),
        vote: api("/vote"),
      },
      title: issue.title,
      reporter: this.user(issue.reporter),
      assignee: this.user(issue.assignee),
      created_on: issue.createdOn,
      updated_on: issue.updatedOn,
      edited_on: issue.editedOn,
      state: issue.state,
      kind: issue.kind,
      priority: issue.priority,
      milestone: this.named(repository, "milestone", detail.milestones, issue.milestone),
      component: this.named(repository, "component", detail.components, issue.component),
      version: this.named(repository, "version", detail.versions, issue.version),
      votes: issue.votes,
      watches: issue.watches,
      content: this.rendered(issue.raw, issue.markup),
    };
  }

  issueComment(repository: RepositoryRecord, issue: IssueRecord, comment: IssueCommentRecord) {
    const path = repository.full_name;
    return {
      type: "issue_comment",
      id: comment.id,
      created_on: comment.createdOn,
      updated_on: comment.updatedOn,
      content: this.rendered(comment.raw),
      user: this.user(comment.user),
      issue: this.issueRef(repository, issue),
      links: {
        self: href(this.ser.api(`/repositories/${path}/issues/${issue.id}/comments/${comment.id}`)),
        html: href(this.ser.web(`/${path}/issues/${issue.id}#comment-${comment.id}`)),
      },
    };
  }

  issueChange(repository: RepositoryRecord, issue: IssueRecord, comment: IssueCommentRecord & { change: NonNullable<IssueCommentRecord["change"]> }) {
    const path = repository.full_name;
    const field = comment.change.field === "status" ? "state" : comment.change.field === "responsible" ? "assignee" : comment.change.field;
    return {
      type: "issue_change",
      id: comment.id,
      name: "",
      created_on: comment.createdOn,
      user: this.user(comment.user),
      issue: this.issueRef(repository, issue),
      changes: { [field]: { old: comment.change.from, new: comment.change.to } },
      message: this.rendered(comment.raw),
      links: {
        self: href(this.ser.api(`/repositories/${path}/issues/${issue.id}/changes/${comment.id}`)),
        issue: href(this.ser.api(`/repositories/${path}/issues/${issue.id}`)),
        html: href(this.ser.web(`/${path}/issues/${issue.id}#comment-${comment.id}`)),
      },
    };
  }
}

const serializers = new WeakMap<Serializer, ContentSerializer>();
export function contentSerializer(ser: Serializer): ContentSerializer {
  let result = serializers.get(ser);
  if (!result) {
    result = new ContentSerializer(ser);
    serializers.set(ser, result);
  }
  return result;
}

// --- q / sort schemas --------------------------------------------------------------------------

const USER_FIELDS = (prefix: string): Record<string, "string"> => ({
  [`${prefix}.uuid`]: "string",
  [`${prefix}.account_id`]: "string",
  [`${prefix}.nickname`]: "string",
  [`${prefix}.display_name`]: "string",
});

export const PULL_REQUEST_FIELDS: FieldSchema = {
  id: "number",
  title: "string",
  description: "string",
  state: "string",
  draft: "boolean",
  created_on: "datetime",
  updated_on: "datetime",
  comment_count: "number",
  task_count: "number",
  close_source_branch: "boolean",
  "source.branch.name": "string",
  "source.repository.full_name": "string",
  "source.commit.hash": "string",
  "destination.branch.name": "string",
  "destination.commit.hash": "string",
  ...USER_FIELDS("author"),
};

export const PULL_REQUEST_COMMENT_FIELDS: FieldSchema = {
  id: "number",
  created_on: "datetime",
  updated_on: "datetime",
  deleted: "boolean",
  pending: "boolean",
  "content.raw": "string",
  "inline.path": "string",
  "inline.from": "number",
  "inline.to": "number",
  "parent.id": "number",
  ...USER_FIELDS("user"),
};

export const ISSUE_FIELDS: FieldSchema = {
  id: "number",
  title: "string",
  state: "string",
  kind: "string",
  priority: "string",
  created_on: "datetime",
  updated_on: "datetime",
  edited_on: "datetime",
  votes: "number",
  watches: "number",
  "content.raw": "string",
  "milestone.name": "string",
  "milestone.id": "number",
  "component.name": "string",
  "version.name": "string",
  ...USER_FIELDS("reporter"),
  ...USER_FIELDS("assignee"),
};

export const ISSUE_COMMENT_FIELDS: FieldSchema = {
  id: "number",
  created_on: "datetime",
  updated_on: "datetime",
  "content.raw": "string",
  ...USER_FIELDS("user"),
};

export const NAMED_FIELDS: FieldSchema = { id: "number", name: "string" };
