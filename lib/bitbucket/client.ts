/**
 * The Bitbucket Cloud REST 2.0 client. Configuration is injected; nothing is
 * read from the environment or other globals (except the global fetch when no
 * `fetch` is given).
 */
import type { z } from "zod";
import {
  BitbucketAuthError,
  BitbucketError,
  BitbucketResponseError,
  errorFromResponse,
  type ResponseIssue,
} from "./errors";
import { DEFAULT_TIMEOUT_MS, basicAuthorization, send, type FetchLike, type RawResponse } from "./http";
import {
  PULL_REQUEST_STATES,
  commentSchema,
  currentUserSchema,
  issueSchema,
  milestoneSchema,
  pageSchema,
  pullRequestSchema,
  repositorySchema,
  userEmailSchema,
  workspaceAccessSchema,
  workspaceMembershipSchema,
  type BitbucketUser,
  type Comment,
  type CurrentUser,
  type Issue,
  type Milestone,
  type Page,
  type PullRequest,
  type PullRequestState,
  type Repository,
  type UserEmail,
  type WorkspaceAccess,
} from "./models";
import { encodeQuery, nameFilterQuery, type QueryParams } from "./query";
import { INTERACTIVE_RETRY, withRetry, type RetryEvent, type RetryOptions } from "./retry";

export type BitbucketCredential =
  | {
      kind: "oauth";
      getAccessToken(): Promise<string>;
      /** Called once per request when Bitbucket says the token expired; returns the new token. */
      refreshAccessToken(rejected: string): Promise<string>;
    }
  | { kind: "api-token"; email: string; token: string };

/** Username and password for git over https (and Git LFS). */
export interface GitCredentials {
  username: string;
  password: string;
}

/** The git username Bitbucket expects with an OAuth (or workspace/repository access) token. */
export const OAUTH_GIT_USERNAME = "x-token-auth";
/** The git username Bitbucket expects with an Atlassian API token. */
export const API_TOKEN_GIT_USERNAME = "x-bitbucket-api-token-auth";

/**
 * An API-token credential (API: Basic email:token; git: x-bitbucket-api-token-auth:token).
 * Trims both values and rejects empty ones, and an "email" without "@" (the Bitbucket
 * username does not work with API tokens; app passwords are gone since 2026-07-28).
 */
export function apiTokenCredential(input: { email: string; token: string }): BitbucketCredential & { kind: "api-token" } {
  const email = input.email.trim();
  const token = input.token.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new TypeError("A Bitbucket API token is used with the Atlassian account's email address");
  }
  if (token === "" || /\s/.test(token)) throw new TypeError("The Bitbucket API token is empty or contains whitespace");
  return { kind: "api-token", email, token };
}

/** git over https credentials for a Bitbucket credential; OAuth tokens are read fresh on every call. */
export async function gitCredentialsFor(credential: BitbucketCredential): Promise<GitCredentials> {
  if (credential.kind === "oauth") return { username: OAUTH_GIT_USERNAME, password: await credential.getAccessToken() };
  return { username: API_TOKEN_GIT_USERNAME, password: credential.token };
}

export type BitbucketClientEvent =
  | RetryEvent
  | { type: "token-refreshed"; method: string; url: string }
  /** Bitbucket flagged (X-RateLimit-NearLimit) that this credential is close to its hourly limit. */
  | { type: "near-rate-limit"; method: string; url: string; limit: number | null };

export interface BitbucketClientOptions {
  /** e.g. https://api.bitbucket.org or http://localhost:4010; /2.0 is appended by the client. */
  apiUrl: string;
  credential: BitbucketCredential;
  fetch?: FetchLike;
  /** Merged over INTERACTIVE_RETRY; pass BACKGROUND_RETRY for imports. */
  retry?: Partial<RetryOptions>;
  /** Per attempt, body included. Default 30 s. */
  timeoutMs?: number;
  /** Pages one listing may have before it fails (a `next` chain that never ends). Default 20,000. */
  maxPages?: number;
  onEvent?: (event: BitbucketClientEvent) => void;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's retry options for this call. */
  retry?: Partial<RetryOptions>;
}

export interface GetOptions extends CallOptions {
  query?: QueryParams;
}

export interface PaginateOptions extends GetOptions {
  /** Items per page (Bitbucket: default 10, max 100; 50 for pull requests/activity). */
  pagelen?: number;
  /** Partial-response selector, e.g. "+values.reviewers" or "-values.links". */
  fields?: string;
  /** Stop after this many pages. */
  maxPages?: number;
}

