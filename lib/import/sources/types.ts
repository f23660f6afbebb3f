/**
 * The boundary between the import pipeline and where the data comes from. Stages talk to an
 * ImportSource only; Bitbucket Cloud is the first implementation (GitHub and Bitbucket Server later).
 * Shapes here are source-neutral: no Bitbucket field names leak past this file's implementations.
 */

/** A person at the source. `id` is the stable identity (Bitbucket: the uuid); names can change. */
export type SourceUser = {
  id: string;
  /** Secondary stable id (Bitbucket: the Atlassian account_id), used for archive data and mentions. */
  accountId: string | null;
  username: string | null;
  displayName: string | null;
};

export type SourceRepository = {
  /** e.g. "acme/rocket-launcher" */
  fullName: string;
  name: string;
  slug: string;
  description: string;
  isPrivate: boolean;
  defaultBranch: string | null;
  hasIssues: boolean;
  hasWiki: boolean;
  /** Web URL of the repository, used to recognise links to it in text. */
  webUrl: string;
  /** https clone URL without credentials. */
  cloneUrl: string;
  wikiCloneUrl: string | null;
  /** LFS batch endpoint (`<clone>.git/info/lfs/objects/batch`). */
  lfsBatchUrl: string;
  /** Refs fetched besides branches and tags (GitHub: pull request heads into merge request heads). */
  extraRefspecs?: string[];
};

/**
 * One page of a listing; `next` is an opaque cursor to persist and resume from (null at the end).
 * `following`, on a first page only, lists the cursors of every later page when the source can
 * tell them in advance (numbered pages and a known total), so they can be fetched in parallel.
 */
export type SourcePage<T> = { items: T[]; next: string | null; total: number | null; following?: string[] };

export type PullRequestState = "open" | "merged" | "declined" | "superseded";

export type SourceParticipant = {
  user: SourceUser;
  role: "reviewer" | "participant";
  approved: boolean;
  /** When they approved or last participated, if known. */
  at: string | null;
};

export type SourcePullRequest = {
  id: number;
  title: string;
  description: string;
  state: PullRequestState;
  draft: boolean;
  author: SourceUser | null;
  sourceBranch: string;
  /** Possibly abbreviated (Bitbucket: 12 characters). */
  sourceCommit: string | null;
  /** Full name of the repository the source branch lives in; differs from this repository for forks; null when the fork is gone. */
  sourceRepository: string | null;
  /** https clone URL of a fork source (null for same-repository pull requests or a deleted fork). */
  sourceCloneUrl: string | null;
  targetBranch: string;
  targetCommit: string | null;
  mergeCommit: string | null;
  closedBy: SourceUser | null;
  reviewers: SourceUser[];
  participants: SourceParticipant[];
  commentCount: number;
  createdAt: string;
  updatedAt: string;
  /** When it was merged or closed, when the source says (else `updatedAt` stands in). */
  closedAt?: string | null;
  webUrl: string;
};

export type SourceComment = {
  id: number;
  body: string;
  author: SourceUser | null;
  /** The comment this one replies to. */
  parentId: number | null;
  /** For inline (diff) comments: the file and the old (`from`) / new (`to`) line. */
  inline: { path: string; oldLine: number | null; newLine: number | null } | null;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
  webUrl: string | null;
};

export type IssueKind = "bug" | "enhancement" | "proposal" | "task";

export type SourceIssue = {
  id: number;
  title: string;
  body: string;
  kind: IssueKind;
  priority: string | null;
  /** Bitbucket's state: submitted, new, open, resolved, on hold, invalid, duplicate, wontfix, closed. */
  state: string;
  reporter: SourceUser | null;
  assignee: SourceUser | null;
  milestone: string | null;
  component: string | null;
  version: string | null;
  votes: number;
  createdAt: string;
  updatedAt: string;
  webUrl: string;
};

export type SourceMilestone = { id: string; title: string };

export type SourceCredentials = { username: string; password: string };

/** Thrown when the source no longer offers a feature (Bitbucket removed issues and wikis in 2026). */
export class SourceFeatureUnavailable extends Error {
  constructor(
    readonly feature: "issues" | "wiki" | "milestones",
    message: string,
  ) {
    super(message);
    this.name = "SourceFeatureUnavailable";
  }
}

/** Events the pipeline shows to people ("waiting for Bitbucket's rate limit, resumes about 14:05"). */
export type SourceEvent = { type: "rate-limited"; resumeAt: Date } | { type: "retrying"; resumeAt: Date; attempt: number };

/** What every source offers the stages every source shares (the git data, LFS). */
export interface RepositorySource {
  readonly name: string;
  /** Human name of the source, e.g. "Bitbucket". */
  readonly displayName: string;
  repository(): Promise<SourceRepository>;
  /**
   * Credentials for git over https (and LFS); fresh on every call (tokens may have been refreshed).
   * With `refused` (the remote rejected them), a token is refreshed unless that happened meanwhile.
   */
  gitCredentials(refused?: SourceCredentials): Promise<SourceCredentials>;
}

/** A source read through Bitbucket-shaped listings (members, pull requests, issues, their comments). */
export interface ImportSource extends RepositorySource {
  membersPage(cursor: string | null): Promise<SourcePage<SourceUser>>;
  pullRequestsPage(cursor: string | null): Promise<SourcePage<SourcePullRequest>>;
  pullRequestCommentsPage(pullRequestId: number, cursor: string | null): Promise<SourcePage<SourceComment>>;
  /** @throws SourceFeatureUnavailable when the source no longer serves issues. */
  issuesPage(cursor: string | null): Promise<SourcePage<SourceIssue>>;
  issueCommentsPage(issueId: number, cursor: string | null): Promise<SourcePage<SourceComment>>;
  /** @throws SourceFeatureUnavailable */
  milestones(): Promise<SourceMilestone[]>;
}
