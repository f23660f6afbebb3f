/**
 * Ferry's one GitHub client: octokit with the throttling and retry plugins, pointed at github.com
 * (GITHUB_API_URL) or at a GitHub Enterprise Server a user named (`github_hostname`, reached only
 * through the SSRF-checked fetch). Errors leave as GitHubError; rate-limit waits are reported
 * through `onEvent` so the pipeline can show when work resumes.
 */
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { toGitHubError } from "./errors";
import { checkedFetch } from "./transport";

const FerryOctokit = Octokit.plugin(throttling, retry);
export type GitHubOctokit = InstanceType<typeof FerryOctokit>;

export type GitHubEvent = { type: "rate-limited"; resumeAt: Date; limit: "primary" | "secondary" };

export type GitHubClientOptions = {
  /** A token, or a function returning the current one (read before every request). */
  token: string | (() => Promise<string>);
  /** A GitHub Enterprise Server (or other GitHub) host a user named; absent: GITHUB_API_URL. */
  hostname?: string | null;
  onEvent?: (event: GitHubEvent) => void;
  /**
   * Longest wait for a rate limit inside one request. A longer wait ends the request with
   * `github_rate_limited` and its `retryAt`, for the caller to come back then. Default 0.
   */
  maxRateLimitWaitMs?: number;
  /** Secondary-limit retries per request before it fails (default 5). */
  secondaryRetries?: number;
  /** Requests in flight per process across all clients with the same id (default 10). */
  fetch?: typeof fetch;
};

/** Scales every wait the client makes (retry-after, backoff); only tests shrink it. */
const timing = { secondMs: 1000 };
export function scaleGitHubWaitsForTests(secondMs: number): () => void {
  const previous = timing.secondMs;
  timing.secondMs = secondMs;
  return () => (timing.secondMs = previous);
}

