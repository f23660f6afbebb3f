/**
 * The Bitbucket Server sandbox as a real HTTP server: REST 1.0, git smart HTTP through git
 * http-backend, LFS and /_sandbox, all on one port.
 *
 *   npm run sandbox:bitbucket-server      (tsx mocks/bitbucket-server/server.ts)
 *
 * Env: BITBUCKET_SERVER_SANDBOX_PORT (4030), _HOST (127.0.0.1), _PUBLIC_URL, _DATA_DIR
 * (./data/sandbox-bitbucket-server), _BENCH and the knobs (README.md).
 */
import { isMainModule, nativeGit, runFromCommandLine, sandboxPlacement, startHandlerServer, type SandboxServerOf, type SandboxServerOptionsOf } from "../common/http-server";
import { authorizeGit, matchGitRoute, ServerGit } from "./git";
import { createBitbucketServerHandlers } from "./handlers";
import { BENCH_REPOSITORY, SERVER_USER_LIST, SHOWCASE_REPOSITORY } from "./seed";
import { createServerState, serverOptionsFromEnv, type BitbucketServerState } from "./state";

export type BitbucketServerSandboxOptions = SandboxServerOptionsOf<BitbucketServerState>;
export type BitbucketServerSandbox = SandboxServerOf<BitbucketServerState>;

export async function startBitbucketServerSandbox(options: BitbucketServerSandboxOptions = {}): Promise<BitbucketServerSandbox> {
  const state = options.state ?? createServerState(serverOptionsFromEnv(process.env));
  const { dataDir, ...listen } = sandboxPlacement(options, "BITBUCKET_SERVER_SANDBOX_", { port: 4030, dataDir: "./data/sandbox-bitbucket-server" });
  const git = new ServerGit(state, dataDir);
  const server = await startHandlerServer({
    name: "bitbucket server sandbox",
    ...listen,
    handlers: (base) => createBitbucketServerHandlers(state, { baseUrl: base }),
    native: nativeGit({
      match: matchGitRoute,
      authorize: (route, authorization) => authorizeGit(state, route, authorization),
      account: (caller) => caller?.name ?? null,
      serve: (req, res, route, decision, account) => git.serve(req, res, route, decision, account),
      log: (method, url, status, account) => state.logRequest(method, url, status, account),
    }),
  });
  return { ...server, state, dataDir };
}

export function sandboxBanner(server: BitbucketServerSandbox): string {
  const { state } = server;
  return [
    `Bitbucket Server sandbox listening on ${server.url}  (REST: ${server.url}/rest/api/1.0, git: ${server.url}/scm/{key}/{slug}.git)`,
    `  ${state.projects.length} projects, ${state.repositories.length} repositories (showcase ${SHOWCASE_REPOSITORY}${state.benchSizes ? `, bench ${BENCH_REPOSITORY}` : ""}); git repositories in ${server.dataDir}`,
    "Users (name / id / personal access token / password):",
    ...SERVER_USER_LIST.map((user) => `  ${user.name.padEnd(6)} ${String(user.id).padEnd(3)} ${user.token}  ${user.password}${user.admin ? "  (administrator)" : ""}${user.active ? "" : "  (deactivated)"}`),
    `Knobs: ${JSON.stringify(state.knobs)}  (GET/PUT ${server.url}/_sandbox/config)`,
  ].join("\n");
}

if (isMainModule(import.meta.url)) runFromCommandLine("bitbucket server sandbox", () => startBitbucketServerSandbox(), sandboxBanner);