export type RepositoryRole = "member" | "contributor" | "admin" | "owner";

export interface ListRepositoriesOptions extends CallOptions {
  /** Case-insensitive "name or slug contains" filter; sent as `q=(name ~ "..." OR slug ~ "...")`. */
  nameFilter?: string;
  page?: number;
  /** Default 100 (Bitbucket's maximum). */
  pagelen?: number;
  /** e.g. "-updated_on", "name", "created_on". */
  sort?: string;
  /** Default "member"; null sends no role (only repositories visible to the user anyway). */
  role?: RepositoryRole | null;
}

export type RepositoryPage = Page<Repository>;

export interface CursorOptions extends CallOptions {
  /**
   * The `next` URL of an earlier page of the same listing (persisted as an opaque string):
   * the request resumes exactly there. It must belong to the same listing on the configured
   * API; the listing's parameters are re-applied only where the link lost them.
   */
  cursor?: string | null;
}

export interface ListPullRequestsOptions extends CursorOptions {
  /** Default: all four (OPEN, MERGED, DECLINED, SUPERSEDED). */
  states?: readonly PullRequestState[];
  /** Default and maximum 50. */
  pagelen?: number;
}

/** Bitbucket's largest page for `/pullrequests` (and `/activity`). */
export const PULL_REQUEST_MAX_PAGELEN = 50;

export interface BitbucketClient {
  /** Normalised API base, without trailing slash or /2.0. */
  readonly apiUrl: string;
  getCurrentUser(options?: CallOptions): Promise<CurrentUser>;
  listUserEmails(options?: CallOptions): Promise<UserEmail[]>;
  /** The confirmed primary address; null when there is none (needs the `email` scope). */
  primaryEmail(options?: CallOptions): Promise<string | null>;
  /** All workspaces the user can access, sorted by slug. */
  listWorkspaces(options?: CallOptions): Promise<WorkspaceAccess[]>;
  listRepositoriesPage(workspace: string, options?: ListRepositoriesOptions): Promise<RepositoryPage>;
  /** Continues a repository listing from its `next` URL (same-origin only). */
  fetchNextPage(nextUrl: string, options?: CallOptions): Promise<RepositoryPage>;
  getRepository(workspace: string, slug: string, options?: CallOptions): Promise<Repository>;
  listWorkspaceMembers(workspace: string, options?: CallOptions): Promise<BitbucketUser[]>;
  /** One page (100) of workspace members. */
  listWorkspaceMembersPage(workspace: string, options?: CursorOptions): Promise<Page<BitbucketUser>>;

  /**
   * One page of pull requests in every state (unless `states` says otherwise), oldest first,
   * 50 per page, with participants (approvals) and reviewers included.
   */
  listPullRequestsPage(workspace: string, slug: string, options?: ListPullRequestsOptions): Promise<Page<PullRequest>>;
  /** One pull request, participants and reviewers included. */
  getPullRequest(workspace: string, slug: string, id: number, options?: CallOptions): Promise<PullRequest>;
  /** One page (100) of a pull request's comments, oldest first, deleted and inline ones included. */
  listPullRequestCommentsPage(workspace: string, slug: string, id: number, options?: CursorOptions): Promise<Page<Comment>>;
  /**
   * One page (100) of issues, by ascending id.
   * @throws BitbucketGoneError (410) since Bitbucket removed issues (2026-08-20);
   *   BitbucketNotFoundError "Repository has no issue tracker." (see `isNoIssueTrackerError`).
   */
  listIssuesPage(workspace: string, slug: string, options?: CursorOptions): Promise<Page<Issue>>;
  /** One page (100) of an issue's comments, oldest first. Throws like `listIssuesPage`. */
  listIssueCommentsPage(workspace: string, slug: string, issueId: number, options?: CursorOptions): Promise<Page<Comment>>;
  /** Every milestone of the issue tracker. Throws like `listIssuesPage`. */
  listMilestones(workspace: string, slug: string, options?: CallOptions): Promise<Milestone[]>;

  /** Credentials for git over https with this client's credential (a fresh OAuth token on every call). */
  gitCredentials(): Promise<GitCredentials>;

