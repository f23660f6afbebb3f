import { existsSync } from "node:fs";
import { projectRepositoryPath, runGit } from "@/lib/git";
import { webUrl } from "./users";

/** A commit as GitLab's branch and tag answers embed it. */
export type CommitInfo = {
  id: string;
  parentIds: string[];
  authorName: string;
  authorEmail: string;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
  message: string;
};

export type BranchRef = { name: string; commit: CommitInfo };
export type TagRef = { name: string; /** The tag object for annotated tags, else the commit. */ target: string; annotated: boolean; message: string | null; createdAt: string | null; commit: CommitInfo };

const FIELD = "%1f";
const RECORD = "%1e";
const COMMIT_FIELDS = ["objectname", "parent", "authorname", "authoremail:trim", "authordate:iso-strict", "committername", "committeremail:trim", "committerdate:iso-strict", "contents"];

function commitFormat(prefix: "" | "*"): string {
  return COMMIT_FIELDS.map((field) => `%(${prefix}${field})`).join(FIELD);
}

function parseCommit(fields: readonly string[]): CommitInfo {
  const [id, parents, authorName, authorEmail, authoredDate, committerName, committerEmail, committedDate, message] = fields as string[];
  return {
    id: id ?? "",
    parentIds: (parents ?? "").split(" ").filter(Boolean),
    authorName: authorName ?? "",
    authorEmail: authorEmail ?? "",
    authoredDate: authoredDate ?? "",
    committerName: committerName ?? "",
    committerEmail: committerEmail ?? "",
    committedDate: committedDate ?? "",
    message: message ?? "",
  };
}

async function forEachRef(projectId: number, pattern: string, format: string): Promise<string[][]> {
  const dir = projectRepositoryPath(projectId);
  if (!existsSync(dir)) return [];
  const { stdout } = await runGit([`--git-dir=${dir}`, "for-each-ref", "--sort=refname", `--format=${format}${RECORD}`, pattern], { cwd: dir, timeoutMs: 30_000 });
  return stdout
    .split("\x1e")
    .map((record) => record.replace(/^\n/, ""))
    .filter((record) => record.length > 0)
    .map((record) => record.split("\x1f"));
}

/** The project's branches with their head commits, by name; empty when there is no repository. */
export async function readBranches(projectId: number): Promise<BranchRef[]> {
  const rows = await forEachRef(projectId, "refs/heads/", `%(refname:strip=2)${FIELD}${commitFormat("")}`);
  return rows.map(([name, ...commit]) => ({ name: name!, commit: parseCommit(commit) }));
}

/** The project's tags; annotated tags carry their message and date, and point at the peeled commit. */
export async function readTags(projectId: number): Promise<TagRef[]> {
  const format = [`%(refname:strip=2)`, `%(objecttype)`, `%(contents)`, `%(taggerdate:iso-strict)`, commitFormat(""), commitFormat("*")].join(FIELD);
  const rows = await forEachRef(projectId, "refs/tags/", format);
  const width = COMMIT_FIELDS.length;
  return rows.map((fields) => {
    const [name, type, tagMessage, taggerDate] = fields as string[];
    const annotated = type === "tag";
    const commitFields = annotated ? fields.slice(4 + width, 4 + 2 * width) : fields.slice(4, 4 + width);
    return { name: name!, target: fields[4] ?? "", annotated, message: annotated ? (tagMessage ?? "").trimEnd() : null, createdAt: annotated ? taggerDate || null : null, commit: parseCommit(commitFields) };
  });
}

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
