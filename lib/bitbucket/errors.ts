/**
 * Typed errors for everything that can go wrong talking to Bitbucket Cloud.
 *
 * Every error carries a stable `code` (the UI maps codes to messages), the HTTP
 * `status` when there was a response, and the request `url` with credentials
 * removed. `message` is Bitbucket's own message when it sent one.
 */

export type BitbucketErrorCode =
  | "bad_request"
  | "auth_expired"
  | "auth_invalid"
  | "forbidden"
  | "not_found"
  | "gone"
  | "rate_limited"
  | "server_error"
  | "network_error"
  | "timeout"
  | "invalid_response"
  | "unsafe_url"
  | "http_error"
  | "oauth_error";

export interface BitbucketErrorInit {
  message: string;
  code: BitbucketErrorCode;
  status?: number | null;
  method?: string | null;
  url?: string | null;
  /** `error.detail` of Bitbucket's envelope, as sent (string or object). */
  detail?: unknown;
  /** When the server said to try again (Retry-After / X-RateLimit-Reset). */
  retryAt?: Date | null;
  cause?: unknown;
}

export class BitbucketError extends Error {
  override name = "BitbucketError";
  readonly code: BitbucketErrorCode;
  readonly status: number | null;
  readonly method: string | null;
  /** Request URL without user info or token query parameters. */
  readonly url: string | null;
  readonly detail: unknown;
  /** Earliest time the server asked us to retry at, from response headers; null when it did not say. */
  readonly retryAt: Date | null;

  constructor(init: BitbucketErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status ?? null;
    this.method = init.method ?? null;
    this.url = init.url == null ? null : redactUrl(init.url);
    this.detail = init.detail;
    this.retryAt = init.retryAt ?? null;
  }
}

type SubclassInit = Omit<BitbucketErrorInit, "code">;

/** 401. `reason: "expired"` is an expired OAuth access token; anything else is "invalid". */
export class BitbucketAuthError extends BitbucketError {
  override name = "BitbucketAuthError";
  readonly reason: "expired" | "invalid";
  constructor(init: SubclassInit & { reason: "expired" | "invalid" }) {
    super({ ...init, status: init.status ?? 401, code: init.reason === "expired" ? "auth_expired" : "auth_invalid" });
    this.reason = init.reason;
  }
}

/** 403, usually missing OAuth scopes; `requiredScopes`/`grantedScopes` come from `error.detail`. */
export class BitbucketForbiddenError extends BitbucketError {
  override name = "BitbucketForbiddenError";
  readonly requiredScopes: string[] | null;
  readonly grantedScopes: string[] | null;
  constructor(init: SubclassInit) {
    super({ ...init, status: init.status ?? 403, code: "forbidden" });
    const detail = isRecord(init.detail) ? init.detail : {};
    this.requiredScopes = stringArray(detail.required);
    this.grantedScopes = stringArray(detail.granted);
  }
}

export class BitbucketNotFoundError extends BitbucketError {
  override name = "BitbucketNotFoundError";
  constructor(init: SubclassInit) {
    super({ ...init, status: init.status ?? 404, code: "not_found" });
  }
}

/**
 * True for the 404 Bitbucket answers on `/issues`, `/milestones`, ... of a repository whose issue
 * tracker is disabled ("Repository has no issue tracker."), as opposed to a repository that is
 * missing or not visible (also a 404, with another message).
 */
export function isNoIssueTrackerError(error: unknown): error is BitbucketNotFoundError {
  return error instanceof BitbucketNotFoundError && /\bno issue tracker\b/i.test(error.message);
}

/** 410: functionality Atlassian removed (e.g. cross-workspace /2.0/repositories, issues, wikis). */
export class BitbucketGoneError extends BitbucketError {
  override name = "BitbucketGoneError";
  constructor(init: SubclassInit) {
    super({ ...init, status: init.status ?? 410, code: "gone" });
  }
}