  /** GET one JSON document (path like "/2.0/user" or a same-origin absolute URL) validated by `schema`. */
  getJson<S extends z.ZodType>(pathOrUrl: string, schema: S, options?: GetOptions): Promise<z.output<S>>;
  /** GET one page of a paginated collection. */
  getPage<S extends z.ZodType>(pathOrUrl: string, itemSchema: S, options?: PaginateOptions): Promise<Page<z.output<S>>>;
  /** Every page, following absolute `next` links (refusing other origins). Each page has `next` for checkpointing. */
  paginatePages<S extends z.ZodType>(
    pathOrUrl: string,
    itemSchema: S,
    options?: PaginateOptions,
  ): AsyncGenerator<Page<z.output<S>>, void, undefined>;
  /** Every item of every page. */
  paginate<S extends z.ZodType>(pathOrUrl: string, itemSchema: S, options?: PaginateOptions): AsyncGenerator<z.output<S>, void, undefined>;
}

const MAX_PAGELEN = 100;

/**
 * Listing parameters. Ascending `id` keeps pages stable while new items arrive (they append at
 * the end) and is unique, so no item moves between pages. `fields` adds the participants
 * (with approvals) and reviewers that pull request listings omit, so no request per pull
 * request is needed, and drops the rendered HTML copies of texts that are read raw.
 */
export const LISTING_QUERIES = Object.freeze({
  pullRequests: Object.freeze({ sort: "id", fields: "+values.participants,+values.reviewers,-values.summary.html" }),
  comments: Object.freeze({ sort: "id", fields: "-values.content.html", pagelen: MAX_PAGELEN }),
  issues: Object.freeze({ sort: "id", fields: "-values.content.html", pagelen: MAX_PAGELEN }),
  members: Object.freeze({ pagelen: MAX_PAGELEN }),
  milestones: Object.freeze({ pagelen: MAX_PAGELEN }),
});

