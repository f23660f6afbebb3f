/**
 * Shared pieces of the REST API routes: the request context, pagination, q/sort/fields, access
 * checks and error responses. Route tables live in api.ts, api-pullrequests.ts and api-issues.ts.
 */
import { ZodError } from "zod";
import type { Caller } from "./auth";
import { QueryError, applyFields, compileQuery, compileSort, type FieldSchema } from "./query";
import { MESSAGES, bitbucketError, json } from "./responses";
import type { Serializer } from "./serialize";
import type { RepositoryRecord, WorkspaceSeed } from "./seed";
import { SandboxStateError, type SandboxAccount, type SandboxState } from "./state";

export interface ApiContext {
  readonly state: SandboxState;
  readonly ser: Serializer;
  readonly request: Request;
  readonly url: URL;
  /** Decoded path captures of the route pattern. */
  readonly params: readonly string[];
  readonly caller: Caller;
  readonly viewer: SandboxAccount | null;
}

export interface ApiRoute {
  readonly pattern: RegExp;
  readonly methods?: readonly string[];
  /** OAuth scope the endpoint needs (checked for OAuth tokens only; API tokens have all read scopes). */
  readonly scope?: string;
  /** Answer 401 to anonymous callers. */
  readonly authenticated?: boolean;
  readonly handle: (ctx: ApiContext) => Response | Promise<Response>;
}

export const NO_API_HERE =
  "There is no API hosted at this URL.\n\nFor information about our API's, please refer to the documentation at: https://developer.atlassian.com/cloud/bitbucket/rest/";

// --- helpers -----------------------------------------------------------------------------------

export function positiveInt(raw: string | null, fallback: number): number | null {
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= 1 ? value : null;
}

interface PageWindow {
  readonly pagelen: number;
  readonly page: number;
  readonly pages: number;
  readonly start: number;
  readonly end: number;
}

function pageWindow(ctx: ApiContext, size: number, maxPagelen: number): PageWindow | Response {
  const params = ctx.url.searchParams;
  const pagelen = positiveInt(params.get("pagelen"), 10);
  if (pagelen === null || pagelen > maxPagelen) return bitbucketError(400, MESSAGES.invalidPagelen);
  const page = positiveInt(params.get("page"), 1);
  if (page === null) return bitbucketError(400, MESSAGES.invalidPage);
  const pages = Math.max(1, Math.ceil(size / pagelen));
  if (page > pages) return bitbucketError(404, MESSAGES.invalidPage);
  return { pagelen, page, pages, start: (page - 1) * pagelen, end: page * pagelen };
}

/** `url` with the same query parameters, except `name` set to `value` (absolute, on the API origin). */
function linkWith(ctx: ApiContext, name: string, value: string): string {
  const url = new URL(`${ctx.ser.apiUrl}${ctx.url.pathname}`);
  for (const [key, existing] of ctx.url.searchParams) if (key !== name) url.searchParams.append(key, existing);
  url.searchParams.set(name, value);
  return url.toString();
}

function envelope(ctx: ApiContext, window: PageWindow, size: number, values: readonly unknown[]): Record<string, unknown> {
  const body: Record<string, unknown> = { pagelen: window.pagelen, size, values, page: window.page };
  if (window.page < window.pages) body.next = linkWith(ctx, "page", String(window.page + 1));
  if (window.page > 1) body.previous = linkWith(ctx, "page", String(window.page - 1));
  return body;
}

/**
 * Bitbucket's paged envelope {size, page, pagelen, next, previous, values}; `next`/`previous`
 * are absolute and keep every other query parameter. `fields` applies to the whole envelope.
 */
export function paginate(ctx: ApiContext, items: readonly unknown[], maxPagelen = 100): Response {
  const window = pageWindow(ctx, items.length, maxPagelen);
  if (window instanceof Response) return window;
  return json(applyFields(envelope(ctx, window, items.length, items.slice(window.start, window.end)), ctx.url.searchParams.get("fields")));
}

export interface RecordListing<T> {
  /** Fields usable in q and sort. */
  readonly schema: FieldSchema;
  /** A cheap object with the schema's fields, for q and sort (only built when they are used). */
  readonly project: (record: T) => unknown;
  /** The default representation of a value. */
  readonly render: (record: T) => unknown;
  /** A fuller representation that `fields=+values.x` may draw from (e.g. participants). */
  readonly renderFull?: (record: T) => unknown;
  readonly maxPagelen?: number;
  /** Order when there is no sort parameter (records are otherwise kept in the given order). */
  readonly defaultSort?: string;
}

