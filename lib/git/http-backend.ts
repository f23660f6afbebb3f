/**
 * Serving Ferry's repositories over HTTP, read-only:
 *
 * - git smart HTTP through `git http-backend` (CGI): only `info/refs?service=git-upload-pack`
 *   and `git-upload-pack`; anything that would write (receive-pack) gets 403. Request bodies are
 *   streamed in (gzip is inflated by http-backend), responses streamed out.
 * - the Git LFS batch API (download only) and the object downloads it points to.
 *
 * Authentication and the project lookup happen before these functions are called (see routes.ts).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { redact } from "./errors";
import { listLfsPointers } from "./lfs-pointers";
import { LfsStore } from "./lfs-store";
import { isLfsOid, lfsRoot } from "./paths";
import { refsFingerprint } from "./repository";
import { spawnGit } from "./run";

export type GitHttpAction = "info/refs" | "git-upload-pack" | "git-receive-pack";

export interface ServeGitRequestOptions {
  request: Request;
  /** Absolute path of the bare repository. */
  repoPath: string;
  /** The part of the URL after `<project>.git/`. */
  action: GitHttpAction;
  /** Ferry serves read-only; writes are always refused. */
  allowWrite?: false;
  /** Authenticated user name, passed to git as REMOTE_USER (logging only). */
  remoteUser?: string | null;
  remoteAddr?: string;
  /** Kill git http-backend after this long. Default 1 hour. */
  timeoutMs?: number;
}

function plain(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}

const READ_ONLY_MESSAGE = "Ferry repositories are read-only: pushing is not supported.";

/** Splits CGI output into its header block and the rest; null until the blank line arrives. */
function splitCgiHeaders(buffer: Buffer): { head: string; rest: Buffer } | null {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return null;
  const useLf = lf !== -1 && (crlf === -1 || lf < crlf);
  const end = useLf ? lf : crlf;
  return { head: buffer.subarray(0, end).toString("latin1"), rest: buffer.subarray(end + (useLf ? 2 : 4)) };
}

