/**
 * The sandbox as a real HTTP server: web origin (OAuth, git, /_sandbox) and API origin (/2.0)
 * on one port. Requests become Fetch `Request`s and run through the same msw handlers the unit
 * tests use (including the Git LFS batch API and object downloads); git smart HTTP (repositories
 * and `{repo}.git/wiki`) is routed to `git http-backend` after the shared access check.
 *
 *   npm run sandbox:bitbucket  (tsx mocks/bitbucket/server.ts; npm run sandbox starts it beside the GitHub sandbox)
 *
 * Env: SANDBOX_PORT (4010), SANDBOX_HOST (127.0.0.1), SANDBOX_PUBLIC_URL, SANDBOX_DATA_DIR
 * (./data/sandbox), SANDBOX_SCALE, SANDBOX_BENCH, SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET and
 * the knobs (see README.md).
 */
import { isMainModule, nativeGit, runFromCommandLine, sandboxPlacement, startHandlerServer, type SandboxServerOf, type SandboxServerOptionsOf } from "../common/http-server";
import { callerNickname } from "./auth";
import { authorizeGit, matchGitRoute } from "./git-access";
import { GitBackend } from "./git-backend";
import { createBitbucketHandlers, logRequest } from "./handlers";
import { SANDBOX_ACCOUNT_LIST } from "./seed";
import { createSandboxState, sandboxOptionsFromEnv, type SandboxState } from "./state";

export { writeFetchResponse } from "../common/http-server";

/** Defaults: SANDBOX_PORT (4010), SANDBOX_HOST, SANDBOX_DATA_DIR (./data/sandbox), SANDBOX_PUBLIC_URL; a state from SANDBOX_SCALE and the knobs. */
export type SandboxServerOptions = SandboxServerOptionsOf<SandboxState>;

/** `url` is both BITBUCKET_URL and BITBUCKET_API_URL. */
export type SandboxServer = SandboxServerOf<SandboxState>;

export async function startSandboxServer(options: SandboxServerOptions = {}): Promise<SandboxServer> {
  const state = options.state ?? createSandboxState(sandboxOptionsFromEnv(process.env));
  const { dataDir, ...listen } = sandboxPlacement(options, "SANDBOX_", { port: 4010, dataDir: "./data/sandbox" });
  const git = new GitBackend(state, dataDir);
  const server = await startHandlerServer({
    name: "bitbucket sandbox",
    ...listen,
    handlers: (base) => createBitbucketHandlers(state, { webUrl: base, apiUrl: base }),
    native: nativeGit({
      match: matchGitRoute,
      authorize: (route, authorization) => authorizeGit(state, route, authorization),
      account: callerNickname,
      serve: (req, res, route, decision, account) => git.serve(req, res, route, decision.repository, account),
      log: (method, url, status, account) => logRequest(state, method, url, status, account),
    }),
  });
  return { ...server, state, dataDir };
}

function banner(server: SandboxServer): string {
  const { state } = server;
  const repositories = state.workspaces.reduce((sum, workspace) => sum + workspace.repositoryCount, 0);
  const lines = [
    `Bitbucket sandbox listening on ${server.url}`,
    `  ${state.workspaces.length} workspaces, ${repositories} repositories; git repositories in ${server.dataDir}`,
    ...(state.bench
      ? [`  bench: bench/big-repo with ${state.bench.pullRequests} pull requests, ${state.bench.issues} issues, ${state.bench.commits} commits, ${state.bench.branches} branches, ${state.bench.users} extra accounts`]
      : []),
    "",
    "Configure Ferry with:",
    `  BITBUCKET_URL=${server.url}`,
    `  BITBUCKET_API_URL=${server.url}`,
    `  BITBUCKET_CLIENT_ID=${state.consumer.key}`,
    `  BITBUCKET_CLIENT_SECRET=${state.consumer.secret}`,
    `  ALLOWED_HOSTS=${new URL(server.url).host}`,
    "",
    "Accounts (email / API token):",
    ...SANDBOX_ACCOUNT_LIST.map((account) => `  ${account.nickname.padEnd(6)} ${account.display_name.padEnd(13)} ${account.email.padEnd(18)} ${account.apiToken}`),
    "",
    `Knobs: ${JSON.stringify(state.knobs)}  (GET/PUT ${server.url}/_sandbox/config)`,
  ];
  return lines.join("\n");
}

if (isMainModule(import.meta.url)) runFromCommandLine("bitbucket sandbox", () => startSandboxServer(), banner);
