import { diffCommits, logCommits, readCommit, resolveRevision, type CommitInfo, type FileDiff } from "@/lib/git";
import type { RepositoryLocation } from "./location";

/** History and diffs of a project's repository, as the pages read them. */

/** A diff shows at most this many lines and files; files past the line budget are listed, not shown. */
export const DIFF_LIMITS = { maxLines: 5_000, maxFiles: 500 } as const;
/** A file diff with more lines than this starts collapsed. */
export const COLLAPSE_FILE_LINES = 400;

export const COMMITS_PER_PAGE = 40;

export type CommitPage = { commits: CommitInfo[]; page: number; hasNext: boolean };

/** One page of the history at the location (of its path, if any), newest first. */
export async function listCommitsAt(repoPath: string, location: RepositoryLocation, page: number): Promise<CommitPage> {
  const rows = await logCommits(repoPath, location.commit, { path: location.path || undefined, skip: (page - 1) * COMMITS_PER_PAGE, limit: COMMITS_PER_PAGE + 1 });
  return { commits: rows.slice(0, COMMITS_PER_PAGE), page, hasNext: rows.length > COMMITS_PER_PAGE };
}

export type Diff = { files: FileDiff[]; truncated: boolean };

export type CommitView = { commit: CommitInfo; diff: Diff };

/** A commit (full or short SHA) and its diff against its first parent; null when the repository has no such commit. */
export async function readCommitWithDiff(repoPath: string, sha: string): Promise<CommitView | null> {
  if (!/^[0-9a-f]{7,40}$/i.test(sha)) return null;
  const full = await resolveRevision(repoPath, sha.toLowerCase());
  if (!full) return null;
  const commit = await readCommit(repoPath, full);
  if (!commit) return null;
  const diff = await diffCommits(repoPath, commit.parentIds[0] ?? null, commit.id, DIFF_LIMITS);
  return { commit, diff };
}

/** The first line of a commit message. */
export function commitTitle(commit: Pick<CommitInfo, "message">): string {
  return commit.message.split("\n", 1)[0] ?? "";
}
