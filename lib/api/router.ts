import { newRequestId } from "@/lib/errors";
import { ApiError } from "./errors";
import { errorResponse, type ApiHandler } from "./route";

/**
 * The path router behind the one `/api/v4/[...path]` route file: patterns like
 * "/projects/:id/issues/:iid", matched against the RAW request path, so an `:id` sent as
 * `group%2Fproject` arrives decoded as "group/project" (GitLab's URL-encoded full paths).
 * Every endpoint is an `apiRoute` (lib/api/route.ts) in the table of lib/api/endpoints.
 */

export const API_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type ApiMethod = (typeof API_METHODS)[number];
export type ApiRoutes = Record<string, Partial<Record<ApiMethod, ApiHandler>>>;

type CompiledRoute = { segments: string[]; methods: Partial<Record<ApiMethod, ApiHandler>> };

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function matchRoute(route: CompiledRoute, segments: readonly string[]): Record<string, string> | null {
  if (route.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, pattern] of route.segments.entries()) {
    const value = segments[index]!;
    if (pattern.startsWith(":")) {
      if (!value) return null;
      params[pattern.slice(1)] = value;
    } else if (pattern !== value) {
      return null;
    }
  }
  return params;
}

export function createApiRouter(routes: ApiRoutes, prefix = "/api/v4") {
  const compiled: CompiledRoute[] = Object.entries(routes).map(([pattern, methods]) => ({ segments: pattern.split("/").filter(Boolean), methods }));

  return async function route(request: Request): Promise<Response> {
    const pathname = new URL(request.url).pathname;
    const rest = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
    const decoded = rest.split("/").filter(Boolean).map(decodeSegment);
    const method = request.method.toUpperCase() === "HEAD" ? "GET" : (request.method.toUpperCase() as ApiMethod);
    let allowed: string[] = [];
    if (!decoded.includes(null)) {
      for (const candidate of compiled) {
        const params = matchRoute(candidate, decoded as string[]);
        if (!params) continue;
        const handler = candidate.methods[method];
        if (handler) return handler(request, { params: Promise.resolve(params) });
        allowed = Object.keys(candidate.methods);
      }
    }
    const requestId = newRequestId();
    if (allowed.length) return errorResponse(new ApiError(405, { error: "405 Method Not Allowed" }, { allow: allowed.join(", ") }), requestId);
    return errorResponse(new ApiError(404, { error: "404 Not Found" }), requestId);
  };
}
