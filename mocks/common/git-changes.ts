/**
 * Changes to a sandbox git plan as people make them after an import: a commit on a branch (a
 * push, or a force push when its parent is not the tip) and a deleted branch.
 */
import { hashGitPlan, type HashedGitPlan } from "./git-objects";

/** The mark the next commit of the plan gets. */
export function nextMark(git: HashedGitPlan): number {
  return Math.max(...git.commits.map((commit) => commit.mark)) + 1;
}

/** The plan with one more commit on `branch` (created if missing), child of `parent`, authored like its parent. */
export function withCommit(git: HashedGitPlan, commit: { branch: string; parent: number; message: string; timestamp: number; files: Record<string, string> }): HashedGitPlan {
  const mark = nextMark(git);
  const planned = { mark, parents: [commit.parent], message: commit.message, author: git.commit(commit.parent).author, timestamp: commit.timestamp, files: commit.files, branch: commit.branch };
  return hashGitPlan({ commits: [...git.commits, planned], branches: { ...git.branches, [commit.branch]: mark }, refs: git.refs, tags: git.tags, head: git.head });
}

/** The plan without `branch`. */
export function withoutBranch(git: HashedGitPlan, branch: string): HashedGitPlan {
  const branches = { ...git.branches };
  delete branches[branch];
  return hashGitPlan({ commits: git.commits, branches, refs: git.refs, tags: git.tags, head: git.head });
}