export function createBitbucketClient(options: BitbucketClientOptions): BitbucketClient {
  const base = parseApiUrl(options.apiUrl);
  const credential = options.credential;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clientRetry: RetryOptions = mergeRetry(INTERACTIVE_RETRY, options.retry);
  const staticHeaders: Record<string, string> = { Accept: "application/json" };
  if (options.userAgent) staticHeaders["User-Agent"] = options.userAgent;

  function emit(event: BitbucketClientEvent): void {
    try {
      options.onEvent?.(event);
    } catch {
      // Listeners must not break requests.
    }
  }

  /** Resolves a path under the API base, or checks that an absolute URL (a `next` link) stays on it. */
  function resolve(pathOrUrl: string): URL {
    if (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl) || pathOrUrl.startsWith("//")) {
      let url: URL;
      try {
        url = new URL(pathOrUrl);
      } catch {
        throw unsafeUrl(pathOrUrl, "is not a valid URL");
      }
      if (url.origin !== base.origin || url.username || url.password) {
        throw unsafeUrl(pathOrUrl, `is not on the configured Bitbucket API (${base.origin})`);
      }
      if (base.pathname && !url.pathname.startsWith(`${base.pathname}/`)) {
        throw unsafeUrl(pathOrUrl, `is outside ${base.origin}${base.pathname}`);
      }
      return url;
    }
    if (!pathOrUrl.startsWith("/")) throw new TypeError(`Bitbucket API path must start with "/": ${pathOrUrl}`);
    return new URL(`${base.pathname}${pathOrUrl}`, base.origin);
  }

  function buildUrl(pathOrUrl: string, query?: QueryParams): string {
    const url = resolve(pathOrUrl);
    if (query && Object.values(query).some((value) => value !== undefined && value !== null)) {
      url.search = encodeQuery(query, url.search);
    }
    return url.href;
  }

  async function authorization(): Promise<{ header: string; token: string | null }> {
    if (credential.kind === "oauth") {
      const token = await credential.getAccessToken();
      return { header: `Bearer ${token}`, token };
    }
    return { header: basicAuthorization(credential.email, credential.token), token: null };
  }

  async function getJson<S extends z.ZodType>(pathOrUrl: string, schema: S, call: GetOptions = {}): Promise<z.output<S>> {
    const url = buildUrl(pathOrUrl, call.query);
    const method = "GET";
    const retry: RetryOptions = mergeRetry(clientRetry, call.retry);
    let refreshed = false;

    const exchange = (header: string): Promise<RawResponse> =>
      send(fetchImpl, { method, url, headers: { ...staticHeaders, Authorization: header }, timeoutMs, signal: call.signal });

    const attempt = async (): Promise<z.output<S>> => {
      const auth = await authorization();
      let response = await exchange(auth.header);
      if (response.status === 401 && credential.kind === "oauth" && !refreshed && auth.token !== null) {
        const error = errorFromResponse({ ...response, method, url });
        if (!(error instanceof BitbucketAuthError) || error.reason !== "expired") throw error;
        refreshed = true;
        const token = await credential.refreshAccessToken(auth.token);
        emit({ type: "token-refreshed", method, url: error.url ?? url });
        response = await exchange(`Bearer ${token}`);
      }
      if (/^true$/i.test(response.headers.get("x-ratelimit-nearlimit") ?? "")) {
        const limit = Number(response.headers.get("x-ratelimit-limit"));
        emit({ type: "near-rate-limit", method, url, limit: Number.isFinite(limit) && limit > 0 ? limit : null });
      }
      if (response.status < 200 || response.status >= 300) throw errorFromResponse({ ...response, method, url });
      return parseJson(response, schema, method, url);
    };

    return withRetry(attempt, retry, { idempotent: true, method, url, signal: call.signal, onRetry: emit });
  }

  async function getPage<S extends z.ZodType>(
    pathOrUrl: string,
    itemSchema: S,
    call: PaginateOptions = {},
  ): Promise<Page<z.output<S>>> {
    if (call.pagelen !== undefined) checkPagelen(call.pagelen);
    const query: QueryParams = { ...call.query };
    if (call.pagelen !== undefined) query.pagelen = call.pagelen;
    if (call.fields !== undefined) query.fields = call.fields;
    const raw = await getJson(pathOrUrl, pageSchema(itemSchema), { ...call, query });
    const page: Page<z.output<S>> = { values: raw.values as z.output<S>[], next: raw.next ?? null };
    if (raw.page !== undefined) page.page = raw.page;
    if (raw.pagelen !== undefined) page.pagelen = raw.pagelen;
    if (raw.size !== undefined) page.size = raw.size;
    return page;
  }

  /** Pages one listing may have: with 100 items a page, far more than any repository holds. */
  const MAX_PAGES = options.maxPages ?? 20_000;

  async function* paginatePages<S extends z.ZodType>(
    pathOrUrl: string,
    itemSchema: S,
    call: PaginateOptions = {},
  ): AsyncGenerator<Page<z.output<S>>, void, undefined> {
    const seen = new Set<string>();
    let page = await getPage(pathOrUrl, itemSchema, call);
    // Later pages: the absolute `next` link carries the query already.
    const followOptions: CallOptions = { signal: call.signal, retry: call.retry };
    for (let count = 1; ; count++) {
      yield page;
      if (page.next === null || (call.maxPages !== undefined && count >= call.maxPages)) return;
      const next = resolve(page.next).href;
      if (count >= MAX_PAGES) {
        throw new BitbucketResponseError({
          message: `Bitbucket's listing goes on past ${MAX_PAGES} pages, the most Ferry follows`,
          method: "GET",
          url: next,
          issues: [{ field: "next", message: "too many pages" }],
        });
      }
      if (seen.has(next)) {
        throw new BitbucketResponseError({
          message: "Bitbucket returned a pagination loop (a `next` link that was already visited)",
          method: "GET",
          url: next,
          issues: [{ field: "next", message: "already visited" }],
        });
      }
      seen.add(next);
      page = await getPage(next, itemSchema, followOptions);
    }
  }

  async function* paginate<S extends z.ZodType>(
    pathOrUrl: string,
    itemSchema: S,
    call: PaginateOptions = {},
  ): AsyncGenerator<z.output<S>, void, undefined> {
    for await (const page of paginatePages(pathOrUrl, itemSchema, call)) yield* page.values;
  }

  async function listUserEmails(call: CallOptions = {}): Promise<UserEmail[]> {
    return collect("/2.0/user/emails", userEmailSchema, call);
  }

  /**
   * A cursor (a `next` link) checked against the listing it must continue: same API, same
   * path; the listing's parameters are put back only where the link lost or changed them, so
   * an intact link is requested exactly as Bitbucket sent it.
   */
  function continuation(cursor: string, path: string, query: QueryParams): string {
    const url = resolve(cursor);
    url.hash = "";
    const expected = resolve(path);
    if (normalisedPath(url.pathname) !== normalisedPath(expected.pathname)) {
      throw unsafeUrl(cursor, `does not continue ${expected.pathname}`);
    }
    const patch: QueryParams = {};
    let patched = false;
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      const wanted = (Array.isArray(value) ? value : [value]).map(String).sort();
      const actual = url.searchParams.getAll(key).sort();
      if (wanted.length !== actual.length || wanted.some((item, index) => item !== actual[index])) {
        patch[key] = value;
        patched = true;
      }
    }
    if (patched) url.search = encodeQuery(patch, url.search);
    return url.href;
  }

  /** One page of a listing: the first (path + query) or the one a cursor points at. */
  async function listingPage<S extends z.ZodType>(
    path: string,
    itemSchema: S,
    query: QueryParams,
    call: CursorOptions,
  ): Promise<Page<z.output<S>>> {
    const target = call.cursor ? continuation(call.cursor, path, query) : buildUrl(path, query);
    const page = await getPage(target, itemSchema, { signal: call.signal, retry: call.retry });
    if (page.next !== null) {
      try {
        continuation(page.next, path, {});
      } catch (error) {
        throw new BitbucketResponseError({
          message: `Bitbucket returned a \`next\` link that does not continue ${pathOf(target)}`,
          method: "GET",
          url: target,
          issues: [{ field: "next", message: error instanceof Error ? error.message : "invalid" }],
        });
      }
    }
    return page;
  }

  function repositoryPath(workspace: string, slug: string): string {
    return `/2.0/repositories/${segment(workspace, "workspace")}/${segment(slug, "repository slug")}`;
  }

  async function collect<S extends z.ZodType>(pathOrUrl: string, itemSchema: S, call: PaginateOptions): Promise<z.output<S>[]> {
    const items: z.output<S>[] = [];
    for await (const item of paginate(pathOrUrl, itemSchema, call)) items.push(item);
    return items;
  }

  return {
    apiUrl: `${base.origin}${base.pathname}`,
    getJson,
    getPage,
    paginatePages,
    paginate,

    getCurrentUser: (call) => getJson("/2.0/user", currentUserSchema, call),

    listUserEmails,

    async primaryEmail(call) {
      const emails = await listUserEmails(call);
      return emails.find((email) => email.isPrimary && email.isConfirmed)?.email ?? null;
    },

    async listWorkspaces(call = {}) {
      const workspaces = await collect("/2.0/user/workspaces", workspaceAccessSchema, { ...call, pagelen: MAX_PAGELEN });
      return workspaces.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    },

    async listRepositoriesPage(workspace, call = {}) {
      const nameFilter = call.nameFilter?.trim();
      const query: QueryParams = {
        role: call.role === undefined ? "member" : call.role,
        q: nameFilter ? nameFilterQuery(nameFilter) : undefined,
        sort: call.sort,
        page: call.page,
      };
      return getPage(`/2.0/repositories/${segment(workspace, "workspace")}`, repositorySchema, {
        signal: call.signal,
        retry: call.retry,
        query,
        pagelen: call.pagelen ?? MAX_PAGELEN,
      });
    },

    fetchNextPage: async (nextUrl, call = {}) => getPage(nextUrl, repositorySchema, call),

    getRepository: async (workspace, slug, call) =>
      getJson(`/2.0/repositories/${segment(workspace, "workspace")}/${segment(slug, "repository slug")}`, repositorySchema, call),

    listWorkspaceMembers: async (workspace, call = {}) =>
      collect(`/2.0/workspaces/${segment(workspace, "workspace")}/members`, workspaceMembershipSchema, {
        ...call,
        pagelen: MAX_PAGELEN,
      }),

    listWorkspaceMembersPage: async (workspace, call = {}) =>
      listingPage(
        `/2.0/workspaces/${segment(workspace, "workspace")}/members`,
        workspaceMembershipSchema,
        { ...LISTING_QUERIES.members },
        call,
      ),

    async listPullRequestsPage(workspace, slug, call = {}) {
      const pagelen = call.pagelen ?? PULL_REQUEST_MAX_PAGELEN;
      if (!Number.isInteger(pagelen) || pagelen < 1 || pagelen > PULL_REQUEST_MAX_PAGELEN) {
        throw new RangeError(`pagelen must be an integer between 1 and ${PULL_REQUEST_MAX_PAGELEN}, got ${pagelen}`);
      }
      const states = call.states ?? PULL_REQUEST_STATES;
      if (states.length === 0) throw new RangeError("At least one pull request state is needed");
      const query: QueryParams = {
        state: [...states],
        sort: LISTING_QUERIES.pullRequests.sort,
        pagelen,
        fields: LISTING_QUERIES.pullRequests.fields,
      };
      return listingPage(`${repositoryPath(workspace, slug)}/pullrequests`, pullRequestSchema, query, call);
    },

    getPullRequest: async (workspace, slug, id, call) =>
      getJson(`${repositoryPath(workspace, slug)}/pullrequests/${positiveId(id, "pull request id")}`, pullRequestSchema, call),

    listPullRequestCommentsPage: async (workspace, slug, id, call = {}) =>
      listingPage(
        `${repositoryPath(workspace, slug)}/pullrequests/${positiveId(id, "pull request id")}/comments`,
        commentSchema,
        { ...LISTING_QUERIES.comments },
        call,
      ),

    listIssuesPage: async (workspace, slug, call = {}) =>
      listingPage(`${repositoryPath(workspace, slug)}/issues`, issueSchema, { ...LISTING_QUERIES.issues }, call),

    listIssueCommentsPage: async (workspace, slug, issueId, call = {}) =>
      listingPage(
        `${repositoryPath(workspace, slug)}/issues/${positiveId(issueId, "issue id")}/comments`,
        commentSchema,
        { ...LISTING_QUERIES.comments },
        call,
      ),

    listMilestones: async (workspace, slug, call = {}) =>
      collect(`${repositoryPath(workspace, slug)}/milestones`, milestoneSchema, { ...call, ...LISTING_QUERIES.milestones }),

    gitCredentials: () => gitCredentialsFor(credential),
  };
}

