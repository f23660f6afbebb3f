/**
 * What a repository holds besides its listing record: git content, LFS objects, the wiki,
 * pull requests with comments and approvals, and the (removed) issue tracker. Records store
 * facts; serialize-content.ts turns them into Bitbucket's JSON.
 *
 * Users are referenced by account UUID so renames show up everywhere; `null` is an account
 * that no longer exists (Bitbucket then sends `"user": null`).
 *
 * Text fields (descriptions, comments, issue content, wiki pages) may contain the placeholder
 * `{{web}}`: it stands for the sandbox's web origin (https://bitbucket.org in unit tests,
 * http://localhost:4010 for the server), so cross-links point at the sandbox that serves them.
 */
import type { HashedGitPlan } from "../common/git-objects";
import type { RepositoryRecord } from "./seed";
import type { LfsObject } from "../common/git-content";
export { LruCache, lfsPointer, type LfsObject } from "../common/git-content";

/** Replaced by the web origin when content is served (or cloned, for the wiki). */
export const WEB_PLACEHOLDER = "{{web}}";

export type PullRequestState = "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED";
export const PULL_REQUEST_STATES: readonly PullRequestState[] = ["OPEN", "MERGED", "DECLINED", "SUPERSEDED"];

export interface ParticipantRecord {
  readonly user: string;
  readonly role: "REVIEWER" | "PARTICIPANT";
  readonly approved: boolean;
  readonly state: "approved" | "changes_requested" | null;
  /** When the participant last acted (approval date for approvals). */
  readonly participatedOn: string | null;
}

export interface PullRequestRecord {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly state: PullRequestState;
  readonly draft: boolean;
  readonly author: string | null;
  readonly source: {
    /**
     * Full name of the source repository: this repository, a fork, or null when the fork was
     * deleted (Bitbucket then sends `"repository": null`).
     */
    readonly repository: string | null;
    readonly branch: string;
    /** Full 40-hex commit id; the API shows its first 12 characters. */
    readonly commit: string;
  };
  readonly destination: { readonly branch: string; readonly commit: string };
  readonly mergeCommit: string | null;
  readonly closeSourceBranch: boolean;
  readonly closedBy: string | null;
  readonly reason: string;
  readonly createdOn: string;
  readonly updatedOn: string;
  /** When the state last changed (merged/declined/superseded), for the activity feed. */
  readonly closedOn: string | null;
  readonly reviewers: readonly string[];
  readonly participants: readonly ParticipantRecord[];
  readonly taskCount: number;
}

export interface InlineRecord {
  readonly path: string;
  /** Line in the old version of the file (a removed or context line), or null. */
  readonly from: number | null;
  /** Line in the new version of the file (an added or context line), or null. */
  readonly to: number | null;
}

export interface PullRequestCommentRecord {
  readonly id: number;
  readonly user: string | null;
  readonly raw: string;
  readonly createdOn: string;
  readonly updatedOn: string;
  readonly deleted: boolean;
  /** Draft comments ("pending") are visible to their author only. */
  readonly pending: boolean;
  readonly parent: number | null;
  readonly inline: InlineRecord | null;
}

export interface PullRequestStore {
  /** Pull request ids are 1..count. */
  readonly count: number;
  get(id: number): PullRequestRecord | undefined;
  /** All comments, oldest first (including deleted and pending ones). */
  comments(id: number): readonly PullRequestCommentRecord[];
}

export type IssueKind = "bug" | "enhancement" | "proposal" | "task";
export type IssuePriority = "trivial" | "minor" | "major" | "critical" | "blocker";
export type IssueState = "submitted" | "new" | "open" | "resolved" | "on hold" | "invalid" | "duplicate" | "wontfix" | "closed";
export const ISSUE_KINDS: readonly IssueKind[] = ["bug", "enhancement", "proposal", "task"];
export const ISSUE_PRIORITIES: readonly IssuePriority[] = ["trivial", "minor", "major", "critical", "blocker"];
export const ISSUE_STATES: readonly IssueState[] = ["submitted", "new", "open", "resolved", "on hold", "invalid", "duplicate", "wontfix", "closed"];

export interface IssueRecord {
  readonly id: number;
  readonly title: string;
  readonly raw: string;
  readonly markup: "markdown" | "creole" | "plaintext";
  readonly kind: IssueKind;
  readonly priority: IssuePriority;
  readonly state: IssueState;
  readonly reporter: string | null;
  readonly assignee: string | null;
  readonly milestone: number | null;
  readonly component: number | null;
  readonly version: number | null;
  readonly votes: number;
  readonly watches: number;
  readonly createdOn: string;
  readonly updatedOn: string;
  readonly editedOn: string | null;
}

export interface IssueCommentRecord {
  readonly id: number;
  readonly user: string | null;
  /** null for the stub comments Bitbucket created with a field change (see `change`). */
  readonly raw: string | null;
  readonly createdOn: string;
  readonly updatedOn: string | null;
  /** The field change recorded with this comment, served by /issues/{id}/changes. */
  readonly change?: { readonly field: string; readonly from: string; readonly to: string };
}

export interface NamedRecord {
  readonly id: number;
  readonly name: string;
}

export interface IssueStore {
  /** Highest issue id; ids in 1..maxId may be missing (deleted issues). */
  readonly maxId: number;
  /** Number of existing issues. */
  readonly count: number;
  get(id: number): IssueRecord | undefined;
  comments(id: number): readonly IssueCommentRecord[];
}

export interface RepositoryDetail {
  readonly repository: RepositoryRecord;
  /** The git content with every commit's hash. */
  readonly git: HashedGitPlan;
  /** Shortcuts into `git` (kept from the first version of the detail record). */
  readonly commits: HashedGitPlan["commits"];
  readonly branches: HashedGitPlan["branches"];
  readonly tags: HashedGitPlan["tags"];
  /** LFS objects the sandbox stores for this repository, by oid. */
  readonly lfs: ReadonlyMap<string, LfsObject>;
  /** The wiki repository (`{repo}.git/wiki`), for repositories with has_wiki. */
  readonly wiki: HashedGitPlan | null;
  readonly pullRequests: PullRequestStore;
  /** The issue tracker (empty when has_issues is false). */
  readonly issues: IssueStore;
  readonly milestones: readonly NamedRecord[];
  readonly components: readonly NamedRecord[];
  readonly versions: readonly NamedRecord[];
}

/** A store over fixed arrays (pull request ids must be 1..n in order). */
export function arrayPullRequestStore(
  pullRequests: readonly PullRequestRecord[],
  comments: ReadonlyMap<number, readonly PullRequestCommentRecord[]>,
): PullRequestStore {
  pullRequests.forEach((pr, i) => {
    if (pr.id !== i + 1) throw new Error(`pull request ids must be 1..n, got ${pr.id} at ${i}`);
  });
  return {
    count: pullRequests.length,
    get: (id) => pullRequests[id - 1],
    comments: (id) => comments.get(id) ?? [],
  };
}

export function arrayIssueStore(issues: readonly IssueRecord[], comments: ReadonlyMap<number, readonly IssueCommentRecord[]>): IssueStore {
  const byId = new Map(issues.map((issue) => [issue.id, issue]));
  return {
    maxId: issues.reduce((max, issue) => Math.max(max, issue.id), 0),
    count: issues.length,
    get: (id) => byId.get(id),
    comments: (id) => comments.get(id) ?? [],
  };
}

export const EMPTY_ISSUES: IssueStore = { maxId: 0, count: 0, get: () => undefined, comments: () => [] };

/** The Git LFS pointer file for an object. */
