import { randomUUID } from "node:crypto";
import type { z } from "zod";

/**
 * The HTTP status of every expected error, by code. A code means one thing, so it has one status;
 * a failure that needs another status gets its own code.
 */
export const ERROR_STATUS = {
  // 400: the request itself is malformed.
  invalid_request: 400,
  invalid_cursor: 400,
  invalid_multipart: 400,
  invalid_namespace: 400,
  invalid_path: 400,
  invalid_token_request: 400,
  invalid_username: 400,
  invalid_ref: 400,
  invalid_refspec: 400,
  invalid_lfs_oid: 400,
  invalid_lfs_size: 400,
  invalid_option: 400,
  missing_option: 400,
  conflicting_options: 400,
  archive_missing: 400,
  // 401: who is calling is unknown or not proven.
  unauthenticated: 401,
  invalid_credentials: 401,
  bitbucket_reconnect_required: 401,
  github_unauthorized: 401,
  // 403: known caller, not allowed.
  forbidden: 403,
  namespace_forbidden: 403,
  import_source_disabled: 403,
  bitbucket_forbidden: 403,
  github_forbidden: 403,
  // 404: no such thing (or not visible to the caller).
  not_found: 404,
  token_not_found: 404,
  upload_not_found: 404,
  user_not_found: 404,
  workspace_not_found: 404,
  // 409: the target's current state forbids the change.
  conflict: 409,
  email_taken: 409,
  username_taken: 409,
  identity_in_use: 409,
  last_sign_in_method: 409,
  bitbucket_linked_elsewhere: 409,
  bitbucket_not_connected: 409,
  github_not_connected: 409,
  switch_expired: 409,
  namespace_missing: 409,
  import_running: 409,
  import_not_running: 409,
  import_not_resumable: 409,
  nothing_to_retry: 409,
  job_finished: 409,
  repository_busy: 409,
  reassignment_awaiting_approval: 409,
  reassignment_changed: 409,
  reassignment_final: 409,
  reassignment_not_awaiting: 409,
  // 413: too large.
  csv_too_large: 413,
  csv_too_many_rows: 413,
  field_too_large: 413,
  upload_too_large: 413,
  upload_quota_exceeded: 413,
  uploads_full: 507,
  // 422: well-formed, but the content cannot be used.
  csv_columns: 422,
  csv_empty: 422,
  csv_invalid: 422,
  export_invalid: 422,
  invalid_current_password: 422,
  project_path_taken: 422,
  gists_import_running: 422,
  remote_not_allowed: 422,
  repository_not_found: 422,
  target_is_placeholder: 422,
  target_user_not_found: 422,
  lfs_integrity: 422,
  wiki_source_refused: 422,
  archive_encrypted: 422,
  archive_entry_missing: 422,
  archive_entry_unreadable: 422,
  archive_invalid: 422,
  archive_too_large: 422,
  archive_too_many_entries: 422,
  archive_truncated: 422,
  archive_unsafe_path: 422,
  archive_suspicious_ratio: 422,
  // 429: slow down.
  too_many_attempts: 429,
  github_rate_limited: 429,
  // 502: an upstream (Bitbucket, a git or LFS remote) answered badly.
  bitbucket_error: 502,
  github_error: 502,
  github_invalid_request: 502,
  lfs_batch_failed: 502,
  response_too_large: 502,
  too_many_redirects: 502,
  unexpected_redirect: 502,
  fetch_aborted: 502,
  fetch_failed: 502,
  remote_auth_failed: 502,
  remote_forbidden: 502,
  remote_not_found: 502,
  remote_redirected: 502,
  remote_timeout: 502,
  remote_unreachable: 502,
  // 503: an upstream cannot be reached or asks us to wait.
  bitbucket_rate_limited: 503,
  bitbucket_unreachable: 503,
  github_unreachable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * An expected failure: it has a stable code and a message the user can act on; its HTTP status
 * comes from ERROR_STATUS. Anything else thrown is unexpected: logged with a request id and
 * shown generically.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** An `invalid_request` listing each field zod rejected; `where` names the input (query, body…). */
export function validationError(error: z.ZodError, where: string): AppError {
  const fields = error.issues.map((issue) => `${issue.path.join(".") || where}: ${issue.message}`);
  return new AppError("invalid_request", `Invalid ${where}: ${fields.join("; ")}`, { details: { fields } });
}

export function newRequestId(): string {
  return randomUUID();
}

export type PublicError = { code: string; message: string; requestId?: string; details?: Record<string, unknown> };

/** Turns any error into what may be shown to a user; unexpected errors are logged here. */
export function toPublicError(error: unknown, requestId: string, context: string): { status: number; body: PublicError } {
  if (isAppError(error)) {
    return { status: error.status, body: { code: error.code, message: error.message, details: error.details } };
  }
  console.error(`[${context}] request ${requestId} failed unexpectedly:`, error);
  return {
    status: 500,
    body: { code: "internal_error", message: `Something went wrong on our side. Reference: ${requestId}`, requestId },
  };
}
