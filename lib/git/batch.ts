import { resolveCommit } from "./repository";
import { runGit } from "./run";

const SHA_PREFIX = /^[0-9a-f]{4,40}$/;
const FULL_SHA = /^[0-9a-f]{40}$/;

/** One `git cat-file --batch-check` for many object names; answers in input order. */
async function batchCheck(repoPath: string, names: readonly string[]): Promise<Array<{ sha: string; type: string } | "missing" | "ambiguous">> {
  if (names.length === 0) return [];
  const { stdout } = await runGit(["--git-dir", repoPath, "cat-file", "--batch-check=%(objectname) %(objecttype)"], { input: `${names.join("\n")}\n` });
  const lines = stdout.split("\n").slice(0, names.length);
  return lines.map((line) => {
    if (line.endsWith(" missing")) return "missing";
    if (line.endsWith(" ambiguous")) return "ambiguous";
    const [sha, type] = line.split(" ");
    return sha && type && FULL_SHA.test(sha) ? { sha, type } : "missing";
  });
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
