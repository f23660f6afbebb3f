/**
 * What can go wrong talking to GitHub, as AppErrors with a code the pages and the API act on.
 * `retryAt` says when GitHub asked to come back (rate limits); `upstreamStatus` is GitHub's answer.
 */
import { AppError, type ErrorCode } from "@/lib/errors";

export type GitHubErrorCode = Extract<ErrorCode, "github_unauthorized" | "github_forbidden" | "not_found" | "github_rate_limited" | "github_invalid_request" | "github_error" | "github_unreachable">;

export class GitHubError extends AppError {
  override readonly code: GitHubErrorCode;
  readonly upstreamStatus: number | null;
  /** When GitHub's limit resets (primary) or `retry-after` ends (secondary); null when it did not say. */
  readonly retryAt: Date | null;

  constructor(code: GitHubErrorCode, message: string, options: { upstreamStatus?: number | null; retryAt?: Date | null; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.name = "GitHubError";
    this.code = code;
    this.upstreamStatus = options.upstreamStatus ?? null;
    this.retryAt = options.retryAt ?? null;
  }
}

export const ACCESS_DENIED_MESSAGE = "Access denied to your GitHub account.";

type ResponseLike = { status: number; headers: Record<string, string | number | undefined>; data?: unknown };

function header(response: ResponseLike | undefined, name: string): string | undefined {
  const value = response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

function githubMessage(response: ResponseLike | undefined): string | null {
  const data = response?.data;
  if (typeof data === "object" && data !== null && typeof (data as { message?: unknown }).message === "string") return (data as { message: string }).message;
  return null;
}

/** The primary limit's reset (`x-ratelimit-reset`, epoch seconds) or the secondary limit's `retry-after`. */
export function retryAtOf(response: ResponseLike | undefined, now = Date.now()): Date | null {
  const retryAfter = Number(header(response, "retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(now + retryAfter * 1000);
  const reset = Number(header(response, "x-ratelimit-reset"));
  if (header(response, "x-ratelimit-remaining") === "0" && Number.isFinite(reset) && reset > 0) return new Date(reset * 1000 + 1000);
  return null;
}

export function isRateLimitResponse(status: number, response: ResponseLike | undefined, message: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return header(response, "x-ratelimit-remaining") === "0" || /rate limit/i.test(message);
}

/** Maps anything octokit throws (RequestError with a status, or a transport failure) to a GitHubError. */
export function toGitHubError(error: unknown): Error {
  if (error instanceof AppError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof AppError) return cause;
  const status = (error as { status?: unknown } | null)?.status;
  const response = (error as { response?: ResponseLike } | null)?.response;
  if (typeof status !== "number" || (status === 500 && !response)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new GitHubError("github_unreachable", `GitHub could not be reached: ${reason}`, { cause: error });
  }
  const message = githubMessage(response) ?? (error instanceof Error ? error.message : `HTTP ${status}`);
  const common = { upstreamStatus: status, cause: error };
  if (status === 401) return new GitHubError("github_unauthorized", ACCESS_DENIED_MESSAGE, common);
  if (isRateLimitResponse(status, response, message)) {
    const retryAt = retryAtOf(response);
    return new GitHubError("github_rate_limited", `GitHub's rate limit is exhausted${retryAt ? `; it resets at ${retryAt.toISOString()}` : ""}.`, { ...common, retryAt });
  }
  if (status === 403) return new GitHubError("github_forbidden", `GitHub refused the request: ${message}`, common);
  if (status === 404 || status === 410) return new GitHubError("not_found", `GitHub has no such resource (or the token cannot see it): ${message}`, common);
  if (status === 400 || status === 422) return new GitHubError("github_invalid_request", `GitHub rejected the request: ${message}`, common);
  return new GitHubError("github_error", `GitHub answered HTTP ${status}: ${message}`, common);
}
