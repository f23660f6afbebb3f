/**
 * Real git repositories behind a sandbox, served with `git http-backend` (CGI).
 *
 * A repository is created on first use with `git fast-import` from a hashed plan (fixed
 * identities and dates, so the SHAs are the same on every machine). Creation is locked per
 * repository in this process and built in a temporary directory that is renamed into place, so
 * concurrent first clones (even from several processes) never see a half-built repository.
 *
 * Every git process is started with spawn and an argument array; nothing goes through a shell.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { devNull } from "node:os";
import path from "node:path";
import { FAST_IMPORT_SCRATCH_REF, fastImportStream as planStream, type HashedGitPlan } from "./git-objects";

/**
 * Directory layout version. Content changes do not need a bump: every repository records the
 * refs it was built with (STAMP_FILE) and is rebuilt when the generator now plans other ones.
 */
export const LAYOUT_VERSION = "git-v1";
const STAMP_FILE = "sandbox-refs";

/** What a built repository must contain: every ref with its object id, in a stable order. */
function planStamp(plan: HashedGitPlan): string {
  const lines = [`HEAD ${plan.head}`];
  for (const [branch, mark] of Object.entries(plan.branches).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`refs/heads/${branch} ${plan.sha(mark)}`);
  for (const [ref, mark] of Object.entries(plan.refs ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${ref} ${plan.sha(mark)}`);
  for (const tag of [...plan.tags].sort((a, b) => (a.name < b.name ? -1 : 1))) lines.push(`refs/tags/${tag.name} ${plan.sha(tag.target)}${tag.message !== undefined ? " annotated" : ""}`);
  return `${lines.join("\n")}\n`;
}

function hasStamp(target: string, stamp: string): boolean {
  try {
    return existsSync(path.join(target, "HEAD")) && readFileSync(path.join(target, STAMP_FILE), "utf8") === stamp;
  } catch {
    return false;
  }
}

function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "C",
    LC_ALL: "C",
    // Ignore the machine's and the user's git configuration.
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: devNull,
    HOME: devNull,
    GIT_TERMINAL_PROMPT: "0",
    ...extra,
  };
  return env as NodeJS.ProcessEnv;
}

function run(args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: options.cwd, env: gitEnvironment(), stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 8192) stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`git ${args.join(" ")} exited with ${code}: ${stderr.trim()}`));
    });
    child.stdin.on("error", () => {
      /* reported through the exit code */
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Bare repositories under one root directory, each built from its plan on first use. */
export class GitRepositoryStore {
  readonly root: string;
  private readonly building = new Map<string, Promise<string>>();
  /** Repositories checked (or built) by this process, with the content revision they hold: no need to read their stamp again. */
  private readonly verified = new Map<string, number>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** `<root>/<relative>` (e.g. `acme/widgets.git`), built from `planOf()` unless it already holds that plan. Safe to call concurrently. */
  ensure(relative: string, planOf: () => HashedGitPlan, revision = 0): Promise<string> {
    const target = path.join(this.root, relative);
    // (The data directory may be deleted at any time: then the repository is built again.)
    if (this.verified.get(target) === revision && existsSync(path.join(target, "HEAD"))) return Promise.resolve(target);
    let pending = this.building.get(target);
    if (!pending) {
      const plan = planOf();
      const stamp = planStamp(plan);
      if (hasStamp(target, stamp)) {
        this.verified.set(target, revision);
        return Promise.resolve(target);
      }
      pending = this.build(target, relative.replace(/[^A-Za-z0-9._-]+/g, "-"), plan, stamp)
        .then((built) => {
          this.verified.set(target, revision);
          return built;
        })
        .finally(() => this.building.delete(target));
      this.building.set(target, pending);
    }
    return pending;
  }

  private async build(target: string, label: string, plan: HashedGitPlan, stamp: string): Promise<string> {
    const tmpRoot = path.join(this.root, ".tmp");
    await mkdir(tmpRoot, { recursive: true });
    const tmp = await mkdtemp(path.join(tmpRoot, `${label}-`));
    try {
      await run(["init", "--quiet", "--bare", tmp]);
      await run(["--git-dir", tmp, "fast-import", "--quiet", "--done", "--date-format=raw"], { input: planStream(plan) });
      await run(["--git-dir", tmp, "update-ref", "-d", FAST_IMPORT_SCRATCH_REF]);
      await run(["--git-dir", tmp, "symbolic-ref", "HEAD", `refs/heads/${plan.head}`]);
      await run(["--git-dir", tmp, "config", "http.receivepack", "false"]);
      await writeFile(path.join(tmp, STAMP_FILE), stamp);
      await mkdir(path.dirname(target), { recursive: true });
      for (let attempt = 0; ; attempt++) {
        try {
          await rename(tmp, target);
          return target;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
          // Another process finished first: its repository is identical, use it.
          if (hasStamp(target, stamp)) {
            await rm(tmp, { recursive: true, force: true });
            return target;
          }
          // A repository built from older generated content: move it aside and retry.
          if (attempt >= 3) throw error;
          const stale = `${tmp}-stale`;
          await rename(target, stale).catch(() => undefined);
          await rm(stale, { recursive: true, force: true });
        }
      }
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
  }

}

export interface GitHttpTarget {
  /** GIT_PROJECT_ROOT: the store's root. */
  readonly projectRoot: string;
  /** The repository below the root plus the smart HTTP action, e.g. `/acme/widgets.git/info/refs`. */
  readonly pathInfo: string;
  /** REMOTE_USER, for git's own logs. */
  readonly remoteUser: string | null;
}

/**
 * Runs `git http-backend` for an authorized request, streaming the request body into it and its
 * output (after the CGI headers) to the response. Resolves with the HTTP status sent.
 */
export function serveGitHttp(req: IncomingMessage, res: ServerResponse, target: GitHttpTarget): Promise<number> {
  const url = new URL(req.url ?? "/", "http://sandbox.invalid");
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  };
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: target.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: target.pathInfo,
    QUERY_STRING: url.search.slice(1),
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    REMOTE_USER: target.remoteUser ?? "",
    CONTENT_TYPE: header("content-type") ?? "",
  };
  const contentLength = header("content-length");
  if (contentLength !== undefined && header("transfer-encoding") === undefined) env.CONTENT_LENGTH = contentLength;
  // git http-backend inflates gzip request bodies itself when told about the encoding.
  const encoding = header("content-encoding");
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = header("git-protocol");
  if (protocol) {
    env.HTTP_GIT_PROTOCOL = protocol;
    env.GIT_PROTOCOL = protocol;
  }
  const child = spawn("git", ["http-backend"], { env: gitEnvironment(env), stdio: ["pipe", "pipe", "pipe"] });
  return pipeCgi(req, res, child);
}

function pipeCgi(req: IncomingMessage, res: ServerResponse, child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let stderr = "";
    let headersDone = false;
    let buffered = Buffer.alloc(0);
    let status = 200;
    const finish = (code: number) => resolve(code);

    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      if (stderr.length < 8192) stderr += chunk;
    });
    child.stdin!.on("error", () => {
      /* http-backend may stop reading early; the exit status tells */
    });
    req.pipe(child.stdin!);
    req.on("aborted", () => child.kill("SIGTERM"));
    res.on("close", () => {
      if (!res.writableFinished) child.kill("SIGTERM");
    });

    const fail = (message: string) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(`${message}\n`);
      } else {
        res.destroy();
      }
      finish(500);
    };

    child.on("error", (error) => fail(`git http-backend failed to start: ${error.message}`));

    child.stdout!.on("data", (chunk: Buffer) => {
      if (headersDone) return;
      buffered = Buffer.concat([buffered, chunk]);
      let end = buffered.indexOf("\r\n\r\n");
      let separator = 4;
      const lfEnd = buffered.indexOf("\n\n");
      if (lfEnd !== -1 && (end === -1 || lfEnd < end)) {
        end = lfEnd;
        separator = 2;
      }
      if (end === -1) {
        if (buffered.length > 64 * 1024) {
          child.kill("SIGTERM");
          fail("git http-backend sent oversized CGI headers");
        }
        return;
      }
      headersDone = true;
      const headers: OutgoingHttpHeaders = {};
      for (const line of buffered.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
        else headers[name] = value;
      }
      const rest = buffered.subarray(end + separator);
      child.stdout!.pause();
      child.stdout!.removeAllListeners("data");
      res.writeHead(status, headers);
      if (rest.length > 0) res.write(rest);
      child.stdout!.pipe(res, { end: false });
      child.stdout!.resume();
    });

    child.on("close", (code) => {
      if (code !== 0 && stderr) console.error(`[sandbox] git http-backend exited with ${code}: ${stderr.trim()}`);
      if (!headersDone) {
        fail(`git http-backend exited with ${code} before sending headers${stderr ? `: ${stderr.trim()}` : ""}`);
        return;
      }
      res.end();
      finish(status);
    });
  });
}
