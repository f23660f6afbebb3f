import type { CommitInfo } from "@/lib/git";
import type { BranchRef, TagRef } from "@/lib/repository";
import { webUrl } from "./users";

export function serializeCommit(commit: CommitInfo, projectFullPath: string) {
  const title = commit.message.split("\n")[0] ?? "";
  return {
    id: commit.id,
    short_id: commit.id.slice(0, 8),
    created_at: commit.committedDate,
    parent_ids: commit.parentIds,
    title,
    message: commit.message,
    author_name: commit.authorName,
    author_email: commit.authorEmail,
    authored_date: commit.authoredDate,
    committer_name: commit.committerName,
    committer_email: commit.committerEmail,
    committed_date: commit.committedDate,
    trailers: {},
    web_url: webUrl(projectFullPath, "-", "commit", commit.id),
  };
}

export function serializeBranch(branch: BranchRef, project: { fullPath: string; defaultBranch: string | null }) {
  return {
    name: branch.name,
    merged: false,
    protected: false,
    default: branch.name === project.defaultBranch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: false,
    web_url: webUrl(project.fullPath, "-", "tree", branch.name),
    commit: serializeCommit(branch.commit, project.fullPath),
  };
}

export function serializeTag(tag: TagRef, project: { fullPath: string }) {
  return {
    name: tag.name,
    message: tag.message ?? "",
    target: tag.target,
    commit: serializeCommit(tag.commit, project.fullPath),
    release: null,
    protected: false,
    created_at: tag.createdAt,
  };
}
