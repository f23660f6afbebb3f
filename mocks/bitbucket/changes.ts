/**
 * Changes to a repository after it was first served, as people keep working in Bitbucket: new
 * and edited pull requests, comments (new, edited, deleted), approvals, state changes, issues and
 * their comments, pushes (with LFS objects), force pushes and deleted branches. Each change is
 * stamped with the sandbox clock (strictly increasing) and moves the `updated_on` of the pull
 * request or issue it touches, so listings filtered by update time and the repository-wide
 * pull request activity log see it. The git repository is rebuilt from the changed plan.
 *
 *   POST /_sandbox/repositories/{workspace}/{slug}/changes   {changes: [...]}  (see changeSchema)
 */
import { z } from "zod";
import { hashGitPlan, type CommitPlan, type HashedGitPlan } from "../common/git-objects";
import { generatedBytes, lfsObject, lfsPointer, type LfsObject } from "../common/git-content";
import { SandboxStateError } from "../common/state-error";
import {
  ISSUE_STATES,
  PULL_REQUEST_STATES,
  type IssueCommentRecord,
  type IssueRecord,
  type IssueStore,
  type ParticipantRecord,
  type PullRequestCommentRecord,
  type PullRequestRecord,
  type PullRequestStore,
  type RepositoryDetail,
} from "./content";
import { bitbucketTimestamp } from "./random";

const id = z.number().int().positive();
const nickname = z.string().min(1).optional();

export const changeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("pull_request"), title: z.string().min(1), description: z.string().default(""), user: nickname, source_branch: z.string().min(1).optional() }),
  z.object({ type: z.literal("edit_pull_request"), pull_request: id, title: z.string().min(1).optional(), description: z.string().optional() }),
  z.object({ type: z.literal("pull_request_state"), pull_request: id, state: z.enum(PULL_REQUEST_STATES), user: nickname }),
  z.object({ type: z.literal("approve"), pull_request: id, user: z.string().min(1) }),
  z.object({
    type: z.literal("comment"),
    pull_request: id,
    content: z.string().min(1),
    user: nickname,
    parent: id.optional(),
    inline: z.object({ path: z.string().min(1), from: z.number().int().positive().nullable().default(null), to: z.number().int().positive().nullable().default(null) }).optional(),
  }),
  z.object({ type: z.literal("edit_comment"), pull_request: id, comment: id, content: z.string().min(1) }),
  z.object({ type: z.literal("delete_comment"), pull_request: id, comment: id }),
  z.object({ type: z.literal("issue"), title: z.string().min(1), content: z.string().default(""), user: nickname }),
  z.object({
    type: z.literal("edit_issue"),
    issue: id,
    title: z.string().min(1).optional(),
    content: z.string().optional(),
    state: z.enum(ISSUE_STATES).optional(),
    assignee: z.string().min(1).nullable().optional(),
  }),
  z.object({ type: z.literal("issue_comment"), issue: id, content: z.string().min(1), user: nickname }),
  z.object({ type: z.literal("edit_issue_comment"), issue: id, comment: id, content: z.string().min(1) }),
  z.object({ type: z.literal("push"), branch: z.string().min(1), message: z.string().default("More work"), lfs: z.boolean().default(false) }),
  z.object({ type: z.literal("force_push"), branch: z.string().min(1), message: z.string().default("Rewritten") }),
  z.object({ type: z.literal("delete_branch"), branch: z.string().min(1) }),
]);
export type SandboxChange = z.input<typeof changeSchema>;
export const changesBody = z.object({ changes: z.array(changeSchema).min(1).max(10_000) });

/** What the state offers the changes: who a nickname is, and the clock. */
export interface ChangeContext {
  accountUuid(nickname: string): string;
  /** A timestamp later than every one handed out before. */
  stamp(): string;
  /** The default author of changes (the first workspace member). */
  readonly defaultUser: string;
}