/**
 * 429. `resetAt` is when Bitbucket said the limit resets (X-RateLimit-Reset or
 * Retry-After); null when the response carried neither header.
 */
export class BitbucketRateLimitError extends BitbucketError {
  override name = "BitbucketRateLimitError";
  constructor(init: SubclassInit) {
    super({ ...init, status: init.status ?? 429, code: "rate_limited" });
  }
  get resetAt(): Date | null {
    return this.retryAt;
  }
}

export class BitbucketServerError extends BitbucketError {
  override name = "BitbucketServerError";
  constructor(init: SubclassInit & { status: number }) {
    super({ ...init, code: "server_error" });
  }
}

/** No usable response: connection refused/reset, DNS failure, TLS failure or timeout (`code: "timeout"`). */
export class BitbucketNetworkError extends BitbucketError {
  override name = "BitbucketNetworkError";
  readonly timedOut: boolean;
  constructor(init: Omit<SubclassInit, "status"> & { timedOut?: boolean }) {
    super({ ...init, status: null, code: init.timedOut ? "timeout" : "network_error" });
    this.timedOut = init.timedOut ?? false;
  }
}

export interface ResponseIssue {
  /** Dotted path of the offending field, e.g. `values[3].full_name`; "" for the whole body. */
  field: string;
  message: string;
}

/** A 2xx response whose body is not JSON or does not have the fields we rely on. */
export class BitbucketResponseError extends BitbucketError {
  override name = "BitbucketResponseError";
  /** First offending field ("" when the body as a whole is unusable). */
  readonly field: string;
  readonly issues: ResponseIssue[];
  constructor(init: SubclassInit & { issues: ResponseIssue[] }) {
    super({ ...init, code: "invalid_response" });
    this.issues = init.issues;
    this.field = init.issues[0]?.field ?? "";
  }
}

/**
 * An OAuth token endpoint error (`{"error":"invalid_grant","error_description":"..."}`).
 * `reconnectRequired` is true when the stored grant is dead and the user must
 * connect Bitbucket again.
 */
export class BitbucketOAuthError extends BitbucketError {
  override name = "BitbucketOAuthError";
  /** OAuth error code: invalid_grant, invalid_client, unauthorized_client, invalid_request, ... */
  readonly error: string;
  readonly description: string | null;
  readonly reconnectRequired: boolean;
  constructor(init: Omit<SubclassInit, "message"> & { error: string; description?: string | null; message?: string }) {
    const description = init.description ?? null;
    super({ ...init, message: init.message ?? (description ? `${init.error}: ${description}` : init.error), code: "oauth_error" });
    this.error = init.error;
    this.description = description;
    this.reconnectRequired = init.error === "invalid_grant";
  }
}

/**
 * True when the stored Bitbucket credential can no longer be used and the user
 * has to connect their account again: a refresh/code exchange rejected with
 * `invalid_grant`, or API calls rejected with 401 even after a refresh.
 */
export function isReconnectRequired(error: unknown): boolean {
  if (error instanceof BitbucketOAuthError) return error.reconnectRequired;
  return error instanceof BitbucketAuthError;
}

/** Errors worth retrying for an idempotent request. */
export function isRetryableError(error: unknown): error is BitbucketError {
  return (
    error instanceof BitbucketRateLimitError ||
    error instanceof BitbucketServerError ||
    error instanceof BitbucketNetworkError ||
    (error instanceof BitbucketError && error.status === 408)
  );
}

// ---------------------------------------------------------------------------
// Mapping HTTP responses to errors (internal, but exported for the OAuth module
// and tests).

const SENSITIVE_QUERY_PARAMS = new Set(["access_token", "token", "client_secret", "refresh_token", "code"]);