/**
 * Like `paginate`, over records: q and sort run on light projections and only the requested
 * page is rendered, so listing thousands of generated records stays cheap.
 */
export function paginateRecords<T>(ctx: ApiContext, records: readonly T[], listing: RecordListing<T>): Response {
  const params = ctx.url.searchParams;
  const q = params.get("q");
  const sort = params.get("sort") || listing.defaultSort;
  let list = records;
  if ((q !== null && q.trim() !== "") || sort) {
    let projected = records.map((record) => ({ record, view: listing.project(record) }));
    if (q !== null && q.trim() !== "") {
      const predicate = compileQuery(q, listing.schema);
      projected = projected.filter((entry) => predicate(entry.view));
    }
    if (sort) {
      const compare = compileSort(sort, listing.schema);
      projected = projected.sort((a, b) => compare(a.view, b.view));
    }
    list = projected.map((entry) => entry.record);
  }
  const window = pageWindow(ctx, list.length, listing.maxPagelen ?? 100);
  if (window instanceof Response) return window;
  const page = list.slice(window.start, window.end);
  const body = envelope(ctx, window, list.length, page.map(listing.render));
  const fields = params.get("fields");
  const full = fields && listing.renderFull ? { ...body, values: page.map(listing.renderFull) } : undefined;
  return json(applyFields(body, fields, full));
}

/**
 * Cursor pagination as on /pullrequests/{id}/activity: {pagelen, values, next} without size or
 * page; `next` carries an opaque `ctx` parameter.
 */
export function paginateCursor(ctx: ApiContext, items: { readonly length: number; slice(start: number, end: number): unknown[] }, maxPagelen: number): Response {
  const params = ctx.url.searchParams;
  const pagelen = positiveInt(params.get("pagelen"), 10);
  if (pagelen === null || pagelen > maxPagelen) return bitbucketError(400, MESSAGES.invalidPagelen);
  const cursor = params.get("ctx");
  let offset = 0;
  if (cursor !== null) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("latin1"));
    if (!decoded) return bitbucketError(400, "Invalid ctx");
    offset = Number(decoded[1]);
  }
  const values = items.slice(offset, offset + pagelen);
  const body: Record<string, unknown> = { pagelen, values };
  if (offset + pagelen < items.length) body.next = linkWith(ctx, "ctx", Buffer.from(`o${offset + pagelen}`, "latin1").toString("base64url"));
  return json(applyFields(body, params.get("fields")));
}

export function filterAndSort<T>(ctx: ApiContext, items: T[], schema: FieldSchema): T[] {
  const q = ctx.url.searchParams.get("q");
  let result = items;
  if (q !== null && q.trim() !== "") {
    const predicate = compileQuery(q, schema);
    result = result.filter(predicate);
  }
  const sort = ctx.url.searchParams.get("sort");
  if (sort) result = [...result].sort(compileSort(sort, schema));
  return result;
}

export function single(ctx: ApiContext, body: unknown): Response {
  return json(applyFields(body, ctx.url.searchParams.get("fields")));
}

export function requireWorkspace(ctx: ApiContext, identifier: string): WorkspaceSeed {
  const workspace = ctx.state.workspace(identifier);
  if (!workspace) throw new ApiError(bitbucketError(404, MESSAGES.workspaceNotFound(identifier)));
  return workspace;
}

export function requireMember(ctx: ApiContext, workspace: WorkspaceSeed): void {
  if (!ctx.viewer) throw new ApiError(bitbucketError(401, MESSAGES.authenticationRequired));
  if (!ctx.state.membership(workspace, ctx.viewer)) {
    throw new ApiError(bitbucketError(403, "You do not have access to this workspace."));
  }
}

export function requireRepository(ctx: ApiContext, workspace: string, slug: string): RepositoryRecord {
  const repository = ctx.state.repository(workspace, slug);
  if (!repository || !ctx.state.canRead(ctx.viewer, repository)) throw new ApiError(bitbucketError(404, MESSAGES.repositoryNotFound));
  return repository;
}

/** Thrown to answer with a prepared response. */
export class ApiError extends Error {
  constructor(readonly response: Response) {
    super(`API error ${response.status}`);
  }
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return error.response;
  if (error instanceof QueryError) return bitbucketError(400, error.message, { detail: error.detail });
  if (error instanceof SandboxStateError) return bitbucketError(error.status, error.message);
  if (error instanceof ZodError) {
    return bitbucketError(400, "Bad request", { detail: error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ") });
  }
  console.error("[bitbucket sandbox] unexpected error", error);
  return bitbucketError(500, "Something went wrong. Please try again later.", { detail: String(error) });
}
