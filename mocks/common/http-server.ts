/**
 * A sandbox as a real HTTP server: each request becomes a Fetch `Request` and runs through the
 * same msw handlers the unit tests use; a sandbox may first claim requests it serves natively
 * (git smart HTTP through `git http-backend`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { pathToFileURL } from "node:url";
import { getResponse, type HttpHandler } from "msw";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer", "expect", "host"]);

export function toFetchRequest(req: IncomingMessage, url: URL): Request {
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

/** A port from an environment variable, `fallback` when it is unset. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got '${raw}'`);
  return port;
}

export interface HandlerServerOptions {
  /** For log lines: "bitbucket sandbox", "github sandbox". */
  readonly name: string;
  readonly port: number;
  readonly host: string;
  /** Base URL put into every link; default http://localhost:<port>. */
  readonly publicUrl?: string;
  /** The msw handlers for the base URL (known once the port is). */
  readonly handlers: (baseUrl: string) => HttpHandler[];
  /** Serves a request without msw when it returns true (it must then have answered `res`). */
  readonly native?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

export interface HandlerServer {
  readonly url: string;
  readonly port: number;
  readonly handlers: HttpHandler[];
  close(): Promise<void>;
}

export async function startHandlerServer(options: HandlerServerOptions): Promise<HandlerServer> {
  let handlers: HttpHandler[] = [];
  let base = "";
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", base);
      const method = req.method ?? "GET";
      try {
        if (options.native && (await options.native(req, res, url))) return;
        const response = (await getResponse(handlers, toFetchRequest(req, url))) ?? new Response("Not Found\n", { status: 404, headers: { "Content-Type": "text/plain" } });
        await writeFetchResponse(res, response, method);
      } catch (error) {
        console.error(`[${options.name}] request failed`, error);
        if (!res.headersSent) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end("Internal sandbox error\n");
        } else {
          res.destroy();
        }
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  base = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, "");
  handlers = options.handlers(base);
  return {
    url: base,
    port,
    handlers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Whether `moduleUrl` (import.meta.url) is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

/** Starts a sandbox from the command line: prints its banner, stops on SIGINT/SIGTERM. */
export function runFromCommandLine<T extends { close(): Promise<void> }>(name: string, start: () => Promise<T>, banner: (server: T) => string): void {
  start()
    .then((server) => {
      console.log(banner(server));
      const stop = () => {
        void server.close().finally(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    })
    .catch((error: unknown) => {
      console.error(`[${name}] failed to start:`, error instanceof Error ? error.message : error);
      process.exit(1);
    });
}

/** How a sandbox server is started; each sandbox documents its environment defaults. */
export interface SandboxServerOptionsOf<S> {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Interface to bind (127.0.0.1 by default). */
  host?: string;
  /** Where the git repositories live. */
  dataDir?: string;
  /** Base URL put into every link; default http://localhost:<port>. */
  publicUrl?: string;
  /** State to serve; default: a new one configured from the environment. */
  state?: S;
}

/** A running sandbox server with the state it serves. */
export interface SandboxServerOf<S> extends HandlerServer {
  readonly state: S;
  readonly dataDir: string;
}

/**
 * Answers an access-checked git request: runs `serve` (git http-backend) when allowed, else
 * writes the refusal (draining the request body). Resolves with the status sent, for the log.
 */
export async function answerGit(req: IncomingMessage, res: ServerResponse, outcome: { serve: () => Promise<number> } | { refusal: Response }): Promise<number> {
  if ("serve" in outcome) return outcome.serve();
  req.resume();
  await writeFetchResponse(res, outcome.refusal, req.method ?? "GET");
  return outcome.refusal.status;
}

/** Where a sandbox listens and keeps its git repositories: the options, else `${envPrefix}PORT`, `_HOST`, `_PUBLIC_URL` and `_DATA_DIR` from the environment, else the defaults. */
export function sandboxPlacement(options: SandboxServerOptionsOf<unknown>, envPrefix: string, defaults: { port: number; dataDir: string }) {
  return {
    port: options.port ?? portFromEnv(`${envPrefix}PORT`, defaults.port),
    host: options.host ?? (process.env[`${envPrefix}HOST`] || "127.0.0.1"),
    publicUrl: options.publicUrl ?? (process.env[`${envPrefix}PUBLIC_URL`] || undefined),
    dataDir: path.resolve(options.dataDir ?? (process.env[`${envPrefix}DATA_DIR`] || defaults.dataDir)),
  };
}

/** A sandbox's verdict on a git request: allowed (with what it needs to serve it) or refused with a response. */
export type GitDecisionOf<Caller> = { readonly allowed: true; readonly caller: Caller } | { readonly allowed: false; readonly caller: Caller; readonly response: Response };

/** The git side of a sandbox: which URLs are git, who may use them, how they are served and logged. */
export interface SandboxGit<Route, Decision extends GitDecisionOf<unknown>> {
  match(pathname: string, search: URLSearchParams): Route | null;
  authorize(route: Route, authorization: string | null): Decision;
  account(caller: Decision["caller"]): string | null;
  serve(req: IncomingMessage, res: ServerResponse, route: Route, decision: Extract<Decision, { allowed: true }>, account: string | null): Promise<number>;
  log(method: string, url: URL, status: number, account: string | null): void;
}

/** Serves git smart HTTP beside the msw handlers: the access check, then git http-backend or the refusal, then the request log. */
export function nativeGit<Route, Decision extends GitDecisionOf<unknown>>(git: SandboxGit<Route, Decision>): NonNullable<HandlerServerOptions["native"]> {
  return async (req, res, url) => {
    const route = git.match(url.pathname, url.searchParams);
    if (!route) return false;
    const decision = git.authorize(route, req.headers.authorization ?? null);
    const account = git.account(decision.caller);
    const outcome = decision.allowed
      ? { serve: () => git.serve(req, res, route, decision as Extract<Decision, { allowed: true }>, account) }
      : { refusal: (decision as Extract<Decision, { allowed: false }>).response };
    git.log(req.method ?? "GET", url, await answerGit(req, res, outcome), account);
    return true;
  };
}
