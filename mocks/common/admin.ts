/**
 * The admin endpoints every sandbox has under /_sandbox/: knobs, the request log and the request
 * counters. Each sandbox adds its own (accounts, tokens, ...) around these.
 *
 *   GET  /_sandbox/config                   knobs
 *   PUT  /_sandbox/config                   partial knob update (JSON)
 *   GET  /_sandbox/requests?since=<index>   request log, oldest first; X-Sandbox-Next-Index is the next `since`
 *   DELETE /_sandbox/requests               clear the log
 *   GET  /_sandbox/stats                    request counters by route template and status
 *   DELETE /_sandbox/stats                  reset the counters
 */
import { z } from "zod";
import type { RequestLogEntry, RequestStatsSnapshot } from "./request-log";

export interface AdminTarget {
  readonly knobs: unknown;
  updateKnobs(patch: unknown): unknown;
  requests(since?: number): readonly RequestLogEntry[];
  readonly requestCount: number;
  clearRequests(): void;
  requestStats(): RequestStatsSnapshot;
  clearRequestStats(): void;
}

export function adminJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } });
}

/** A JSON request body ({} when empty); a ZodError when it is not JSON. */
export async function jsonBody(request: Request): Promise<unknown> {
  const body = await request.text();
  if (!body.trim()) return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new z.ZodError([{ code: "custom", path: [], message: "Body must be JSON", input: body }]);
  }
}

/** Answers the shared endpoints; null for any other path. `path` is below /_sandbox. */
export async function handleCommonAdmin(target: AdminTarget, request: Request, path: string, url: URL): Promise<Response | null> {
  const method = request.method;
  if (path === "/config" && method === "GET") return adminJson(target.knobs);
  if (path === "/config" && (method === "PUT" || method === "PATCH")) return adminJson(target.updateKnobs(await jsonBody(request)));
  if (path === "/requests" && method === "GET") {
    const since = Number(url.searchParams.get("since") ?? "0");
    return adminJson(target.requests(Number.isFinite(since) ? since : 0), 200, { "X-Sandbox-Next-Index": String(target.requestCount) });
  }
  if (path === "/requests" && method === "DELETE") {
    target.clearRequests();
    return new Response(null, { status: 204 });
  }
  if (path === "/stats" && method === "GET") return adminJson(target.requestStats());
  if (path === "/stats" && method === "DELETE") {
    target.clearRequestStats();
    return new Response(null, { status: 204 });
  }
  return null;
}