/** Runs `git http-backend` for one smart HTTP request and returns its (streaming) response. */
export async function serveGitRequest(options: ServeGitRequestOptions): Promise<Response> {
  const { request, action } = options;
  const method = request.method.toUpperCase();
  const url = new URL(request.url);

  if (action === "git-receive-pack") return plain(403, READ_ONLY_MESSAGE);
  if (action === "info/refs") {
    if (method !== "GET" && method !== "HEAD") return plain(405, "Method not allowed", { Allow: "GET, HEAD" });
    const service = url.searchParams.get("service");
    if (service === "git-receive-pack") return plain(403, READ_ONLY_MESSAGE);
    if (service !== "git-upload-pack") return plain(403, "Ferry serves the smart HTTP protocol only (service=git-upload-pack).");
  } else if (action === "git-upload-pack") {
    if (method !== "POST") return plain(405, "Method not allowed", { Allow: "POST" });
    const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/x-git-upload-pack-request") return plain(415, "Expected application/x-git-upload-pack-request");
  } else {
    return plain(404, "Not found");
  }
  const encoding = (request.headers.get("content-encoding") ?? "").trim().toLowerCase();
  if (encoding && encoding !== "gzip" && encoding !== "x-gzip" && encoding !== "identity") return plain(415, "Unsupported Content-Encoding");

  const repoPath = path.resolve(options.repoPath);
  if (!existsSync(path.join(repoPath, "HEAD"))) return plain(404, "Repository not found");

  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: path.dirname(repoPath),
    PATH_INFO: `/${path.basename(repoPath)}/${action}`,
    GIT_HTTP_EXPORT_ALL: "1",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: "HTTP/1.1",
    SERVER_SOFTWARE: "Ferry",
    REQUEST_METHOD: method === "HEAD" ? "GET" : method,
    QUERY_STRING: action === "info/refs" ? "service=git-upload-pack" : "",
    CONTENT_TYPE: request.headers.get("content-type") ?? "",
    REMOTE_ADDR: options.remoteAddr ?? "127.0.0.1",
    REMOTE_USER: (options.remoteUser ?? "").replace(/[^\w.@+-]/g, ""),
  };
  const length = request.headers.get("content-length");
  if (length && /^\d+$/.test(length)) env.CONTENT_LENGTH = length;
  if (encoding === "gzip" || encoding === "x-gzip") env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = request.headers.get("git-protocol");
  if (protocol && /^[A-Za-z0-9=:._,-]{1,256}$/.test(protocol)) {
    env.HTTP_GIT_PROTOCOL = protocol;
    env.GIT_PROTOCOL = protocol;
  }

  const child = spawnGit(["http-backend"], {
    env,
    stdin: true,
    timeoutMs: options.timeoutMs ?? 3600_000,
    signal: request.signal,
    config: [
      ["http.receivepack", "false"],
      ["http.getanyfile", "false"],
      ["http.uploadpack", "true"],
      ["uploadpack.allowFilter", "true"],
    ],
  });

  // Request body → git.
  const stdin = child.stdin!;
  if (request.body && method === "POST") {
    const body = Readable.fromWeb(request.body as unknown as WebReadableStream<Uint8Array>);
    body.on("error", () => child.kill());
    body.pipe(stdin);
  } else {
    stdin.end();
  }

  // git → CGI headers, then the body stream.
  return new Promise<Response>((resolve) => {
    let buffered = Buffer.alloc(0);
    let answered = false;
    const answer = (response: Response) => {
      if (!answered) {
        answered = true;
        resolve(response);
      }
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const split = splitCgiHeaders(buffered);
      if (!split) {
        if (buffered.length > 64 * 1024) {
          child.kill();
          answer(plain(502, "git http-backend sent oversized headers"));
        }
        return;
      }
      child.stdout.off("data", onData);
      child.stdout.pause();
      let status = 200;
      const headers = new Headers();
      for (const line of split.head.split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 502;
        else headers.append(name, value);
      }
      if (method === "HEAD" || status === 204 || status === 304) {
        child.stdout.resume();
        answer(new Response(null, { status, headers }));
        return;
      }
      const pass = new PassThrough();
      if (split.rest.length > 0) pass.write(split.rest);
      child.stdout.pipe(pass, { end: false });
      child.stdout.resume();
      child.done.then(
        () => pass.end(),
        (error: unknown) => pass.destroy(error instanceof Error ? new Error(redact(error.message)) : new Error("git http-backend failed")),
      );
      // The client went away: stop git.
      pass.on("close", () => {
        if (!pass.writableFinished) child.kill();
      });
      answer(new Response(Readable.toWeb(pass) as unknown as ReadableStream<Uint8Array>, { status, headers }));
    };
    child.stdout.on("data", onData);
    child.done.then(
      () => answer(plain(502, "git http-backend ended without a response")),
      (error: unknown) => {
        console.error("[git http-backend]", error instanceof Error ? error.message : error);
        answer(plain(500, "git http-backend failed"));
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// LFS

const LFS_JSON = "application/vnd.git-lfs+json; charset=utf-8";

function lfsJson(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": LFS_JSON, "Cache-Control": "no-store" } });
}

/** Which of `oids` the project may serve. */
export type ProjectLfsObjects = (projectId: number, repoPath: string, oids: readonly string[]) => Promise<Set<string>>;

const pointerCache = new Map<string, { fingerprint: string; oids: Promise<Set<string>> }>();

/**
 * Default for `ProjectLfsObjects`: the LFS pointers reachable from the repository's refs, cached
 * until a ref changes. An object stored for another project is not served through this one.
 */
export const reachableLfsObjects: ProjectLfsObjects = async (_projectId, repoPath, oids) => {
  const key = path.resolve(repoPath);
  if (!existsSync(path.join(key, "HEAD"))) return new Set();
  const fingerprint = await refsFingerprint(key);
  let entry = pointerCache.get(key);
  if (!entry || entry.fingerprint !== fingerprint) {
    // Concurrent requests share one scan; a failed scan is not cached.
    const scan = listLfsPointers(key).then((pointers) => new Set(pointers.map((pointer) => pointer.oid)));
    entry = { fingerprint, oids: scan };
    const created = entry;
    scan.catch(() => {
      if (pointerCache.get(key) === created) pointerCache.delete(key);
    });
    pointerCache.delete(key);
    pointerCache.set(key, entry);
    while (pointerCache.size > 100) pointerCache.delete(pointerCache.keys().next().value!);
  }
  const visible = await entry.oids;
  return new Set(oids.filter((oid) => visible.has(oid)));
};

export interface ServeLfsBatchOptions {
  request: Request;
  projectId: number;
  /** The project's bare repository. */
  repoPath: string;
  /** The project's clone URL, e.g. `https://ferry.example.com/group/project.git`; hrefs are built from it. */
  baseUrl: string;
  store?: LfsStore;
  projectObjects?: ProjectLfsObjects;
  /** Extra headers for each object's download action (e.g. a download token). */
  downloadHeaders?: (oid: string) => Record<string, string>;
  /** Lifetime of the download actions. Default 3600 s. */
  expiresInSeconds?: number;
}

const batchSchema = z.object({
  operation: z.enum(["download", "upload"]),
  transfers: z.array(z.string()).optional(),
  objects: z.array(z.object({ oid: z.string(), size: z.number().int().nonnegative() })).max(10_000),
  ref: z.object({ name: z.string() }).optional(),
  hash_algo: z.string().optional(),
});

async function readLimited(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The Git LFS batch API for a Ferry project: download only. */
export async function serveLfsBatch(options: ServeLfsBatchOptions): Promise<Response> {
  const { request } = options;
  if (request.method.toUpperCase() !== "POST") return lfsJson(405, { message: "Method not allowed" });
  const text = await readLimited(request, 2 * 1024 * 1024);
  if (text === null) return lfsJson(413, { message: "The batch request is too large" });
  let parsed: z.infer<typeof batchSchema>;
  try {
    const result = batchSchema.safeParse(JSON.parse(text));
    if (!result.success) return lfsJson(422, { message: "Invalid batch request" });
    parsed = result.data;
  } catch {
    return lfsJson(422, { message: "Invalid JSON" });
  }
  if (parsed.operation === "upload") return lfsJson(403, { message: "Ferry repositories are read-only: LFS uploads are not supported." });
  if (parsed.transfers && parsed.transfers.length > 0 && !parsed.transfers.includes("basic")) {
    return lfsJson(422, { message: "Only the basic transfer adapter is supported" });
  }
  if (parsed.hash_algo && parsed.hash_algo !== "sha256") return lfsJson(409, { message: "Only sha256 is supported" });

  const store = options.store ?? new LfsStore(lfsRoot());
  const valid = parsed.objects.filter((object) => isLfsOid(object.oid)).map((object) => object.oid);
  const visible = await (options.projectObjects ?? reachableLfsObjects)(options.projectId, options.repoPath, valid);
  const base = options.baseUrl.replace(/\/+$/, "");
  const objects = await Promise.all(
    parsed.objects.map(async ({ oid, size }) => {
      if (!isLfsOid(oid)) return { oid, size, error: { code: 422, message: "Invalid object id" } };
      if (!visible.has(oid) || !(await store.has(oid))) return { oid, size, error: { code: 404, message: "Object does not exist on the server" } };
      const actual = await store.size(oid);
      if (actual !== size) return { oid, size, error: { code: 422, message: `Object size mismatch: the server has ${actual} bytes` } };
      return {
        oid,
        size,
        authenticated: true,
        actions: {
          download: {
            href: `${base}/gitlab-lfs/objects/${oid}`,
            ...(options.downloadHeaders ? { header: options.downloadHeaders(oid) } : {}),
            expires_in: options.expiresInSeconds ?? 3600,
          },
        },
      };
    }),
  );
  return lfsJson(200, { transfer: "basic", objects, hash_algo: "sha256" });
}

export interface ServeLfsObjectOptions {
  request: Request;
  projectId: number;
  repoPath: string;
  oid: string;
  store?: LfsStore;
  projectObjects?: ProjectLfsObjects;
}

/** Streams a stored LFS object that belongs to the project. */
export async function serveLfsObject(options: ServeLfsObjectOptions): Promise<Response> {
  const method = options.request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") return plain(405, "Method not allowed", { Allow: "GET, HEAD" });
  if (!isLfsOid(options.oid)) return plain(404, "Object not found");
  const store = options.store ?? new LfsStore(lfsRoot());
  const visible = await (options.projectObjects ?? reachableLfsObjects)(options.projectId, options.repoPath, [options.oid]);
  if (!visible.has(options.oid)) return plain(404, "Object not found");
  return streamLfsObject(options.request, store, options.oid);
}

/** Streams a stored object (no access check: the caller has done it). */
export async function streamLfsObject(request: Request, store: LfsStore, oid: string): Promise<Response> {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") return plain(405, "Method not allowed", { Allow: "GET, HEAD" });
  const size = isLfsOid(oid) ? await store.size(oid) : null;
  if (size === null) return plain(404, "Object not found");
  const headers = {
    "Content-Type": "application/octet-stream",
    "Content-Length": String(size),
    "Cache-Control": "private, max-age=0, must-revalidate",
    ETag: `"${oid}"`,
  };
  if (method === "HEAD") return new Response(null, { status: 200, headers });
  const stream = store.open(oid);
  return new Response(Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>, { status: 200, headers });
}