function mergeRetry(base: RetryOptions, override: Partial<RetryOptions> | undefined): RetryOptions {
  const merged: RetryOptions = { ...base };
  if (override) {
    for (const [key, value] of Object.entries(override)) {
      if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

function parseApiUrl(apiUrl: string): { origin: string; pathname: string } {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new TypeError(`Bitbucket apiUrl is not a valid URL: ${apiUrl}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`Bitbucket apiUrl must be http(s): ${apiUrl}`);
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError("Bitbucket apiUrl must not contain credentials, a query or a fragment");
  }
  // "https://api.bitbucket.org/" and ".../2.0" both mean the API root.
  const pathname = url.pathname.replace(/\/+$/, "").replace(/\/2\.0$/, "");
  return { origin: url.origin, pathname };
}

function unsafeUrl(url: string, why: string): BitbucketError {
  return new BitbucketError({ code: "unsafe_url", message: `Refusing to request ${redactForMessage(url)}: it ${why}`, url });
}

function redactForMessage(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "an invalid URL";
  }
}

/** Encodes one path segment; refuses empty and dot segments so callers cannot escape the intended path. */
function segment(value: string, what: string): string {
  if (value === "" || value === "." || value === "..") throw new TypeError(`Invalid Bitbucket ${what}: "${value}"`);
  return encodeURIComponent(value);
}

function positiveId(id: number, what: string): string {
  if (!Number.isSafeInteger(id) || id < 1) throw new TypeError(`Invalid Bitbucket ${what}: ${id}`);
  return String(id);
}

/** Decoded, lower-cased (Bitbucket slugs are case-insensitive), without a trailing slash. */
function normalisedPath(pathname: string): string {
  let decoded: string;
  try {
    // An encoded "/" stays encoded: it is not a path separator for the server.
    decoded = decodeURIComponent(pathname.replace(/%2f/gi, "%252F"));
  } catch {
    decoded = pathname;
  }
  return decoded.replace(/\/+$/, "").toLowerCase();
}

function checkPagelen(pagelen: number): void {
  if (!Number.isInteger(pagelen) || pagelen < 1 || pagelen > MAX_PAGELEN) {
    throw new RangeError(`pagelen must be an integer between 1 and ${MAX_PAGELEN}, got ${pagelen}`);
  }
}

function parseJson<S extends z.ZodType>(response: RawResponse, schema: S, method: string, url: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(response.bodyText);
  } catch {
    const contentType = response.headers.get("content-type") ?? "no content type";
    throw new BitbucketResponseError({
      message: `Bitbucket returned a body that is not JSON (${contentType}) for ${method} ${pathOf(url)}`,
      status: response.status,
      method,
      url,
      issues: [{ field: "", message: "not JSON" }],
    });
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issues: ResponseIssue[] = result.error.issues.map((issue) => ({
    field: formatPath(issue.path),
    message: issue.message,
  }));
  const first = issues[0];
  throw new BitbucketResponseError({
    message: `Bitbucket returned an unexpected response for ${method} ${pathOf(url)}: ${
      first ? `${first.field || "(body)"}: ${first.message}` : "invalid"
    }${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`,
    status: response.status,
    method,
    url,
    issues,
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
