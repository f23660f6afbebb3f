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
 * - with `project: "read"` or `"manage"`, resolves the `:id` path parameter to the project
 *   (lib/api/projects.ts): 404 when it is missing or the caller may not read it, 403 for a
 *   reader who may not manage it; the handler gets it as `project`.
 *
 * Every endpoint is an entry in the route table of lib/api/endpoints (served by the one
 * catch-all route file app/api/v4/[...path]/route.ts):
 *
 * ```ts
 * // lib/api/endpoints/archive-imports.ts
 * const importWiki = apiRoute(
 *   { name: "import wiki", access: "write", project: "manage", body: z.object({ url: apiString() }) },
 *   async ({ caller, project, body }) => {
 *     const job = await startWikiImport(caller, { projectId: project.id, url: body.url, uploadId: null });
 *     return apiResponse(serializeArchiveJob(job), { status: 202 });
 *   },
 * );
 * export const archiveImportRoutes: ApiRoutes = { "/projects/:id/import/wiki": { POST: importWiki } };
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
import { findApiProject, type ApiProject, type ProjectNeed } from "./projects";

export type ApiAuth = "required" | "optional";

export type EndpointOptions<Query extends z.ZodType | undefined, Body extends z.ZodType | undefined, Auth extends ApiAuth, Need extends ProjectNeed | undefined> = {
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
  /** The project of the `:id` path parameter and what the caller must be allowed to do with it. */
  project?: Need;
};

type Parsed<Schema> = Schema extends z.ZodType ? z.infer<Schema> : Record<string, never>;

export type ApiContext<Query, Body, Auth extends ApiAuth, Need extends ProjectNeed | undefined = undefined> = {
  request: Request;
  /** The project of `:id`, when the endpoint declares `project`. */
  project: Need extends ProjectNeed ? ApiProject : undefined;
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

export function apiRoute<
  Query extends z.ZodType | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
  Auth extends ApiAuth = "required",
  Need extends ProjectNeed | undefined = undefined,
>(options: EndpointOptions<Query, Body, Auth, Need>, handler: (context: ApiContext<Query, Body, Auth, Need>) => Promise<unknown>): ApiHandler {
  return async (request, context) => {
    const requestId = newRequestId();
    try {
      const caller = await authenticateApiRequest(request);
      if (caller) requireScope(caller, options.access);
      else if (options.auth !== "optional") throw unauthorized();

      // The project is checked before the request is read further: who may not see it learns nothing of its parameters.
      const params = await routeParams(context);
      const project = (options.project ? await findApiProject(caller, params.id ?? "", options.project) : undefined) as ApiContext<Query, Body, Auth, Need>["project"];
      const queryParams = paramsFromSearch(new URL(request.url).searchParams);
      const query = parseWith(options.query, queryParams) as Parsed<Query>;
      const body = (
        options.body ? parseWith(options.body, { ...queryParams, ...(await readBodyParams(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) }) : {}
      ) as Parsed<Body>;

      const result = await handler({ request, caller: caller as ApiContext<Query, Body, Auth, Need>["caller"], project, query, body, params, requestId });
      const response = result instanceof Response ? result : apiResponse(result);
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      const known = toApiError(error);
      return known ? errorResponse(known, requestId) : internalErrorResponse(error, requestId, options.name, request);
    }
  };
}
