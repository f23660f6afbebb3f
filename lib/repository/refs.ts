import { existsSync } from "node:fs";
import { parseCommitFields, projectRepositoryPath, runGit, type CommitInfo } from "@/lib/git";

/** Branches and tags of a project's repository, as the pages and the API read them. */

export type BranchRef = { name: string; commit: CommitInfo };
export type TagRef = { name: string; /** The tag object for annotated tags, else the commit. */ target: string; annotated: boolean; message: string | null; createdAt: string | null; commit: CommitInfo };

const FIELD = "%1f";
const RECORD = "%1e";
const COMMIT_FIELDS = ["objectname", "parent", "authorname", "authoremail:trim", "authordate:iso-strict", "committername", "committeremail:trim", "committerdate:iso-strict", "contents"];

function commitFormat(prefix: "" | "*"): string {
  return COMMIT_FIELDS.map((field) => `%(${prefix}${field})`).join(FIELD);
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
  return rows.map(([name, ...commit]) => ({ name: name!, commit: parseCommitFields(commit) }));
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
    return { name: name!, target: fields[4] ?? "", annotated, message: annotated ? (tagMessage ?? "").trimEnd() : null, createdAt: annotated ? taggerDate || null : null, commit: parseCommitFields(commitFields) };
  });
}
