import { isValidRefName, resolveCommit } from "./repository";
import { GitObjectReader } from "./object-reader";
import { runGit } from "./run";

const SHA_PREFIX = /^[0-9a-f]{4,40}$/;
const FULL_SHA = /^[0-9a-f]{40}$/;

/** Looks many object names up through the repository's shared `git cat-file --batch` process. */
async function batchCheck(repoPath: string, names: readonly string[]): Promise<Array<{ sha: string; type: string } | "missing" | "ambiguous">> {
  if (names.length === 0) return [];
  const infos = await GitObjectReader.shared(repoPath).read(names);
  return infos.map((info) => (info.status === "found" ? (FULL_SHA.test(info.sha) ? { sha: info.sha, type: info.type } : "missing") : info.status));
}

/**
 * `resolveCommit` for many (short) SHAs at once: one git process instead of one per SHA.
 * Ambiguous prefixes fall back to `resolveCommit`'s disambiguation.
 */
export async function resolveCommits(repoPath: string, shas: readonly string[]): Promise<Map<string, string | null>> {
  const wanted = [...new Set(shas.map((sha) => sha.trim().toLowerCase()).filter((sha) => SHA_PREFIX.test(sha)))];
  const results = await batchCheck(repoPath, wanted.map((sha) => `${sha}^{commit}`));
  const resolved = new Map<string, string | null>();
  for (const [index, sha] of wanted.entries()) {
    const result = results[index];
    if (result === "ambiguous") resolved.set(sha, await resolveCommit(repoPath, sha));
    else resolved.set(sha, result && result !== "missing" && result.type === "commit" ? result.sha : null);
  }
  return resolved;
}

/** Which of the `commit:path` pairs exist, with one git process. Keys are `${commit}:${path}`. */
export async function existingPaths(repoPath: string, pairs: ReadonlyArray<{ commit: string; path: string }>): Promise<Set<string>> {
  const valid = pairs
    .map(({ commit, path }) => ({ commit: commit.toLowerCase(), path: path.replace(/^\/+/, "") }))
    .filter(({ commit, path }) => SHA_PREFIX.test(commit) && path !== "" && !/[\0\n]/.test(path));
  const names = [...new Set(valid.map(({ commit, path }) => `${commit}:${path}`))];
  const results = await batchCheck(repoPath, names);
  return new Set(names.filter((_, index) => {
    const result = results[index];
    return result !== undefined && result !== "missing" && result !== "ambiguous";
  }));
}

/**
 * Line counts of files at commits, through the shared `git cat-file` process. Keys are
 * `${commit}:${path}` (commit lowercased as given, path without leading slashes); a file that does
 * not exist at a commit has no key, an empty file counts 0 (a directory too).
 */
export async function lineCounts(repoPath: string, commits: readonly string[], paths: readonly string[]): Promise<Map<string, number>> {
  const revisions = [...new Set(commits.map((commit) => commit.toLowerCase()).filter((commit) => FULL_SHA.test(commit)))];
  const files = [...new Set(paths.map((file) => file.replace(/^\/+/, "")).filter((file) => file !== "" && !/[\0\n]/.test(file)))];
  const names = revisions.flatMap((commit) => files.map((file) => `${commit}:${file}`));
  const counts = new Map<string, number>();
  if (names.length === 0) return counts;
  const infos = await GitObjectReader.shared(repoPath).read(names);
  names.forEach((name, index) => {
    const info = infos[index]!;
    if (info.status === "found") counts.set(name, info.type === "blob" ? info.lines : 0);
  });
  return counts;
}

/**
 * Points refs at commits in one `git update-ref --stdin` transaction (e.g. every merge request's
 * `refs/merge-requests/<iid>/head`). Refs must be valid full names and SHAs full.
 */
export async function updateRefs(repoPath: string, refs: ReadonlyArray<{ ref: string; sha: string }>): Promise<void> {
  const valid = refs.filter(({ ref, sha }) => {
    if (!FULL_SHA.test(sha)) throw new Error(`updateRefs needs full SHAs, got '${sha.slice(0, 64)}'`);
    if (!ref.startsWith("refs/") || !isValidRefName(ref)) throw new Error(`Invalid ref name '${ref.slice(0, 200)}'`);
    return true;
  });
  if (valid.length === 0) return;
  const input = `start\n${valid.map(({ ref, sha }) => `update ${ref} ${sha}\n`).join("")}prepare\ncommit\n`;
  await runGit(["--git-dir", repoPath, "update-ref", "--stdin"], { input });
}
