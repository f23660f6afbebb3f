/**
 * Internal transport: one HTTP exchange with a timeout, turning transport
 * failures into BitbucketNetworkError. No retries, no auth, no JSON here.
 */
import { BitbucketError, BitbucketNetworkError, BitbucketResponseError } from "./errors";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  bodyText: string;
}

export interface SendOptions {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The caller's signal: aborting it rejects with its reason (not wrapped, never retried). */
  signal?: AbortSignal;
  /** Largest body read; a longer one fails with BitbucketResponseError. Default MAX_RESPONSE_BYTES. */
  maxBodyBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** No answer of Bitbucket's JSON API comes near this: a longer body is refused before it fills memory. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The body as text, refused once it passes `maxBytes` (by its declared length or while reading). */
async function readBodyText(response: Response, options: SendOptions, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new BitbucketResponseError({
      message: `Bitbucket's answer is larger than ${maxBytes} bytes, the most Ferry reads`,
      method: options.method,
      url: options.url,
      status: response.status,
      issues: [{ field: "body", message: "too large" }],
    });
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** Sends the request and reads the whole body, all within `timeoutMs`. */
export async function send(fetchImpl: FetchLike, options: SendOptions): Promise<RawResponse> {
  const { signal } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await fetchImpl(options.url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal: controller.signal,
      redirect: "follow",
    });
    const bodyText = await readBodyText(response, options, options.maxBodyBytes ?? MAX_RESPONSE_BYTES);
    return { status: response.status, statusText: response.statusText, headers: response.headers, bodyText };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof BitbucketError) throw error;
    if (timedOut) {
      throw new BitbucketNetworkError({
        message: `Bitbucket did not respond within ${Math.round(options.timeoutMs / 100) / 10} s`,
        method: options.method,
        url: options.url,
        timedOut: true,
        cause: error,
      });
    }
    const reason = networkErrorCode(error);
    throw new BitbucketNetworkError({
      message: `Could not reach Bitbucket at ${safeOrigin(options.url)}${reason ? ` (${reason})` : ""}`,
      method: options.method,
      url: options.url,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** ECONNREFUSED, ENOTFOUND, ECONNRESET, ... from undici's `fetch failed` cause chain. */
export function networkErrorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (typeof current !== "object") break;
    const record = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof record.code === "string" && record.code !== "ERR_INVALID_ARG_TYPE") return record.code;
    if (Array.isArray(record.errors)) {
      const inner = networkErrorCode(record.errors[0]);
      if (inner) return inner;
    }
    current = record.cause;
  }
  return error instanceof Error && error.message !== "fetch failed" ? error.message : null;
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the configured URL";
  }
}

/** Base64 of UTF-8 `user:password` for HTTP Basic, without relying on Node's Buffer. */
export function basicAuthorization(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
