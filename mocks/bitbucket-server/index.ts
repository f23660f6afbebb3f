/**
 * Ferry's Bitbucket Server / Data Center sandbox. See README.md in this folder.
 *
 *   const state = createServerState();
 *   const server = setupServer(...createBitbucketServerHandlers(state, { baseUrl: "https://bitbucket.example.com" }));
 *
 *   const sandbox = await startBitbucketServerSandbox({ port: 0, dataDir: tmp }); // real HTTP + git
 */
export { createBitbucketServerHandlers } from "./handlers";
export { startBitbucketServerSandbox, sandboxBanner, type BitbucketServerSandbox, type BitbucketServerSandboxOptions } from "./server";
export { createServerState, serverOptionsFromEnv, BitbucketServerState, DEFAULT_KNOBS, type ServerKnobs, type ServerStateOptions } from "./state";
export { SERVER_USERS, SERVER_USER_LIST, SHOWCASE_REPOSITORY, SHOWCASE_PROJECT, SHOWCASE_SLUG, BENCH_REPOSITORY, type ServerUserName } from "./seed";
export { SHOWCASE_LFS } from "./showcase";
export { DEFAULT_BENCH, type BenchSizes } from "./generate";
export { commentCount } from "./model";
export { minimumImportRequests, gitlabPatternRequests, type RequestBudget } from "./budget";
export { BAD_CREDENTIALS } from "./api";
export { changesBody, type AppliedChange, type ServerChange } from "./changes";
