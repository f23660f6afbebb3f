/**
 * The fewest requests an import of a repository can make, and what GitLab's importer pattern
 * makes (activities paged at the server's default limit of 25), for the benchmark.
 */
import type { RepositoryContent } from "./model";

export interface RequestBudget {
  /** REST requests: repository, default branch, pull request pages, activity pages. */
  readonly rest: number;
  /** git smart HTTP (ref advertisement + one upload-pack) and one LFS batch when there are LFS objects. */
  readonly git: number;
  readonly total: number;
}

function budget(content: RepositoryContent, limit: number): RequestBudget {
  const pages = (count: number) => Math.max(1, Math.ceil(count / limit));
  const rest = 2 + pages(content.pullRequests.length) + content.pullRequests.reduce((sum, pullRequest) => sum + pages(pullRequest.activities.length), 0);
  const git = 2 + (content.lfs.size > 0 ? 1 : 0);
  return { rest, git, total: rest + git };
}

/** Pages at the largest limit the server accepts (1,000 by default). */
export function minimumImportRequests(content: RepositoryContent, maxLimit = 1000): RequestBudget {
  return budget(content, maxLimit);
}

/** GitLab's pattern: pull requests and activities at the default limit of 25. */
export function gitlabPatternRequests(content: RepositoryContent): RequestBudget {
  return budget(content, 25);
}
