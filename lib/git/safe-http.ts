/**
 * Outgoing HTTP for LFS: every URL (including each redirect target) passes `checkRemote`; hosts
 * that were checked by DNS are connected to at exactly the checked addresses (no DNS rebinding);
 * credentials are dropped when a redirect leaves the origin.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { AppError } from "@/lib/errors";
import { displayUrl } from "./errors";
import { checkRemote, type CheckedRemote, type RemoteCheckOptions } from "./remote";

export interface SafeRequestInit {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: Buffer;
  /** Socket idle timeout. Default 60 s. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Redirects to follow (each target is checked). Default 3; POST only follows 307/308. */
  maxRedirects?: number;
  remoteCheck?: RemoteCheckOptions;
}

export interface SafeResponse {
  response: IncomingMessage;
  url: URL;
}

function pinnedLookup(checked: CheckedRemote): LookupFunction | undefined {
  const addresses = checked.addresses;
  if (!addresses) return undefined;
  return ((_hostname: string, options: { all?: boolean } | number, callback: (...args: unknown[]) => void) => {
    const all = typeof options === "object" && options !== null && options.all;
    if (all) callback(null, addresses.map((entry) => ({ address: entry.address, family: entry.family })));
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  }) as unknown as LookupFunction;
}

function once(checked: CheckedRemote, init: SafeRequestInit, headers: Record<string, string>): Promise<IncomingMessage> {
  const { url } = checked;
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: init.method,
        headers: { ...headers, ...(init.body ? { "Content-Length": String(init.body.length) } : {}) },
        lookup: pinnedLookup(checked),
        signal: init.signal,
        agent: false,
      },
      resolve,
    );
    request.setTimeout(init.idleTimeoutMs ?? 60_000, () => request.destroy(new Error(`no response from ${displayUrl(url)} within the timeout`)));
    request.on("error", reject);
    request.end(init.body);
  });
}

/** Performs a request to a checked URL, following a limited number of checked redirects. */
export async function safeRequest(input: string | URL, init: SafeRequestInit): Promise<SafeResponse> {
  let checked = await checkRemote(input, init.remoteCheck);
  let headers = { ...(init.headers ?? {}) };
  let method = init.method;
  let body = init.body;
  const maxRedirects = init.maxRedirects ?? 3;
  for (let hop = 0; ; hop++) {
    const response = await once(checked, { ...init, method, body }, headers);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (![301, 302, 303, 307, 308].includes(status) || !location) return { response, url: checked.url };
    response.resume();
    if (hop >= maxRedirects) {
      throw new AppError("too_many_redirects", `Too many redirects from ${displayUrl(checked.url)}`);
    }
    if (method === "POST" && status !== 307 && status !== 308) {
      throw new AppError("unexpected_redirect", `${displayUrl(checked.url)} redirected a POST request (${status})`);
    }
    const next = new URL(location, checked.url);
    const previousOrigin = checked.url.origin;
    // The target must pass the same host rules; otherwise say which host would be needed.
    checked = await checkRemote(next, init.remoteCheck);
    if (status === 303) {
      method = "GET";
      body = undefined;
    }
    if (checked.url.origin !== previousOrigin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie|proxy-authorization)$/i.test(name)));
    }
  }
}

/** Reads a (small) response body, failing beyond `limit` bytes. */
export async function readBody(response: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      response.destroy();
      throw new AppError("response_too_large", `The response is larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
