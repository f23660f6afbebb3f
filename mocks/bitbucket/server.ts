/**
 * The sandbox as a real HTTP server: web origin (OAuth, git, /_sandbox) and API origin (/2.0)
 * on one port. Requests become Fetch `Request`s and run through the same msw handlers the unit
 * tests use (including the Git LFS batch API and object downloads); git smart HTTP (repositories
 * and `{repo}.git/wiki`) is routed to `git http-backend` after the shared access check.
 *
 *   npm run sandbox            (tsx mocks/bitbucket/server.ts)
 *
 * Env: SANDBOX_PORT (4010), SANDBOX_HOST (127.0.0.1), SANDBOX_PUBLIC_URL, SANDBOX_DATA_DIR
 * (./data/sandbox), SANDBOX_SCALE, SANDBOX_BENCH, SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET and
 * the knobs (see README.md).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { pathToFileURL } from "node:url";
import { getResponse, type HttpHandler } from "msw";
import { callerNickname } from "./auth";
import { authorizeGit, matchGitRoute } from "./git-access";
import { GitBackend } from "./git-backend";
import { createBitbucketHandlers, logRequest } from "./handlers";
import { SANDBOX_ACCOUNT_LIST } from "./seed";
import { createSandboxState, sandboxOptionsFromEnv, type SandboxState } from "./state";

export interface SandboxServerOptions {
  /** Port to listen on; 0 picks a free one. Default: SANDBOX_PORT or 4010. */
  port?: number;
  /** Interface to bind. Default: SANDBOX_HOST or 127.0.0.1. */
  host?: string;
  /** Where the git repositories live. Default: SANDBOX_DATA_DIR or ./data/sandbox. */
  dataDir?: string;
  /** Base URL put into every link (clone URLs, next, html). Default: SANDBOX_PUBLIC_URL or http://localhost:<port>. */
  publicUrl?: string;
  /** State to serve; default: a new one configured from the environment (SANDBOX_SCALE, knobs). */
  state?: SandboxState;
}

export interface SandboxServer {
  /** Base URL: use it as both BITBUCKET_URL and BITBUCKET_API_URL. */
  readonly url: string;
  readonly port: number;
  readonly state: SandboxState;
  readonly dataDir: string;
  readonly handlers: HttpHandler[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer", "expect", "host"]);

function toFetchRequest(req: IncomingMessage, url: URL): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (method !== "GET" && method !== "HEAD") {
    init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
    init.duplex = "half";
  }
  return new Request(url, init);
}

/** Writes a Fetch Response to a Node response, streaming the body (none for HEAD). */
export async function writeFetchResponse(res: ServerResponse, response: Response, method: string): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body || method === "HEAD") {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const body = Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
    body.on("error", () => {
      res.destroy();
      resolve();
    });
    res.on("close", () => resolve());
    body.pipe(res);
  });
}

function defaultPort(): number {
  const raw = process.env.SANDBOX_PORT;
  if (raw === undefined || raw === "") return 4010;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SANDBOX_PORT must be a port number, got '${raw}'`);
  return port;
}

export async function startSandboxServer(options: SandboxServerOptions = {}): Promise<SandboxServer> {
  const state = options.state ?? createSandboxState(sandboxOptionsFromEnv(process.env));
  const dataDir = path.resolve(options.dataDir ?? (process.env.SANDBOX_DATA_DIR || "./data/sandbox"));
  const host = options.host ?? (process.env.SANDBOX_HOST || "127.0.0.1");
  const git = new GitBackend(state, dataDir);
  let handlers: HttpHandler[] = [];
  let base = "";

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", base);
      const method = req.method ?? "GET";
      try {
        const gitRoute = matchGitRoute(url.pathname, url.searchParams);
        if (gitRoute) {
          const decision = authorizeGit(state, gitRoute, req.headers.authorization ?? null);
          const account = callerNickname(decision.caller);
          let status: number;
          if (decision.allowed) {
            status = await git.serve(req, res, gitRoute, decision.repository, account);
          } else {
            req.resume();
            status = decision.response.status;
            await writeFetchResponse(res, decision.response, method);
          }
          logRequest(state, method, url, status, account);
          return;
        }
        const response = (await getResponse(handlers, toFetchRequest(req, url))) ?? new Response("Not Found\n", { status: 404, headers: { "Content-Type": "text/plain" } });
        await writeFetchResponse(res, response, method);
      } catch (error) {
        console.error("[bitbucket sandbox] request failed", error);
        if (!res.headersSent) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end("Internal sandbox error\n");
        } else {
          res.destroy();
        }
      }
    })();
  });

  const port = options.port ?? defaultPort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  base = (options.publicUrl ?? (process.env.SANDBOX_PUBLIC_URL || `http://localhost:${actualPort}`)).replace(/\/+$/, "");
  handlers = createBitbucketHandlers(state, { webUrl: base, apiUrl: base });

  return {
    url: base,
    port: actualPort,
    state,
    dataDir,
    handlers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
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

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  startSandboxServer()
    .then((server) => {
      console.log(banner(server));
      const stop = () => {
        void server.close().finally(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    })
    .catch((error: unknown) => {
      console.error("[bitbucket sandbox] failed to start:", error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
