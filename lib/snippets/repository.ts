import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import {
  fetchRepository,
  isValidBranchName,
  resolveCommit,
  runGit,
  setDefaultBranch,
  snippetRepositoryPath,
  spawnGit,
  type CredentialsProvider,
  type RemoteCheckOptions,
} from "@/lib/git";

/**
 * A snippet's files and their history: the bare repository `snippetRepositoryPath(id)`, read at a
 * branch or commit. Everything goes through lib/git (argument arrays, checked remotes).
 */

export type SnippetTreeFile = { path: string; oid: string; size: number };

/** Files larger than this are listed but not read into a page or an API answer. */
export const MAX_SNIPPET_FILE_BYTES = 1024 * 1024;

function git(snippetId: number, args: string[], allowExitCodes: number[] = []) {
  const dir = snippetRepositoryPath(snippetId);
  return runGit([`--git-dir=${dir}`, ...args], { cwd: dir, timeoutMs: 15_000, allowExitCodes });
}

/**
 * Mirrors a remote repository (a gist's git URL) into the snippet's repository, history
 * included, and points HEAD at its default branch. Returns that branch.
 */
export async function fetchSnippetRepository(
  snippetId: number,
  remote: { url: string; credentials?: CredentialsProvider; remoteCheck?: RemoteCheckOptions },
): Promise<string | null> {
  const repoPath = snippetRepositoryPath(snippetId);
  await fetchRepository({ repoPath, remoteUrl: remote.url, credentials: remote.credentials, remoteCheck: remote.remoteCheck, timeoutMs: 10 * 60_000 });
  return setDefaultBranch(repoPath, null);
}

export async function removeSnippetRepository(snippetId: number): Promise<void> {
  await rm(snippetRepositoryPath(snippetId), { recursive: true, force: true });
}

/** The commit a ref names in the snippet's repository (a branch name or a commit SHA); null when there is none. */
export async function resolveSnippetRef(snippetId: number, ref: string): Promise<string | null> {
  const repoPath = snippetRepositoryPath(snippetId);
  if (!existsSync(repoPath)) return null;
  if (isValidBranchName(ref)) {
    const branch = await git(snippetId, ["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/heads/${ref}^{commit}`], [1, 128]);
    if (branch.exitCode === 0) return branch.stdout.trim();
  }
  return /^[0-9a-f]{4,64}$/i.test(ref) ? resolveCommit(repoPath, ref) : null;
}

/** The files of a commit, in path order (symbolic links and submodules left out). */
export async function snippetTree(snippetId: number, commit: string): Promise<SnippetTreeFile[]> {
  const { stdout } = await git(snippetId, ["ls-tree", "-r", "-z", "-l", "--full-tree", "--end-of-options", commit]);
  const files: SnippetTreeFile[] = [];
  for (const entry of stdout.split("\0")) {
    const match = /^(\d+) blob ([0-9a-f]+) +(\d+)\t([\s\S]+)$/.exec(entry);
    if (match && match[1] !== "120000") files.push({ path: match[4]!, oid: match[2]!, size: Number(match[3]) });
  }
  return files;
}

/** A blob's bytes (callers check its size against MAX_SNIPPET_FILE_BYTES first). */
export async function readSnippetBlob(snippetId: number, oid: string): Promise<Buffer> {
  if (!/^[0-9a-f]{40,64}$/.test(oid)) throw new Error(`Invalid blob id: ${oid}`);
  const dir = snippetRepositoryPath(snippetId);
  const child = spawnGit([`--git-dir=${dir}`, "cat-file", "blob", oid], { cwd: dir, timeoutMs: 15_000 });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  await child.done;
  return Buffer.concat(chunks);
}
