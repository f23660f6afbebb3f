/**
 * The one wrapper for every `/api/v4` endpoint (GitLab-compatible REST API). It
 *
 * - authenticates the caller: `PRIVATE-TOKEN: <token>` or `Authorization: Bearer <token>`
 *   (a personal access token, lib/tokens), else the browser session (reads; writes only from
 *   Ferry's own origin). A bad token is a 401; no caller is a 401 unless `auth: "optional"`;
 * - checks the token's scope: `access: "read"` needs `read_api` or `api`, `"write"` needs `api`;
 * - validates the query and the body with zod: unknown fields are dropped, wrong types are a
 *   400 naming the field (`{"error": "project_id is invalid (must be an integer)"}`). Bodies may
 *   be JSON, `application/x-www-form-urlencoded` or `multipart/form-data` (files as `File`); for
 *   writes, query parameters count as body parameters (as in GitLab). Bodies over 1 MB
 *   (`maxBodyBytes`) are a 413;
 * - answers errors in GitLab's shapes (lib/api/errors.ts), with an `X-Request-Id` header on
 *   every response; unexpected errors are logged with that id and answered with a generic 500.
 *
 * Writing an endpoint (a route file, or an entry in lib/api/endpoints for the catch-all router):
 *
 * ```ts
 * // app/api/v4/projects/[id]/import/wiki/route.ts
 * import { z } from "zod";
 * import { apiRoute, apiResponse } from "@/lib/api/route";
 * import { apiString } from "@/lib/api/params";
 * import { findApiProject } from "@/lib/api/projects";
 *
 * export const POST = apiRoute(
 *   {
 *     name: "import a wiki",
 *     access: "write",
 *     body: z.object({ url: apiString().optional(), file: z.instanceof(File).optional() }),
 *     maxBodyBytes: 200 * 1024 * 1024,
 *   },
 *   async ({ caller, params, body }) => {
 *     const project = await findApiProject(caller, params.id, "manage"); // 404 when not allowed
 *     const job = await startWikiImport(caller, project.id, body);
 *     return apiResponse({ id: job.id, state: job.state }, { status: 202 });
 *   },
 * );
 * ```
 *
 * Multipart bodies are read into memory (up to `maxBodyBytes`). An endpoint that streams a large
 * upload leaves `body` out: the wrapper then does not touch the request body, and the handler
 * reads `request.body` itself.
 *
 * A handler returns plain data (sent as 200 JSON) or a Response (`apiResponse`, or
 * `paginatedResponse` from lib/api/pagination.ts for lists). Throw `ApiError`s (lib/api/errors.ts)
 * for GitLab-shaped errors; Ferry's `AppError`s become `{"message": …}` with their status.
 */
import { z } from "zod";
import { newRequestId } from "@/lib/errors";
import type { TokenAccess } from "@/lib/tokens";
import { authenticateApiRequest, requireScope, type ApiCaller } from "./auth";
import { DEFAULT_MAX_BODY_BYTES, paramsFromSearch, readBodyParams, type RequestParams } from "./body";
import { ApiError, toApiError, unauthorized } from "./errors";
import { validationProblem } from "./params";

export type ApiAuth = "required" | "optional";

export type EndpointOptions<Query extends z.ZodType | undefined, Body extends z.ZodType | undefined, Auth extends ApiAuth> = {
  /** Names the endpoint in logs, e.g. "start bitbucket import". */
  name: string;
  /** The token scope needed: "read" (read_api or api) or "write" (api). */
  access: TokenAccess;
  /** "optional" lets anonymous callers in (public data); the handler then gets `caller: null`. */
  auth?: Auth;
  query?: Query;
  body?: Body;
  /** Larger bodies are refused with 413. Default 1 MB. */
  maxBodyBytes?: number;
};

type Parsed<Schema> = Schema extends z.ZodType ? z.infer<Schema> : Record<string, never>;

export type ApiContext<Query, Body, Auth extends ApiAuth> = {
  request: Request;
  caller: Auth extends "optional" ? ApiCaller | null : ApiCaller;
  query: Parsed<Query>;
  body: Parsed<Body>;
  /** Path parameters, decoded (`:id` may be a numeric id or a full path such as "group/project"). */
  params: Record<string, string>;
  requestId: string;
};

/** What Next.js passes to route handlers, and what the catch-all router passes too. */
export type ApiRouteContext = { params?: Promise<Record<string, string | string[] | undefined>> };

export type ApiHandler = (request: Request, context?: ApiRouteContext) => Promise<Response>;

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

/** A JSON response; `status` defaults to 200. */
export function apiResponse(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(data), { status: init.status ?? 200, headers: { ...JSON_HEADERS, ...init.headers } });
}

export function errorResponse(error: ApiError, requestId: string): Response {
  return apiResponse(error.body, { status: error.status, headers: { ...error.headers, "x-request-id": requestId } });
}

/** Logs an unexpected error with its request id and answers a generic 500 naming that id. */
export function internalErrorResponse(error: unknown, requestId: string, name: string, request: Request): Response {
  console.error(`[api ${name}] ${request.method} ${new URL(request.url).pathname} request ${requestId} failed unexpectedly:`, error);
  return apiResponse({ message: "500 Internal Server Error", request_id: requestId }, { status: 500, headers: { "x-request-id": requestId } });
}

async function routeParams(context: ApiRouteContext | undefined): Promise<Record<string, string>> {
  const raw = (await context?.params) ?? {};
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    params[key] = Array.isArray(value) ? value.join("/") : value;
  }
  return params;
}

function parseWith<Schema extends z.ZodType | undefined>(schema: Schema, input: RequestParams): Parsed<Schema> {
  if (!schema) return {} as Parsed<Schema>;
  const result = schema.safeParse(input);
  if (!result.success) throw validationProblem(result.error, input);
  return result.data as Parsed<Schema>;
}

export function apiRoute<Query extends z.ZodType | undefined = undefined, Body extends z.ZodType | undefined = undefined, Auth extends ApiAuth = "required">(
  options: EndpointOptions<Query, Body, Auth>,
  handler: (context: ApiContext<Query, Body, Auth>) => Promise<unknown>,
): ApiHandler {
  return async (request, context) => {
    const requestId = newRequestId();
    try {
      const caller = await authenticateApiRequest(request);
      if (caller) requireScope(caller, options.access);
      else if (options.auth !== "optional") throw unauthorized();

      const queryParams = paramsFromSearch(new URL(request.url).searchParams);
      const query = parseWith(options.query, queryParams) as Parsed<Query>;
      const body = (
        options.body ? parseWith(options.body, { ...queryParams, ...(await readBodyParams(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) }) : {}
      ) as Parsed<Body>;
      const params = await routeParams(context);

      const result = await handler({ request, caller: caller as ApiContext<Query, Body, Auth>["caller"], query, body, params, requestId });
      const response = result instanceof Response ? result : apiResponse(result);
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      const known = toApiError(error);
      return known ? errorResponse(known, requestId) : internalErrorResponse(error, requestId, options.name, request);
    }
  };
}
