import { isReservedTopLevelName } from "@/lib/namespaces/paths";

/**
 * Project and group URLs, GitLab style: `/<namespace…>/<project>` for a project's overview,
 * `/<namespace…>/<project>/-/<page…>` for its other pages, and `/<group…>` for a group. The
 * pages live under `app/projects/[project]/…`, where `[project]` is the full path as one encoded
 * segment; proxy.ts maps the public URL onto that internal route. A path without `/-/` may name a
 * project or a group: the route's layout shows whichever exists.
 */

/** The app route that serves project pages. A top-level namespace can never be called this. */
export const PROJECT_ROUTE = "projects";

/** The request header carrying the public path and query of a rewritten project request. */
export const PUBLIC_URL_HEADER = "x-ferry-public-url";

const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Files under public/ (and the like) that a single-segment URL names instead of a group. */
const STATIC_FILE = /\.(?:ico|svg|png|txt|xml|json|webmanifest)$/i;

/** Git smart HTTP and LFS URLs; next.config.js rewrites them to the git route handlers. */
const GIT_URL = /\.git(?:\/|$)|\/(?:info\/refs|git-upload-pack|git-receive-pack|info\/lfs\/objects\/batch)$|\/gitlab-lfs\/objects\//;

/**
 * The internal route path for a public project or group URL, or null when the path can't be one
 * (a reserved first segment such as `/admin/…`, a git URL, a static file, a project page with
 * fewer than two path segments before `/-/`, or characters a namespace or project path never
 * has). Everything after `/-/` is passed on untouched; the file routes decide which pages exist.
 */
export function internalProjectPath(pathname: string): string | null {
  if (GIT_URL.test(pathname)) return null;
  const segments = pathname.replace(/^\/+|\/+$/g, "").split("/");
  const separator = segments.indexOf("-");
  const projectSegments = separator === -1 ? segments : segments.slice(0, separator);
  const page = separator === -1 ? [] : segments.slice(separator + 1);
  // A project always lives in a namespace: at least "<namespace>/<project>"; a group may be top-level.
  const minimum = separator === -1 ? 1 : 2;
  if (projectSegments.length < minimum || !projectSegments.every((segment) => PATH_SEGMENT.test(segment))) return null;
  if (projectSegments.length === 1 && STATIC_FILE.test(projectSegments[0]!)) return null;
  if (isReservedTopLevelName(projectSegments[0]!)) return null;
  if (separator !== -1 && (page.length === 0 || page.some((segment) => segment.length === 0))) return null;
  return ["", PROJECT_ROUTE, encodeURIComponent(projectSegments.join("/")), ...page].join("/");
}

/** A route parameter decoded once (dynamic segments may arrive still URL-encoded); malformed escapes stay as they are. */
export function decodeRouteParam(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}

const MAX_IID = 2_147_483_647;

/** An issue or merge request number from the URL, or null for anything that can't be one. */
export function parseIid(value: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(value)) return null;
  const iid = Number(value);
  return iid <= MAX_IID ? iid : null;
}

/** Path segments are restricted to URL-safe characters, but encode anyway. */
export function projectHref(fullPath: string, ...rest: (string | number)[]): string {
  const base = `/${fullPath.split("/").map(encodeURIComponent).join("/")}`;
  return rest.length === 0 ? base : `${base}/-/${rest.map((part) => String(part)).join("/")}`;
}

/** A group's page (or a personal namespace's, which leads to its user). */
export function namespaceHref(fullPath: string): string {
  return projectHref(fullPath);
}

/** A repository page (`tree`, `blob`, `raw`, `commits`) at a ref and path, each segment encoded. */
export function repositoryHref(fullPath: string, page: "tree" | "blob" | "raw" | "commits", ref: string, path = "", hash = ""): string {
  const segments = [...ref.split("/"), ...path.split("/").filter(Boolean)].map(encodeURIComponent);
  return `${projectHref(fullPath, page, ...segments)}${hash}`;
}

/**
 * The same public URL with the project part spelled the canonical way, for a request that found
 * the project under a differently cased path. `requestedUrl` is the public path and query the
 * browser asked for; anything that does not start with the requested project path leads to the
 * project's overview.
 */
export function canonicalProjectUrl(requestedUrl: string, requestedFullPath: string, canonicalFullPath: string): string {
  const prefix = `/${requestedFullPath}`;
  const rest = requestedUrl.slice(prefix.length);
  if (!requestedUrl.startsWith(prefix) || !(rest === "" || rest.startsWith("/") || rest.startsWith("?"))) return projectHref(canonicalFullPath);
  return `${projectHref(canonicalFullPath)}${rest}`;
}