/** Pull requests with overrides and additions on top of a base store. */
class ChangedPullRequests implements PullRequestStore {
  readonly records = new Map<number, PullRequestRecord>();
  readonly commentLists = new Map<number, PullRequestCommentRecord[]>();
  private extra = 0;
  constructor(private readonly base: PullRequestStore) {}
  get count(): number {
    return this.base.count + this.extra;
  }
  get(prId: number): PullRequestRecord | undefined {
    return this.records.get(prId) ?? this.base.get(prId);
  }
  comments(prId: number): readonly PullRequestCommentRecord[] {
    return this.commentLists.get(prId) ?? this.base.comments(prId);
  }
  add(record: PullRequestRecord): void {
    this.extra++;
    this.records.set(record.id, record);
  }
  set(record: PullRequestRecord): void {
    this.records.set(record.id, record);
  }
  setComments(prId: number, comments: PullRequestCommentRecord[]): void {
    this.commentLists.set(prId, comments);
  }
  nextCommentId(): number {
    let max = 0;
    for (let prId = 1; prId <= this.count; prId++) for (const comment of this.comments(prId)) max = Math.max(max, comment.id);
    return max + 1;
  }
}

class ChangedIssues implements IssueStore {
  readonly records = new Map<number, IssueRecord>();
  readonly commentLists = new Map<number, IssueCommentRecord[]>();
  constructor(private readonly base: IssueStore) {}
  get maxId(): number {
    return Math.max(this.base.maxId, ...this.records.keys());
  }
  get count(): number {
    return this.base.count + [...this.records.keys()].filter((issueId) => !this.base.get(issueId)).length;
  }
  get(issueId: number): IssueRecord | undefined {
    return this.records.get(issueId) ?? this.base.get(issueId);
  }
  comments(issueId: number): readonly IssueCommentRecord[] {
    return this.commentLists.get(issueId) ?? this.base.comments(issueId);
  }
  nextCommentId(): number {
    let max = 0;
    for (let issueId = 1; issueId <= this.maxId; issueId++) for (const comment of this.comments(issueId)) max = Math.max(max, comment.id);
    return max + 1;
  }
}

/** A repository's detail that changes may modify: the base detail with overlays. */
export class ChangedDetail {
  readonly pullRequests: ChangedPullRequests;
  readonly issues: ChangedIssues;
  git: HashedGitPlan;
  readonly lfs: Map<string, LfsObject>;

  constructor(readonly base: RepositoryDetail) {
    this.pullRequests = new ChangedPullRequests(base.pullRequests);
    this.issues = new ChangedIssues(base.issues);
    this.git = base.git;
    this.lfs = new Map(base.lfs);
  }

  /** The detail record as the API and git serve it now. */
  detail(): RepositoryDetail {
    return { ...this.base, git: this.git, commits: this.git.commits, branches: this.git.branches, tags: this.git.tags, lfs: this.lfs, pullRequests: this.pullRequests, issues: this.issues };
  }