/** GitHub's API base for a host: `/api/v3` is appended unless the path already holds `/api/`. */
export function githubApiUrl(hostname?: string | null): string {
  if (!hostname) return config().GITHUB_API_URL;
  const url = parseHost(hostname);
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.origin}${/\/api(\/|$)/.test(path) ? path : `${path}/api/v3`}`;
}

/** GitHub's web origin (git, attachments, links) for a host; absent: GITHUB_URL. */
export function githubWebUrl(hostname?: string | null): string {
  if (!hostname) return config().GITHUB_URL;
  return parseHost(hostname).origin;
}

function parseHost(hostname: string): URL {
  const trimmed = hostname.trim();
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("not http");
    if (url.username || url.password || url.search || url.hash) throw new Error("extra parts");
    return url;
  } catch {
    throw new AppError("invalid_request", "github_hostname must be a host name or an http(s) URL without credentials, query or fragment.", { details: { fields: ["github_hostname"] } });
  }
}

export type GitHubPage<T> = {
  items: T[];
  /** The next page's URL (a cursor to persist), null at the end. */
  next: string | null;
  /** The URLs of every later page when GitHub told the last page number (first page only). */
  following: string[];
};

export type GitHubClient = {
  readonly apiUrl: string;
  readonly webUrl: string;
  readonly octokit: GitHubOctokit;
  /** GET of a path below the API base (or an absolute URL on it). */
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  /** One page of a listing: `pathOrUrl` is a path with `query` (first page) or a `next` cursor. */
  page<T>(pathOrUrl: string, query?: Record<string, string | number | undefined>): Promise<GitHubPage<T>>;
  /** A GET answered from the client's cache when GitHub says 304 (conditional requests do not use quota). */
  cachedGet<T>(path: string): Promise<T>;
};

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const apiUrl = githubApiUrl(options.hostname);
  const webUrl = githubWebUrl(options.hostname);
  const maxWaitMs = options.maxRateLimitWaitMs ?? 0;
  const secondaryRetries = options.secondaryRetries ?? 5;
  const emit = (limit: GitHubEvent["limit"], seconds: number) => options.onEvent?.({ type: "rate-limited", resumeAt: new Date(Date.now() + seconds * 1000), limit });
  const octokit = new FerryOctokit({
    baseUrl: apiUrl,
    userAgent: "Ferry importer",
    request: { fetch: keepingBodiesAlive(options.fetch ?? (options.hostname ? checkedFetch : undefined)) },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error },
    throttle: {
      id: "ferry",
      get retryAfterBaseValue() {
        return timing.secondMs;
      },
      onRateLimit: (retryAfter: number) => {
        emit("primary", retryAfter);
        return retryAfter * 1000 <= maxWaitMs;
      },
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
        emit("secondary", retryAfter);
        return retryCount < secondaryRetries && retryAfter * 1000 <= Math.max(maxWaitMs, 60_000);
      },
    },
    retry: {
      // Only server errors and lost connections are retried here: 403 and 429 are the throttling plugin's, other client errors are final.
      doNotRetry: Array.from({ length: 100 }, (_, index) => 400 + index),
      retries: 4,
      get retryAfterBaseValue() {
        return timing.secondMs;
      },
    },
  });
  octokit.hook.before("request", async (request) => {
    const token = typeof options.token === "string" ? options.token : await options.token();
    request.headers.authorization = `token ${token}`;
  });

  const cache = new Map<string, { etag: string; data: unknown }>();
  const absolute = (pathOrUrl: string, query?: Record<string, string | number | undefined>) => {
    const url = new URL(/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${apiUrl}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`);
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    if (!url.href.startsWith(`${apiUrl}/`)) throw new AppError("remote_not_allowed", `${url.origin} is not the GitHub API this import uses.`);
    return url.href;
  };
  const call = async (url: string, headers: Record<string, string> = {}) => {
    try {
      // The body is read here, after the request has left octokit's concurrency slot, and parsed
      // with JSON.parse: octokit's own parser (big-integer aware) costs several times as much CPU.
      const response = await octokit.request({ method: "GET", url, headers, request: { parseSuccessResponseBody: false } });
      return { ...response, data: await successBody(response.data as ReadableStream<Uint8Array> | null, response.headers["content-type"]) };
    } catch (error) {
      if ((error as { status?: number }).status === 304) throw error;
      throw toGitHubError(error);
    }
  };

  return {
    apiUrl,
    webUrl,
    octokit,
    async get<T>(path: string, query?: Record<string, string | number | undefined>) {
      return (await call(absolute(path, query))).data as T;
    },
    async page<T>(pathOrUrl: string, query?: Record<string, string | number | undefined>) {
      const response = await call(absolute(pathOrUrl, query));
      const links = parseLinks(response.headers.link);
      const isFirst = !new URL(response.url).searchParams.has("page") || new URL(response.url).searchParams.get("page") === "1";
      return { items: response.data as T[], next: links.next ?? null, following: isFirst && links.last ? pagesUpTo(links.last) : [] };
    },
    async cachedGet<T>(path: string) {
      const url = absolute(path);
      const cached = cache.get(url);
      try {
        const response = await call(url, cached ? { "if-none-match": cached.etag } : {});
        if (response.headers.etag) cache.set(url, { etag: response.headers.etag, data: response.data });
        return response.data as T;
      } catch (error) {
        if ((error as { status?: number }).status === 304 && cached) return cached.data as T;
        throw toGitHubError(error);
      }
    },
  };
}

/**
 * octokit hands back a successful answer's body stream without its Response, and fetch cancels
 * the body of a Response that is garbage collected unread: each Response stays alive as long as
 * its body stream does.
 */
const responsesOfBodies = new WeakMap<ReadableStream<Uint8Array>, Response>();

function keepingBodiesAlive(base: typeof fetch | undefined): typeof fetch {
  return async (input, init) => {
    const response = await (base ?? globalThis.fetch)(input, init);
    if (response.body) responsesOfBodies.set(response.body, response);
    return response;
  };
}

/** A successful answer's body: JSON parsed, any other type as text. */
async function successBody(body: ReadableStream<Uint8Array> | null, contentType: string | undefined): Promise<unknown> {
  if (!body) return "";
  const text = await new Response(body).text();
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? "") ? JSON.parse(text) : text;
}

/** `Link: <url>; rel="next", <url>; rel="last"` → { next, last }. */
export function parseLinks(header: string | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? "").split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="([^"]+)"/.exec(part);
    if (match) links[match[2]!] = match[1]!;
  }
  return links;
}

/** The URLs of pages 2..N, given the URL of page N. */
export function pagesUpTo(lastUrl: string): string[] {
  const url = new URL(lastUrl);
  const last = Number(url.searchParams.get("page"));
  if (!Number.isInteger(last) || last < 2) return [];
  return Array.from({ length: last - 1 }, (_, index) => {
    url.searchParams.set("page", String(index + 2));
    return url.href;
  });
}
