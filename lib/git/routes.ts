/**
 * HTTP entry points for cloning Ferry projects. URL scheme (`.git` is optional except for LFS,
 * whose clients always add it):
 *
 *   GET  /<namespace path>/<project>.git/info/refs?service=git-upload-pack
 *   POST /<namespace path>/<project>.git/git-upload-pack
 *   *    /<namespace path>/<project>.git/git-receive-pack            → 403 (read-only)
 *   POST /<namespace path>/<project>.git/info/lfs/objects/batch
 *   GET  /<namespace path>/<project>.git/gitlab-lfs/objects/<oid>
 *
 * next.config.js rewrites these to `/api/git/<kind>/...` route handlers, which call the handlers
 * built here with the path segments. `handleGitHttpRequest` routes by the URL path instead, for
 * plain Node servers and tests.
 */
import { config } from "@/lib/config";
import { redact } from "./errors";
import { serveGitRequest, serveLfsBatch, serveLfsObject, streamLfsObject, type ProjectLfsObjects } from "./http-backend";
import { LfsStore } from "./lfs-store";
import { createLfsDownloadToken, LFS_TOKEN_HEADER, verifyLfsDownloadToken } from "./lfs-token";

/**
 * Finds the project for a git request and decides access: the project, null when it does not
 * exist or the caller may not read it (a 401 challenge for anonymous callers, else 404), or
 * "unauthorized" when the request's credentials are wrong (a 401 challenge).
 */
export type GitProjectResolver = (fullPath: string, authorization: string | null) => Promise<{ projectId: number; repoPath: string } | null | "unauthorized">;

export interface GitRouteOptions {
  /** Public base URL of Ferry (LFS hrefs are built from it). Default: NEXTAUTH_URL. */
  publicUrl?: string;
  store?: LfsStore;
  projectObjects?: ProjectLfsObjects;
  /** Signs LFS download tokens. Default: NEXTAUTH_SECRET. */
  signingKey?: string;
}

export type GitRouteKind = "info-refs" | "upload-pack" | "receive-pack" | "lfs-batch" | "lfs-object";

type Params = { params: Promise<{ path?: string[] | string; oid?: string }> };

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** The project's full path from URL segments (`["group", "sub", "project.git"]` → "group/sub/project"); null if invalid. */
export function projectPathFromSegments(segments: readonly string[]): string | null {
  if (segments.length < 2 || segments.length > 21) return null;
  const parts = segments.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return "";
    }
  });
  const last = parts.length - 1;
  parts[last] = parts[last]!.replace(/\.git$/i, "");
  if (!parts.every((part) => SEGMENT.test(part) && part !== "." && part !== "..")) return null;
  return parts.join("/");
}

const ROUTES: readonly [RegExp, GitRouteKind][] = [
  [/^\/(.+)\/info\/refs$/, "info-refs"],
  [/^\/(.+)\/git-upload-pack$/, "upload-pack"],
  [/^\/(.+)\/git-receive-pack$/, "receive-pack"],
  [/^\/(.+\.git)\/info\/lfs\/objects\/batch$/, "lfs-batch"],
  [/^\/(.+\.git)\/gitlab-lfs\/objects\/([0-9a-f]{64})$/, "lfs-object"],
];

/** Recognizes a git or LFS URL path of a Ferry project. */
export function matchGitRequestPath(pathname: string): { kind: GitRouteKind; fullPath: string; oid?: string } | null {
  for (const [pattern, kind] of ROUTES) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    const fullPath = projectPathFromSegments(match[1]!.split("/"));
    if (!fullPath) return null;
    return { kind, fullPath, ...(match[2] ? { oid: match[2] } : {}) };
  }
  return null;
}

function challenge(message = "Authentication required"): Response {
  return new Response(`${message}\n`, {
    status: 401,
    headers: { "Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": 'Basic realm="Ferry"', "Cache-Control": "no-store" },
  });
}

function notFound(): Response {
  return new Response("Not found\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

function segmentsOf(value: string[] | string | undefined): string[] {
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? value.split("/") : [];
}

export function createGitRouteHandlers(resolver: GitProjectResolver, options: GitRouteOptions = {}) {
  const publicUrl = () => (options.publicUrl ?? config().NEXTAUTH_URL).replace(/\/+$/, "");
  const signingKey = () => options.signingKey ?? config().NEXTAUTH_SECRET;
  const store = () => options.store ?? new LfsStore();

  async function handle(request: Request, kind: GitRouteKind, fullPath: string | null, oid?: string): Promise<Response> {
    if (!fullPath) return notFound();
    try {
      // A download token from a batch answer stands in for credentials (see lfs-token.ts).
      if (kind === "lfs-object" && oid && verifyLfsDownloadToken(signingKey(), request.headers.get(LFS_TOKEN_HEADER), fullPath, oid)) {
        return await streamLfsObject(request, store(), oid);
      }
      const authorization = request.headers.get("authorization");
      const project = await resolver(fullPath, authorization);
      if (project === "unauthorized") return challenge("HTTP Basic: Access denied");
      if (!project) return authorization ? notFound() : challenge();
      switch (kind) {
        case "info-refs":
          return await serveGitRequest({ request, repoPath: project.repoPath, action: "info/refs" });
        case "upload-pack":
          return await serveGitRequest({ request, repoPath: project.repoPath, action: "git-upload-pack" });
        case "receive-pack":
          return await serveGitRequest({ request, repoPath: project.repoPath, action: "git-receive-pack" });
        case "lfs-batch":
          return await serveLfsBatch({
            request,
            projectId: project.projectId,
            repoPath: project.repoPath,
            baseUrl: `${publicUrl()}/${fullPath}.git`,
            store: store(),
            projectObjects: options.projectObjects,
            downloadHeaders: (objectId) => ({ [LFS_TOKEN_HEADER]: createLfsDownloadToken(signingKey(), fullPath, objectId, Date.now() + 3600_000) }),
            expiresInSeconds: 3600,
          });
        case "lfs-object":
          return await serveLfsObject({
            request,
            projectId: project.projectId,
            repoPath: project.repoPath,
            oid: oid ?? "",
            store: store(),
            projectObjects: options.projectObjects,
          });
      }
    } catch (error) {
      console.error(`[git ${kind}] ${fullPath}:`, redact(error instanceof Error ? (error.stack ?? error.message) : String(error)));
      return new Response("Internal error\n", { status: 500, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
  }

  const byParams = (kind: GitRouteKind) => async (request: Request, context: Params) => {
    const params = await context.params;
    return handle(request, kind, projectPathFromSegments(segmentsOf(params.path)), params.oid);
  };

  return {
    /** GET /api/git/info-refs/<path…> */
    infoRefs: byParams("info-refs"),
    /** POST /api/git/upload-pack/<path…> */
    uploadPack: byParams("upload-pack"),
    /** Any /api/git/receive-pack/<path…>: 403 for existing projects. */
    receivePack: byParams("receive-pack"),
    /** POST /api/git/lfs-batch/<path…> */
    lfsBatch: byParams("lfs-batch"),
    /** GET /api/git/lfs-objects/<oid>/<path…> */
    lfsObject: byParams("lfs-object"),
    /** Routes by the request's own URL path (no rewrite): null when it is not a git URL. */
    async handleRequest(request: Request): Promise<Response | null> {
      const match = matchGitRequestPath(new URL(request.url).pathname);
      if (!match) return null;
      return handle(request, match.kind, match.fullPath, match.oid);
    },
  };
}

export type GitRouteHandlers = ReturnType<typeof createGitRouteHandlers>;
