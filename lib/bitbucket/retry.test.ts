import { describe, expect, it, vi } from "vitest";
import {
  BitbucketNotFoundError,
  BitbucketRateLimitError,
  BitbucketServerError,
  BitbucketNetworkError,
  errorFromResponse,
  parseRetryAt,
  redactUrl,
} from "./errors";
import { BACKGROUND_RETRY, INTERACTIVE_RETRY, retryDelayMs, withRetry, type RetryEvent, type RetryOptions } from "./retry";

const context = { idempotent: true, method: "GET", url: "https://api.test/2.0/x" };

function options(overrides: Partial<RetryOptions> = {}) {
  const sleeps: number[] = [];
  const opts: RetryOptions = {
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxTotalWaitMs: 10_000,
    random: () => 1 - Number.EPSILON,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  };
  return { opts, sleeps };
}

const serverError = () => new BitbucketServerError({ message: "boom", status: 500 });
const rateLimited = (secondsFromNow: number) =>
  new BitbucketRateLimitError({ message: "limit", retryAt: new Date(Date.now() + secondsFromNow * 1000) });

describe("parseRetryAt", () => {
  const now = 1_800_000_000_000;
  it("reads X-RateLimit-Reset as seconds remaining", () => {
    expect(parseRetryAt(new Headers({ "X-RateLimit-Reset": "3" }), now)?.getTime()).toBe(now + 3_000);
  });
  it("reads values ≥ 1e9 as epoch seconds and ≥ 1e12 as epoch ms", () => {
    expect(parseRetryAt(new Headers({ "X-RateLimit-Reset": "1800000120" }), now)?.getTime()).toBe(1_800_000_120_000);
    expect(parseRetryAt(new Headers({ "X-RateLimit-Reset": "1800000120500" }), now)?.getTime()).toBe(1_800_000_120_500);
  });
  it("reads Retry-After as seconds or an HTTP date, and takes the later of both headers", () => {
    expect(parseRetryAt(new Headers({ "Retry-After": "10" }), now)?.getTime()).toBe(now + 10_000);
    const date = new Date(now + 60_000);
    expect(parseRetryAt(new Headers({ "Retry-After": date.toUTCString() }), now)?.getTime()).toBe(date.getTime());
    expect(parseRetryAt(new Headers({ "Retry-After": "10", "X-RateLimit-Reset": "30" }), now)?.getTime()).toBe(now + 30_000);
  });
  it("is null without usable headers", () => {
    expect(parseRetryAt(new Headers(), now)).toBeNull();
    expect(parseRetryAt(new Headers({ "Retry-After": "soon", "X-RateLimit-Reset": "-1" }), now)).toBeNull();
  });
});

describe("errorFromResponse", () => {
  it("never keeps credentials in the URL", () => {
    const error = errorFromResponse({
      status: 404,
      statusText: "Not Found",
      headers: new Headers(),
      bodyText: "",
      method: "GET",
      url: "https://user:secret@api.test/2.0/x?access_token=abc&page=2",
    });
    expect(error).toBeInstanceOf(BitbucketNotFoundError);
    expect(error.url).toBe("https://api.test/2.0/x?access_token=REDACTED&page=2");
    expect(error.message).toBe("Bitbucket responded with HTTP 404 Not Found");
    expect(redactUrl("https://a:b@h.test/")).toBe("https://h.test/");
  });
});

describe("retryDelayMs", () => {
  it("uses full jitter under an exponential ceiling capped by maxDelayMs", () => {
    const { opts } = options({ random: () => 0.5 });
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(serverError(), attempt, opts))).toEqual([50, 100, 200, 400, 500, 500]);
    expect(retryDelayMs(serverError(), 3, { ...opts, random: () => 0 })).toBe(0);
  });
  it("never retries before the server's reset, whatever the backoff says", () => {
    const now = Date.now();
    const error = new BitbucketRateLimitError({ message: "limit", retryAt: new Date(now + 120_000) });
    const { opts } = options({ random: () => 0 });
    expect(retryDelayMs(error, 1, opts, now)).toBe(120_000);
    expect(retryDelayMs(error, 1, { ...opts, random: () => 0.5 }, now)).toBe(120_050);
  });
});

