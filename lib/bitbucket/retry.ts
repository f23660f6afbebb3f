/**
 * Retry policy for idempotent Bitbucket requests: 429, 5xx (and 408), timeouts
 * and network errors are retried with exponential backoff and full jitter.
 * Server hints (Retry-After, X-RateLimit-Reset) are honoured: we never retry
 * before the time the server named.
 */
import { BitbucketError, BitbucketRateLimitError, isRetryableError } from "./errors";

export interface RetryOptions {
  /** Total attempts, first one included (1 = no retry). */
  maxAttempts: number;
  /**
   * Attempts that may end in a 5xx/network/timeout error (rate-limit waits do
   * not count). Defaults to `maxAttempts`. Keeps a persistently failing
   * endpoint from stalling an import for the whole rate-limit budget.
   */
  maxErrorAttempts?: number;
  /** Backoff base: the n-th retry waits random() × min(maxDelayMs, baseDelayMs × 2^(n-1)). */
  baseDelayMs: number;
  /** Cap of the exponential backoff (not of server-named waits). */
  maxDelayMs: number;
  /** Budget for the sum of all waits of one request; a wait that would exceed it throws the last error instead. */
  maxTotalWaitMs: number;
  /** Injectable for tests. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests; returns [0, 1). */
  random?: () => number;
}

/** Web pages: fail fast (≈3 attempts, at most 8 s of waiting). */
export const INTERACTIVE_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxTotalWaitMs: 8_000,
});

/**
 * Imports: wait out Bitbucket's rolling-hour rate limit (up to ~65 min per
 * request), but give up on a 5xx/network failure after 8 attempts (~4 min).
 */
export const BACKGROUND_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 40,
  maxErrorAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  maxTotalWaitMs: 65 * 60_000,
});

export type RetryEvent = {
  /** "rate-limited" for 429, "retrying" for 5xx/network/timeout. */
  type: "rate-limited" | "retrying";
  /** When the next attempt starts. */
  resumeAt: Date;
  delayMs: number;
  /** The attempt that just failed (1-based); the next one is attempt + 1. */
  attempt: number;
  /** HTTP status of the failure; null for network errors and timeouts. */
  status: number | null;
  code: BitbucketError["code"];
  method: string;
  /** Request URL without credentials. */
  url: string;
};

export interface RetryContext {
  /** Only idempotent requests are retried. */
  idempotent: boolean;
  method: string;
  url: string;
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

/**
 * How long to wait before the attempt after `attempt` failed with `error`:
 * backoff with full jitter, but never earlier than the server's retry time.
 */
export function retryDelayMs(
  error: BitbucketError,
  attempt: number,
  options: RetryOptions,
  nowMs: number = Date.now(),
): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const backoff = random() * ceiling;
  const hinted = error.retryAt ? error.retryAt.getTime() - nowMs : 0;
  if (hinted > 0) {
    // Wait until the server's time plus a little jitter so that many workers
    // released by the same reset do not stampede.
    return Math.ceil(hinted + random() * Math.min(options.baseDelayMs, 1_000));
  }
  return Math.ceil(backoff);
}

export async function withRetry<T>(
  run: (attempt: number) => Promise<T>,
  options: RetryOptions,
  context: RetryContext,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const maxErrorAttempts = options.maxErrorAttempts ?? options.maxAttempts;
  let waitedMs = 0;
  let errorAttempts = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (!context.idempotent || !isRetryableError(error) || context.signal?.aborted) throw error;
      if (attempt >= options.maxAttempts) throw error;
      const rateLimited = error instanceof BitbucketRateLimitError;
      if (!rateLimited && ++errorAttempts >= maxErrorAttempts) throw error;
      const now = Date.now();
      const delayMs = retryDelayMs(error, attempt, options, now);
      if (waitedMs + delayMs > options.maxTotalWaitMs) throw error;
      waitedMs += delayMs;
      const event: RetryEvent = {
        type: rateLimited ? "rate-limited" : "retrying",
        resumeAt: new Date(now + delayMs),
        delayMs,
        attempt,
        status: error.status,
        code: error.code,
        method: context.method,
        url: error.url ?? context.url,
      };
      try {
        context.onRetry?.(event);
      } catch {
        // A failing listener must not break the request.
      }
      await sleep(delayMs, context.signal);
    }
  }
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
