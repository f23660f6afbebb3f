import { randomUUID } from "node:crypto";

/**
 * An expected failure: it has a stable code and a message the user can act on.
 * Anything else thrown is unexpected: logged with a request id and shown generically.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? 400;
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
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