describe("withRetry", () => {
  it("returns the first success and reports each wait", async () => {
    const { opts, sleeps } = options({ random: () => 0.5 });
    const events: RetryEvent[] = [];
    const run = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw attempt === 1 ? serverError() : new BitbucketNetworkError({ message: "reset" });
      return "ok";
    });
    await expect(withRetry(run, opts, { ...context, onRetry: (event) => events.push(event) })).resolves.toBe("ok");
    expect(run).toHaveBeenCalledTimes(3);
    expect(sleeps).toEqual([50, 100]);
    expect(events.map((event) => [event.type, event.attempt, event.status, event.code])).toEqual([
      ["retrying", 1, 500, "server_error"],
      ["retrying", 2, null, "network_error"],
    ]);
  });

  it("does not retry non-idempotent requests or non-retryable errors", async () => {
    const { opts, sleeps } = options();
    const post = vi.fn(async () => {
      throw serverError();
    });
    await expect(withRetry(post, opts, { ...context, idempotent: false })).rejects.toBeInstanceOf(BitbucketServerError);
    expect(post).toHaveBeenCalledTimes(1);
    const missing = vi.fn(async () => {
      throw new BitbucketNotFoundError({ message: "nope" });
    });
    await expect(withRetry(missing, opts, context)).rejects.toBeInstanceOf(BitbucketNotFoundError);
    expect(missing).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  it("throws the last error, with its resetAt, when the next wait would exceed maxTotalWaitMs", async () => {
    const { opts, sleeps } = options({ maxTotalWaitMs: 5_000 });
    const errors = [rateLimited(2), rateLimited(4)];
    const run = vi.fn(async (attempt: number) => {
      throw errors[attempt - 1]!;
    });
    const error = await withRetry(run, opts, context).catch((caught: unknown) => caught);
    expect(error).toBe(errors[1]);
    expect((error as BitbucketRateLimitError).resetAt).toBeInstanceOf(Date);
    expect(run).toHaveBeenCalledTimes(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!).toBeGreaterThanOrEqual(1_900);
  });

  it("maxErrorAttempts bounds 5xx retries while rate-limit waits continue", async () => {
    const { opts } = options({ maxAttempts: 20, maxErrorAttempts: 3, maxTotalWaitMs: 60 * 60_000 });
    const always5xx = vi.fn(async () => {
      throw serverError();
    });
    await expect(withRetry(always5xx, opts, context)).rejects.toBeInstanceOf(BitbucketServerError);
    expect(always5xx).toHaveBeenCalledTimes(3);

    const limitedThenOk = vi.fn(async (attempt: number) => {
      if (attempt <= 6) throw rateLimited(1);
      return "ok";
    });
    await expect(withRetry(limitedThenOk, opts, context)).resolves.toBe("ok");
    expect(limitedThenOk).toHaveBeenCalledTimes(7);
  });

  it("stops waiting when the caller aborts", async () => {
    const controller = new AbortController();
    const run = vi.fn(async () => {
      throw serverError();
    });
    const promise = withRetry(run, { ...INTERACTIVE_RETRY, baseDelayMs: 60_000, maxDelayMs: 60_000, maxTotalWaitMs: 600_000, random: () => 1 }, {
      ...context,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("cancelled")), 10);
    await expect(promise).rejects.toThrow("cancelled");
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe("presets", () => {
  it("INTERACTIVE_RETRY fails fast; BACKGROUND_RETRY waits out an hourly limit", () => {
    expect(INTERACTIVE_RETRY.maxAttempts).toBe(3);
    expect(INTERACTIVE_RETRY.maxTotalWaitMs).toBeLessThanOrEqual(8_000);
    expect(BACKGROUND_RETRY.maxTotalWaitMs).toBeGreaterThanOrEqual(60 * 60_000);
    // A reset 59 minutes away is waited out, not turned into a failed import.
    const now = Date.now();
    const delay = retryDelayMs(rateLimited(59 * 60), 1, BACKGROUND_RETRY, now);
    expect(delay).toBeLessThanOrEqual(BACKGROUND_RETRY.maxTotalWaitMs);
  });
});