  apply(input: SandboxChange, ctx: ChangeContext): { type: string; id?: number } {
    const change = changeSchema.parse(input);
    const at = ctx.stamp();
    const user = (name: string | undefined) => (name ? ctx.accountUuid(name) : ctx.defaultUser);
    switch (change.type) {
      case "pull_request": {
        const branch = change.source_branch ?? `feature/synced-${this.pullRequests.count + 1}`;
        if (this.git.branches[branch] === undefined) this.commitOn(branch, `Start ${branch}`, at, false, this.git.branches[this.git.head]!);
        const prId = this.pullRequests.count + 1;
        this.pullRequests.add({
          id: prId,
          title: change.title,
          description: change.description,
          state: "OPEN",
          draft: false,
          author: user(change.user),
          source: { repository: this.base.repository.full_name, branch, commit: this.git.sha(this.git.branches[branch]!) },
          destination: { branch: this.git.head, commit: this.git.sha(this.git.branches[this.git.head]!) },
          mergeCommit: null,
          closeSourceBranch: false,
          closedBy: null,
          reason: "",
          createdOn: at,
          updatedOn: at,
          closedOn: null,
          reviewers: [],
          participants: [],
          taskCount: 0,
        });
        return { type: change.type, id: prId };
      }
      case "edit_pull_request":
        this.updatePullRequest(change.pull_request, at, (pr) => ({ ...pr, title: change.title ?? pr.title, description: change.description ?? pr.description }));
        return { type: change.type, id: change.pull_request };
      case "pull_request_state":
        this.updatePullRequest(change.pull_request, at, (pr) => ({ ...pr, state: change.state, closedOn: change.state === "OPEN" ? null : at, closedBy: change.state === "OPEN" ? null : user(change.user) }));
        return { type: change.type, id: change.pull_request };
      case "approve": {
        const approver = user(change.user);
        this.updatePullRequest(change.pull_request, at, (pr) => {
          const others = pr.participants.filter((participant) => participant.user !== approver);
          const role = pr.reviewers.includes(approver) ? "REVIEWER" : "PARTICIPANT";
          const approval: ParticipantRecord = { user: approver, role, approved: true, state: "approved", participatedOn: at };
          return { ...pr, participants: [...others, approval] };
        });
        return { type: change.type, id: change.pull_request };
      }
      case "comment": {
        const commentId = this.pullRequests.nextCommentId();
        this.updateComments(change.pull_request, at, (list) => [
          ...list,
          { id: commentId, user: user(change.user), raw: change.content, createdOn: at, updatedOn: at, deleted: false, pending: false, parent: change.parent ?? null, inline: change.inline ?? null },
        ]);
        return { type: change.type, id: commentId };
      }
      case "edit_comment":
        this.updateComment(change.pull_request, change.comment, at, (comment) => ({ ...comment, raw: change.content, updatedOn: at }));
        return { type: change.type, id: change.comment };
      case "delete_comment":
        this.updateComment(change.pull_request, change.comment, at, (comment) => ({ ...comment, deleted: true, updatedOn: at }));
        return { type: change.type, id: change.comment };
      case "issue": {
        const issueId = this.issues.maxId + 1;
        this.issues.records.set(issueId, {
          id: issueId,
          title: change.title,
          raw: change.content,
          markup: "markdown",
          kind: "task",
          priority: "major",
          state: "new",
          reporter: user(change.user),
          assignee: null,
          milestone: null,
          component: null,
          version: null,
          votes: 0,
          watches: 1,
          createdOn: at,
          updatedOn: at,
          editedOn: null,
        });
        return { type: change.type, id: issueId };
      }
      case "edit_issue":
        this.updateIssue(change.issue, at, (issue) => ({
          ...issue,
          title: change.title ?? issue.title,
          raw: change.content ?? issue.raw,
          state: change.state ?? issue.state,
          assignee: change.assignee === undefined ? issue.assignee : change.assignee === null ? null : user(change.assignee),
          editedOn: change.title !== undefined || change.content !== undefined ? at : issue.editedOn,
        }));
        return { type: change.type, id: change.issue };
      case "issue_comment": {
        const commentId = this.issues.nextCommentId();
        this.updateIssue(change.issue, at, (issue) => issue);
        this.issues.commentLists.set(change.issue, [...this.issues.comments(change.issue), { id: commentId, user: user(change.user), raw: change.content, createdOn: at, updatedOn: at }]);
        return { type: change.type, id: commentId };
      }
      case "edit_issue_comment": {
        const list = this.issues.comments(change.issue);
        if (!list.some((comment) => comment.id === change.comment)) throw new SandboxStateError(404, `Issue #${change.issue} has no comment ${change.comment}.`);
        this.updateIssue(change.issue, at, (issue) => issue);
        this.issues.commentLists.set(change.issue, list.map((comment) => (comment.id === change.comment ? { ...comment, raw: change.content, updatedOn: at } : comment)));
        return { type: change.type, id: change.comment };
      }
      case "push": {
        const tip = this.requireBranch(change.branch);
        this.commitOn(change.branch, change.message, at, change.lfs, tip);
        this.movePullRequestsOf(change.branch, at);
        return { type: change.type };
      }
      case "force_push": {
        const tip = this.git.commit(this.requireBranch(change.branch));
        const parent = tip.parents[0];
        if (parent === undefined) throw new SandboxStateError(400, `${change.branch} has a single commit; nothing to rewrite.`);
        this.commitOn(change.branch, change.message, at, false, parent);
        this.movePullRequestsOf(change.branch, at);
        return { type: change.type };
      }
      case "delete_branch": {
        this.requireBranch(change.branch);
        if (change.branch === this.git.head) throw new SandboxStateError(400, "The main branch cannot be deleted.");
        const branches = { ...this.git.branches };
        delete branches[change.branch];
        this.git = hashGitPlan({ commits: this.git.commits, branches, refs: this.git.refs, tags: this.git.tags, head: this.git.head });
        return { type: change.type };
      }
    }
  }

