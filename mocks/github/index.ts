/**
 * Ferry's GitHub sandbox. See README.md in this folder.
 *
 *   const state = createGithubState();
 *   const server = setupServer(...createGithubHandlers(state, { apiUrl: "https://api.github.com", webUrl: "https://github.com" }));
 *
 *   const sandbox = await startGithubServer({ port: 0, dataDir: tmp }); // real HTTP + git
 */
export { createGithubHandlers, type GithubHandlerOptions } from "./handlers";
export { startGithubServer, type GithubServer, type GithubServerOptions } from "./server";
export { createGithubState, githubOptionsFromEnv, GithubState, DEFAULT_KNOBS, ANONYMOUS_RATE_LIMIT, type GithubKnobs, type GithubStateOptions } from "./state";
export { GITHUB_ACCOUNTS, GITHUB_ACCOUNT_LIST, GITHUB_ORGS, GITHUB_GISTS, SHOWCASE_REPOSITORY, BENCH_REPOSITORY, type GithubLogin } from "./seed";
export { DEFAULT_BENCH, type ContentSizes } from "./generate";
export { showcaseExpectations, showcaseLfsObjects, SHOWCASE_ATTACHMENTS, SHOWCASE_CONTENT_ATTACHMENTS } from "./showcase";
export { minimumImportRequests, minimumSyncRequests, type RequestBudget, type SyncBudget } from "./budget";
export { changesBody, type AppliedChange, type GithubChange } from "./changes";
export { BAD_CREDENTIALS, SECONDARY_LIMIT_MESSAGE } from "./api";
export { WEB_PLACEHOLDER } from "./model";
