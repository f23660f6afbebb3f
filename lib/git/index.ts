/**
 * Ferry's git layer. See README.md in this folder for the safety rules and the storage layout.
 */
import { LfsStore } from "./lfs-store";
import { projectRepositoryPath, projectWikiPath } from "./paths";

// Running git
export { runGit, spawnGit, type GitCredentials, type CredentialsProvider, type RunGitOptions, type SpawnGitOptions, type GitResult, type GitProcess } from "./run";
export { GitError, isGitError, redact, displayUrl } from "./errors";

// Remote URLs
export { checkRemoteUrl, checkRemote, allowedGitHosts, isPublicAddress, type RemoteCheckOptions, type HostResolver, type ResolvedAddress, type CheckedRemote } from "./remote";

// Storage layout
export { repositoriesRoot, projectRepositoryPath, projectWikiPath, snippetRepositoryPath, lfsRoot, lfsObjectPath, isLfsOid } from "./paths";
/** Alias of `projectRepositoryPath`. */
export const repositoryPath = (projectId: number): string => projectRepositoryPath(projectId);
/** Alias of `projectWikiPath`. */
export const wikiPath = (projectId: number): string => projectWikiPath(projectId);

// Repositories
export {
  fetchRepository,
  fetchRefs,
  setDefaultBranch,
  defaultBranch,
  listBranches,
  listTags,
  resolveCommit,
  commitExists,
  pathExists,
  countCommits,
  ensureBareRepository,
  isValidBranchName,
  isValidRefName,
  MIRROR_REFSPECS,
  type FetchOptions,
  type FetchRepositoryOptions,
  type FetchRepositoryResult,
  type RefMapping,
  type BranchInfo,
  type TagInfo,
} from "./repository";

export { resolveCommits, existingPaths, lineCounts, updateRefs } from "./batch";

// Browsing (read-only)
export {
  cleanTreePath,
  resolveRevision,
  mergeBase,
  statPath,
  readTree,
  readBlobHead,
  streamBlob,
  logCommits,
  readCommit,
  parseCommitFields,
  diffCommits,
  readLines,
  type TreeEntry,
  type CommitInfo,
  type LogOptions,
  type DiffStatus,
  type DiffLine,
  type DiffHunk,
  type FileDiff,
  type DiffLimits,
} from "./browse";

// LFS
export { listLfsPointers, parseLfsPointer, type LfsPointer } from "./lfs-pointers";
export { LfsStore, LfsIntegrityError, type LfsSource } from "./lfs-store";
export { downloadLfsObjects, lfsBatchUrl, type DownloadLfsObjectsOptions, type LfsObjectResult, type LfsObjectStatus } from "./lfs-client";
/** The LFS store under `<DATA_DIR>/lfs`. */
export const lfsStore = (): LfsStore => new LfsStore();

// Serving
export { serveGitRequest, serveLfsBatch, serveLfsObject, streamLfsObject, reachableLfsObjects, type GitHttpAction, type ServeGitRequestOptions, type ServeLfsBatchOptions, type ServeLfsObjectOptions, type ProjectLfsObjects } from "./http-backend";
export { createLfsDownloadToken, verifyLfsDownloadToken, LFS_TOKEN_HEADER } from "./lfs-token";
export { createGitRouteHandlers, matchGitRequestPath, projectPathFromSegments, type GitProjectResolver, type GitRouteOptions, type GitRouteHandlers } from "./routes";