  private requireBranch(branch: string): number {
    const mark = this.git.branches[branch];
    if (mark === undefined) throw new SandboxStateError(404, `No branch ${branch}.`);
    return mark;
  }

  /** A new commit on `branch` (created if missing) with `parent` as its parent; with `lfs`, it adds an LFS object. */
  private commitOn(branch: string, message: string, at: string, lfs: boolean, parent: number): void {
    const mark = Math.max(...this.git.commits.map((commit) => commit.mark)) + 1;
    const files: Record<string, string> = { [`notes/${branch.replace(/[^A-Za-z0-9]+/g, "-")}-${mark}.md`]: `${message}\n` };
    if (lfs) {
      const object = lfsObject(`assets/synced-${mark}.bin`, generatedBytes(`${this.base.repository.full_name}:${mark}`, 2048));
      this.lfs.set(object.oid, object);
      files[object.path] = lfsPointer(object.oid, object.size);
      files[".gitattributes"] ??= this.git.fileAt(parent, ".gitattributes") ?? "*.bin filter=lfs diff=lfs merge=lfs -text\n";
    }
    const author = this.git.commit(parent).author;
    const commit: CommitPlan = { mark, parents: [parent], message, author, timestamp: Math.floor(Date.parse(at) / 1000), files, branch };
    this.git = hashGitPlan({ commits: [...this.git.commits, commit], branches: { ...this.git.branches, [branch]: mark }, refs: this.git.refs, tags: this.git.tags, head: this.git.head });
  }

  /** Open pull requests from a branch that moved point at its new tip. */
  private movePullRequestsOf(branch: string, at: string): void {
    const sha = this.git.sha(this.git.branches[branch]!);
    for (let prId = 1; prId <= this.pullRequests.count; prId++) {
      const pr = this.pullRequests.get(prId)!;
      if (pr.state === "OPEN" && pr.source.branch === branch && pr.source.repository === this.base.repository.full_name) {
        this.pullRequests.set({ ...pr, source: { ...pr.source, commit: sha }, updatedOn: at });
      }
    }
  }

  private requirePullRequest(prId: number): PullRequestRecord {
    const pr = this.pullRequests.get(prId);
    if (!pr) throw new SandboxStateError(404, `No pull request #${prId}.`);
    return pr;
  }

  private updatePullRequest(prId: number, at: string, update: (pr: PullRequestRecord) => PullRequestRecord): void {
    this.pullRequests.set({ ...update(this.requirePullRequest(prId)), updatedOn: at });
  }

  private updateComments(prId: number, at: string, update: (list: readonly PullRequestCommentRecord[]) => PullRequestCommentRecord[]): void {
    this.updatePullRequest(prId, at, (pr) => pr);
    this.pullRequests.setComments(prId, update(this.pullRequests.comments(prId)));
  }

  private updateComment(prId: number, commentId: number, at: string, update: (comment: PullRequestCommentRecord) => PullRequestCommentRecord): void {
    if (!this.pullRequests.comments(prId).some((comment) => comment.id === commentId)) throw new SandboxStateError(404, `Pull request #${prId} has no comment ${commentId}.`);
    this.updateComments(prId, at, (list) => list.map((comment) => (comment.id === commentId ? update(comment) : comment)));
  }

  private updateIssue(issueId: number, at: string, update: (issue: IssueRecord) => IssueRecord): void {
    const issue = this.issues.get(issueId);
    if (!issue) throw new SandboxStateError(404, `No issue #${issueId}.`);
    this.issues.records.set(issueId, { ...update(issue), updatedOn: at });
  }
}

/** Strictly increasing Bitbucket timestamps from a clock. */
export function stampClock(now: () => number): () => string {
  let last = 0;
  return () => {
    last = Math.max(now(), last + 1);
    return bitbucketTimestamp(last);
  };
}
