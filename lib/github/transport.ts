/**
 * A fetch for GitHub hosts a user named (GitHub Enterprise Server): every URL, redirects included,
 * passes the SSRF rules and ALLOWED_HOSTS, and connections go to the checked addresses only.
 */
import { readBody, safeRequest } from "@/lib/git/safe-http";

/** No JSON answer of GitHub's API comes near this; a longer one is refused before it fills memory. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export const checkedFetch: typeof fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const method = (init?.method ?? "GET").toUpperCase();
  if (method !== "GET" && method !== "POST") throw new Error(`GitHub requests to a user-supplied host are GET or POST, not ${method}`);
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
  const body = typeof init?.body === "string" ? Buffer.from(init.body) : undefined;
  const { response } = await safeRequest(url, { method, headers, body, signal: init?.signal ?? undefined });
  const status = response.statusCode ?? 502;
  const bytes = await readBody(response, MAX_RESPONSE_BYTES);
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
  }
  const nullBody = status === 204 || status === 304;
  return new Response(nullBody ? null : new Uint8Array(bytes), { status, statusText: response.statusMessage, headers: responseHeaders });
};
