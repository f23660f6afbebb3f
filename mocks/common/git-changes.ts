/**
 * Changes to a sandbox git plan as people make them after an import: a commit on a branch (a
 * push, or a force push when its parent is not the tip) and a deleted branch.
 */
import { hashGitPlan, type HashedGitPlan } from "./git-objects";
import { SandboxStateError } from "./state-error";

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

/** `from`: a push that creates `branch` on the tip of that other branch. */
export type BranchChange = { type: "push"; branch: string; message: string; from?: string } | { type: "force_push"; branch: string; message: string } | { type: "delete_branch"; branch: string };

/**
 * What a push, a force push (a commit on the tip's parent) or a branch deletion does to the plan:
 * the parent of the commit to make, or the plan without the branch. Throws SandboxStateError when
 * the change cannot apply (no such branch, a new branch that exists already, nothing to rewrite, the default branch).
 */
export function planBranchChange(git: HashedGitPlan, change: BranchChange): { parent: number } | { without: HashedGitPlan } {
  if (change.type === "push" && change.from !== undefined) {
    if (git.branches[change.branch] !== undefined) throw new SandboxStateError(400, `${change.branch} exists already.`);
    const from = git.branches[change.from];
    if (from === undefined) throw new SandboxStateError(404, `No branch ${change.from}.`);
    return { parent: from };
  }
  const tip = git.branches[change.branch];
  if (tip === undefined) throw new SandboxStateError(404, `No branch ${change.branch}.`);
  if (change.type === "push") return { parent: tip };
  if (change.type === "force_push") {
    const parent = git.commit(tip).parents[0];
    if (parent === undefined) throw new SandboxStateError(400, `${change.branch} has a single commit; nothing to rewrite.`);
    return { parent };
  }
  if (change.branch === git.head) throw new SandboxStateError(400, "The default branch cannot be deleted.");
  return { without: withoutBranch(git, change.branch) };
}

/** Applies a push, force push or branch deletion; `commit` makes the new commit on the branch and returns the plan with it. */
export function applyBranchChange(git: HashedGitPlan, change: BranchChange, commit: (branch: string, parent: number, message: string) => HashedGitPlan): HashedGitPlan {
  const planned = planBranchChange(git, change);
  return "without" in planned ? planned.without : commit(change.branch, planned.parent, "message" in change ? change.message : "");
}
