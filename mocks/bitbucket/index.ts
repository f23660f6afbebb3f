/**
 * Ferry's Bitbucket Cloud sandbox. See README.md in this folder.
 *
 *   const state = createSandboxState();
 *   const server = setupServer(...createBitbucketHandlers(state, { webUrl: "https://bitbucket.org", apiUrl: "https://api.bitbucket.org" }));
 *
 *   const sandbox = await startSandboxServer({ port: 0, dataDir: tmp }); // real HTTP + git
 */
export { createBitbucketHandlers, type BitbucketHandlerOptions } from "./handlers";
export { startSandboxServer, type SandboxServer, type SandboxServerOptions } from "./server";
export {
  createSandboxState,
  sandboxOptionsFromEnv,
  SandboxState,
  SandboxStateError,
  DEFAULT_KNOBS,
  AUTHORIZATION_CODE_LIFETIME_SECONDS,
  type SandboxKnobs,
  type SandboxStateOptions,
  type SandboxAccount,
  type RequestLogEntry,
  type RepositoryRole,
} from "./state";
export {
  SANDBOX_ACCOUNTS,
  SANDBOX_ACCOUNT_LIST,
  SANDBOX_CONSUMER,
  SANDBOX_WORKSPACES,
  SANDBOX_REPOSITORY_TOTAL_DEFAULT,
  SEED_NOW,
  slugify,
  type SandboxAccountSeed,
  type SandboxConsumer,
  type SandboxNickname,
  type SandboxScale,
  type WorkspaceSeed,
  type RepositoryRecord,
  type RepositoryDetail,
  HIDDEN_WORKSPACES,
} from "./seed";
export { parseQuery, compileQuery, applyFields, QueryError } from "./query";
export { fastImportStream, GitBackend } from "./git-backend";
export { hashGitPlan, blobSha, type CommitPlan, type TagPlan, type GitPlan, type HashedGitPlan, type GitIdentity } from "../common/git-objects";
export {
  WEB_PLACEHOLDER,
  lfsPointer,
  type PullRequestRecord,
  type PullRequestCommentRecord,
  type PullRequestState,
  type ParticipantRecord,
  type InlineRecord,
  type IssueRecord,
  type IssueCommentRecord,
  type IssueKind,
  type IssuePriority,
  type IssueState,
  type NamedRecord,
  type LfsObject,
  type PullRequestStore,
  type IssueStore,
} from "./content";
export { showcaseExpectations, showcaseLfsObjects, SHOWCASE_REPOSITORY, SHOWCASE_FORK, SHOWCASE_PRIVATE_FORK, type ShowcaseExpectations } from "./showcase";
export { DEFAULT_BENCH, BENCH_WORKSPACE, BENCH_REPOSITORY, type BenchOptions, type ResolvedBench } from "./bench";
export { routeTemplate, type RequestStatsSnapshot } from "./stats";
export { LFS_CONTENT_TYPE } from "./lfs";

/** Well-known repositories of the default seed, for tests and demos. */
export const SANDBOX_REPOSITORIES = {
  /** Private, acme, mainbranch main: the showcase with every kind of content (showcase.ts). */
  privateRepo: "acme/rocket-launcher",
  /** Public, acme, mainbranch master; name `Legacy "classic" site`, description with backslashes. */
  publicRepo: "acme/legacy-classic-site",
  /** Private, acme: `Café R&D: 50% + O'Neil (β) #1` (special characters, no quote or backslash). */
  specialCharacters: "acme/cafe-r-d-50-oneil-1",
  /** Private fork of acme/rocket-launcher (readable by acme members; source of pull request #7). */
  fork: "acme/rocket-launcher-experiments",
  /** Private fork in workspace coyote-labs, which no sandbox account can read (source of pull request #8). */
  unreadableFork: "coyote-labs/rocket-launcher",
  /** Public repository in alice's personal workspace. */
  personalPublic: "alice/dotfiles",
} as const;
