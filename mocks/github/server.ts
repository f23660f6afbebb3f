/**
 * The GitHub sandbox as a real HTTP server: API at the root and under /api/v3, git smart HTTP
 * (repositories, wikis, gists) through git http-backend, LFS, attachments, OAuth and /_sandbox,
 * all on one port.
 *
 *   npm run sandbox:github      (tsx mocks/github/server.ts)
 *
 * Env: GITHUB_SANDBOX_PORT (4020), GITHUB_SANDBOX_HOST (127.0.0.1), GITHUB_SANDBOX_PUBLIC_URL,
 * GITHUB_SANDBOX_DATA_DIR (./data/sandbox-github), GITHUB_SANDBOX_BENCH and the knobs (README.md).
 */
import { isMainModule, nativeGit, runFromCommandLine, sandboxPlacement, startHandlerServer, type SandboxServerOf, type SandboxServerOptionsOf } from "../common/http-server";
import { callerLogin } from "./api";
import { authorizeGit, GithubGit, matchGitRoute } from "./git";
import { createGithubHandlers } from "./handlers";
import { BENCH_REPOSITORY, GITHUB_ACCOUNT_LIST, SHOWCASE_REPOSITORY } from "./seed";
import { createGithubState, githubOptionsFromEnv, type GithubState } from "./state";

/** Defaults: GITHUB_SANDBOX_PORT (4020), _HOST, _DATA_DIR (./data/sandbox-github), _PUBLIC_URL; a state from the environment. */
export type GithubServerOptions = SandboxServerOptionsOf<GithubState>;

/** `url` is the web origin and github.com-style API base; `${url}/api/v3` is the GitHub Enterprise Server API. */
export type GithubServer = SandboxServerOf<GithubState>;

export async function startGithubServer(options: GithubServerOptions = {}): Promise<GithubServer> {
  const state = options.state ?? createGithubState(githubOptionsFromEnv(process.env));
  const { dataDir, ...listen } = sandboxPlacement(options, "GITHUB_SANDBOX_", { port: 4020, dataDir: "./data/sandbox-github" });
  const git = new GithubGit(state, dataDir);
  const server = await startHandlerServer({
    name: "github sandbox",
    ...listen,
    handlers: (base) => createGithubHandlers(state, { apiUrl: base, webUrl: base }),
    native: nativeGit({
      match: matchGitRoute,
      authorize: (route, authorization) => authorizeGit(state, route, authorization),
      account: callerLogin,
      serve: (req, res, _route, decision, account) => git.serve(req, res, decision, account),
      log: (method, url, status, account) => state.logRequest(method, url, status, account),
    }),
  });
  return { ...server, state, dataDir };
}

function banner(server: GithubServer): string {
  const { state } = server;
  return [
    `GitHub sandbox listening on ${server.url}  (GitHub Enterprise Server API: ${server.url}/api/v3)`,
    `  ${state.orgs.length} organisations, ${state.repositories.length} repositories (showcase ${SHOWCASE_REPOSITORY}${state.benchSizes ? `, bench ${BENCH_REPOSITORY}` : ""}); git repositories in ${server.dataDir}`,
    "",
    `OAuth app: client id ${state.oauthClient.id}, secret ${state.oauthClient.secret}`,
    "Accounts (login / id / personal access token):",
    ...GITHUB_ACCOUNT_LIST.filter((account) => account.token).map((account) => `  ${account.login.padEnd(7)} ${String(account.id).padEnd(6)} ${account.token}`),
    "",
    `Knobs: ${JSON.stringify(state.knobs)}  (GET/PUT ${server.url}/_sandbox/config)`,
  ].join("\n");
}

if (isMainModule(import.meta.url)) runFromCommandLine("github sandbox", () => startGithubServer(), banner);
