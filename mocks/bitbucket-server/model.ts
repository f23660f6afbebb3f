/**
 * The Bitbucket Server sandbox's records. Users are referred to by their `name` (the login);
 * times are epoch milliseconds, as Bitbucket Server sends them.
 */
import type { LfsObject } from "../common/git-content";
import type { HashedGitPlan } from "../common/git-objects";

export interface ServerUser {
  readonly id: number;
  /** Login name; also the slug in this sandbox. */
  readonly name: string;
  readonly displayName: string;
  readonly emailAddress: string;
  readonly active: boolean;
  readonly admin: boolean;
  /** Personal access token (HTTP Basic password or Bearer token). */
  readonly token: string;
  readonly password: string;
}

export interface ServerProject {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly public: boolean;
  /** Users who may read every repository of the project; personal projects: their owner. */
  readonly readers: readonly string[];
  /** Personal project (`~name`) owner. */
  readonly owner?: string;
}

export interface ServerRepository {
  readonly id: number;
  readonly projectKey: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string;
  readonly public: boolean;
  /** The repository it was forked from (`KEY/slug`). */
  readonly origin?: string;
}

export type PullRequestState = "OPEN" | "MERGED" | "DECLINED";

export interface ServerTask {
  readonly id: number;
  readonly text: string;
  readonly state: "OPEN" | "RESOLVED";
}

export interface ServerComment {
  readonly id: number;
  readonly text: string;
  readonly author: string;
  readonly at: number;
  readonly replies: readonly ServerComment[];
  readonly tasks: readonly ServerTask[];
}

export interface CommentAnchor {
  readonly path: string;
  readonly line: number;
  readonly lineType: "ADDED" | "REMOVED" | "CONTEXT";
  readonly fileType: "FROM" | "TO";
  readonly orphaned?: boolean;
}

export type Activity =
  | { readonly id: number; readonly at: number; readonly user: string; readonly action: "OPENED" | "APPROVED" | "UNAPPROVED" | "DECLINED" | "REOPENED" | "UPDATED" }
  | { readonly id: number; readonly at: number; readonly user: string; readonly action: "REVIEWED" }
  | { readonly id: number; readonly at: number; readonly user: string; readonly action: "MERGED"; readonly commit: string }
  | { readonly id: number; readonly at: number; readonly user: string; readonly action: "RESCOPED"; readonly fromHash: string; readonly previousFromHash: string }
  | { readonly id: number; readonly at: number; readonly user: string; readonly action: "COMMENTED"; readonly comment: ServerComment; readonly anchor?: CommentAnchor };

export interface PullRequestRef {
  readonly branch: string;
  readonly commit: string;
  /** `KEY/slug` of the repository the branch lives in. */
  readonly repository: string;
}

export interface ServerPullRequest {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly state: PullRequestState;
  readonly draft: boolean;
  readonly author: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly from: PullRequestRef;
  readonly to: PullRequestRef;
  /** Reviewers and their current status. */
  readonly reviewers: readonly { readonly user: string; readonly status: "APPROVED" | "UNAPPROVED" | "NEEDS_WORK" }[];
  /** Oldest first (the API serves them newest first). */
  readonly activities: readonly Activity[];
}

export interface RepositoryContent {
  readonly git: HashedGitPlan;
  readonly pullRequests: readonly ServerPullRequest[];
  readonly lfs: ReadonlyMap<string, LfsObject>;
}

/** Comments of a pull request, counted as Bitbucket Server's `properties.commentCount` does (replies included). */
export function commentCount(pullRequest: ServerPullRequest): number {
  const count = (comment: ServerComment): number => 1 + comment.replies.reduce((sum, reply) => sum + count(reply), 0);
  return pullRequest.activities.reduce((sum, activity) => sum + (activity.action === "COMMENTED" ? count(activity.comment) : 0), 0);
}
