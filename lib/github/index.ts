/**
 * Ferry's GitHub client: the public surface. Everything else in lib/github is internal.
 *
 *   const github = createGitHubClient({ token, hostname, onEvent, maxRateLimitWaitMs });
 *   const page = await github.page<Issue>("/repos/acme/rocket/issues", { state: "all", per_page: 100 });
 */
export { createGitHubClient, githubApiUrl, githubWebUrl, parseLinks, pagesUpTo, scaleGitHubWaitsForTests, type GitHubClient, type GitHubClientOptions, type GitHubEvent, type GitHubPage } from "./client";
export { ACCESS_DENIED_MESSAGE, GitHubError, toGitHubError, type GitHubErrorCode } from "./errors";
