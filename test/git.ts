/**
 * Helpers for lib/git's tests (not used by the app): a Fetch-style HTTP server and a plain git
 * runner for building fixtures (which, unlike runGit, may use local paths).
 */
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { devNull } from "node:os";
import { Readable } from "node:stream";
import { writeFetchResponse } from "@/mocks/bitbucket/server";

export interface TestServer {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, res: ServerResponse, base: string): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!/^(connection|keep-alive|transfer-encoding|upgrade|host|expect)$/i.test(name)) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (method !== "GET" && method !== "HEAD") {
    init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
    init.duplex = "half";
  }
  // Like Next.js: the signal aborts when the client goes away before the response is finished.
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  init.signal = controller.signal;
  return new Request(new URL(req.url ?? "/", base), init);
}

/** Serves `handler` over real HTTP on 127.0.0.1 (a free port). */
export async function startTestServer(
  handler: (request: Request, raw: { req: IncomingMessage; res: ServerResponse }) => Promise<Response | null | undefined>,
): Promise<TestServer> {
  let base = "";
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const response = await handler(toRequest(req, res, base), { req, res });
        if (response === undefined) return; // the handler answered itself
        await writeFetchResponse(res, response ?? new Response("Not found\n", { status: 404 }), req.method ?? "GET");
      } catch (error) {
        console.error("[test server]", error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    port,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Plain git for fixtures and for acting as a client (clone, push). */
export function fixtureGit(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(
      "git",
      args,
      {
        cwd: options.cwd,
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: options.env?.HOME ?? devNull,
          LANG: "C",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_CONFIG_GLOBAL: devNull,
          GIT_TERMINAL_PROMPT: "0",
          GIT_ASKPASS: "",
          GIT_AUTHOR_NAME: "Test",
          GIT_AUTHOR_EMAIL: "test@example.com",
          GIT_COMMITTER_NAME: "Test",
          GIT_COMMITTER_EMAIL: "test@example.com",
          GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
          GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
          ...options.env,
        } as unknown as NodeJS.ProcessEnv,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 1) : 0;
        resolve({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** fixtureGit that throws on failure and returns trimmed stdout. */
export async function git(args: string[], options: Parameters<typeof fixtureGit>[1] = {}): Promise<string> {
  const result = await fixtureGit(args, options);
  if (result.code !== 0) throw new Error(`git ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  return result.stdout.trim();
}

/** For `promise.then(unexpected, (e) => e)`: fails the test when the promise resolves. */
export function unexpected(value: unknown): never {
  throw new Error(`expected a failure, got ${JSON.stringify(value)?.slice(0, 200)}`);
}
