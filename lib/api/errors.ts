import { isAppError } from "@/lib/errors";

/**
 * Errors in GitLab's v4 shapes. GitLab answers with one of two bodies, and clients read both:
 * `{"message": …}` (authorization, lookups: "401 Unauthorized", "404 Project Not Found") and
 * `{"error": …}` (parameter validation: "repo_path is missing"; the import endpoints).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(typeof body.message === "string" ? body.message : typeof body.error === "string" ? body.error : `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** 400 `{"error": "repo_path is missing"}`, GitLab's answer to invalid parameters. */
export function badRequest(error: string): ApiError {
  return new ApiError(400, { error });
}

export function unauthorized(): ApiError {
  return new ApiError(401, { message: "401 Unauthorized" });
}

export function forbidden(message = "403 Forbidden"): ApiError {
  return new ApiError(403, { message });
}

/** 404 `{"message": "404 Project Not Found"}`; `what` is the resource ("Project", "Issue"…). */
export function notFound(what?: string): ApiError {
  return new ApiError(404, { message: what ? `404 ${what} Not Found` : "404 Not Found" });
}

export function payloadTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, { error: `413 Request Entity Too Large: the body must be at most ${formatBytes(limitBytes)}` });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/**
 * Any thrown value as an API error: ApiErrors as they are, Ferry's AppErrors (expected domain
 * errors) as `{"message": …}` with their status; null for unexpected errors (the caller logs
 * them and answers a generic 500).
 */
export function toApiError(error: unknown): ApiError | null {
  if (isApiError(error)) return error;
  if (isAppError(error)) return new ApiError(error.status, { message: error.message });
  return null;
}
