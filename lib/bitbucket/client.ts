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
  currentUserSchema,
  pageSchema,
  repositorySchema,
  userEmailSchema,
  workspaceAccessSchema,
  workspaceMembershipSchema,
  type BitbucketUser,
  type CurrentUser,
  type Page,
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
  /** Case-insensitive "name contains" filter; sent as `q=name ~ "..."`. */
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