/** Removes user info and token-like query parameters from a URL. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/\/[^/@]*@/, "//");
  }
  url.username = "";
  url.password = "";
  for (const key of [...url.searchParams.keys()]) {
    if (SENSITIVE_QUERY_PARAMS.has(key.toLowerCase())) url.searchParams.set(key, "REDACTED");
  }
  return url.href;
}

export interface ParsedErrorBody {
  /** Bitbucket's message (envelope `error.message`, OAuth `error_description`, or the plain-text body). */
  message: string | null;
  detail: unknown;
  /** OAuth error code when the body is an OAuth error (`{"error":"invalid_grant"}`). */
  oauthError: string | null;
  oauthDescription: string | null;
}

export function parseErrorBody(text: string): ParsedErrorBody {
  const result: ParsedErrorBody = { message: null, detail: undefined, oauthError: null, oauthDescription: null };
  const trimmed = text.trim();
  if (trimmed === "") return result;
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      json = undefined;
    }
    if (isRecord(json)) {
      const error = json.error;
      if (isRecord(error)) {
        if (typeof error.message === "string" && error.message.trim()) result.message = error.message.trim();
        result.detail = error.detail;
        if (result.message === null && typeof error.detail === "string") result.message = error.detail;
        return result;
      }
      if (typeof error === "string") {
        result.oauthError = error;
        result.oauthDescription = typeof json.error_description === "string" ? json.error_description : null;
        result.message = result.oauthDescription ?? error;
        return result;
      }
      if (typeof json.message === "string") result.message = json.message;
      // Bitbucket Server: {"errors":[{"context","message","exceptionName"}]}
      const first = Array.isArray(json.errors) ? json.errors[0] : undefined;
      if (result.message === null && isRecord(first) && typeof first.message === "string") result.message = first.message;
      return result;
    }
  }
  // text/plain bodies ("Not Found", "Rate limit for this resource has been exceeded"); never echo HTML pages.
  if (/^<(!doctype|html|\?xml)/i.test(trimmed)) return result;
  result.message = trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
  return result;
}

/**
 * When the server wants us back: the later of `Retry-After` (seconds or HTTP
 * date) and `X-RateLimit-Reset`. Bitbucket sends the latter as SECONDS
 * REMAINING; values ≥ 1e9 are taken as epoch seconds (≥ 1e12 as epoch ms).
 */
export function parseRetryAt(headers: Headers, nowMs: number = Date.now()): Date | null {
  const candidates: number[] = [];
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) candidates.push(nowMs + Number(retryAfter) * 1000);
    else {
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) candidates.push(date);
    }
  }
  const reset = headers.get("x-ratelimit-reset")?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const value = Number(reset);
    if (value >= 1e12) candidates.push(value);
    else if (value >= 1e9) candidates.push(value * 1000);
    else candidates.push(nowMs + value * 1000);
  }
  if (candidates.length === 0) return null;
  return new Date(Math.max(...candidates));
}

export interface HttpFailure {
  status: number;
  statusText: string;
  headers: Headers;
  bodyText: string;
  method: string;
  url: string;
}

/** Maps a non-2xx response to the matching typed error. */
export function errorFromResponse(response: HttpFailure, nowMs: number = Date.now()): BitbucketError {
  const { status, method, url } = response;
  const body = parseErrorBody(response.bodyText);
  const retryAt = parseRetryAt(response.headers, nowMs);
  const fallback = `Bitbucket responded with HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const init = { message: body.message ?? fallback, status, method, url, detail: body.detail, retryAt };
  if (status === 401) {
    const expired = /access token expired/i.test(body.message ?? "");
    return new BitbucketAuthError({ ...init, reason: expired ? "expired" : "invalid" });
  }
  if (status === 403) return new BitbucketForbiddenError(init);
  if (status === 404) return new BitbucketNotFoundError(init);
  if (status === 410) return new BitbucketGoneError(init);
  if (status === 429) return new BitbucketRateLimitError(init);
  if (status >= 500) return new BitbucketServerError(init);
  return new BitbucketError({ ...init, code: status === 400 ? "bad_request" : "http_error" });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? [...value] : null;
}
