import { existsSync } from "node:fs";
import { cleanTreePath, defaultBranch, listBranches, listTags, projectRepositoryPath, resolveRevision } from "@/lib/git";

/**
 * Where a repository URL points: `/-/tree/<ref>/<path>`, `/-/blob/<ref>/<path>` and the like put
 * the ref and the path in one run of segments, and ref names may contain slashes. The longest
 * leading run that names a branch or tag wins (GitLab's rule); otherwise the first segment may be
 * a commit SHA.
 */
export type RepositoryLocation = {
  /** The ref as written in the URL (branch, tag or SHA). */
  ref: string;
  /** The commit it names. */
  commit: string;
  /** Path inside the tree, "" for the root. */
  path: string;
};

/** The project's bare repository, or null when it has none (yet). */
export function projectRepository(projectId: number): string | null {
  const dir = projectRepositoryPath(projectId);
  return existsSync(dir) ? dir : null;
}

/** The branch HEAD names, for URLs without a ref. */
export async function repositoryDefaultBranch(repoPath: string): Promise<string | null> {
  return defaultBranch(repoPath);
}

/** Resolves URL segments (already decoded) to a ref, its commit and a path; null when no ref matches or the path is malformed. */
export async function locate(repoPath: string, segments: readonly string[]): Promise<RepositoryLocation | null> {
  if (segments.length === 0 || segments.some((segment) => segment === "")) return null;
  const names = new Set([...(await listBranches(repoPath)).map((branch) => branch.name), ...(await listTags(repoPath)).map((tag) => tag.name)]);
  for (let length = segments.length; length >= 1; length--) {
    const ref = segments.slice(0, length).join("/");
    if (!names.has(ref)) continue;
    const commit = await resolveRevision(repoPath, ref);
    const path = cleanTreePath(segments.slice(length).join("/"));
    if (commit && path !== null) return { ref, commit, path };
  }
  const [first, ...rest] = segments;
  if (!/^[0-9a-f]{7,40}$/i.test(first!)) return null;
  const commit = await resolveRevision(repoPath, first!);
  const path = cleanTreePath(rest.join("/"));
  return commit && path !== null ? { ref: first!, commit, path } : null;
}
