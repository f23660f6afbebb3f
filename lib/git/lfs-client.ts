/**
 * A Git LFS batch API client (download only, "basic" transfer) with a result per object:
 *
 *   POST <remote>.git/info/lfs/objects/batch   {operation: "download", transfers: ["basic"], objects}
 *   GET  actions.download.href (with actions.download.header)  → temp file → sha256/size check → store
 *
 * Every URL (batch, href, redirects) must pass the allowed-host rules of `checkRemote`: LFS
 * servers often hand out storage URLs on other hosts, which are refused unless listed in
 * ALLOWED_HOSTS (the result's message names the host). Credentials are only sent to the batch
 * endpoint's origin; a 401 fetches fresh credentials and retries once.
 */
import { AppError, isAppError } from "@/lib/errors";
import { displayUrl, redact } from "./errors";
import { LfsIntegrityError, type LfsStore } from "./lfs-store";
import type { LfsPointer } from "./lfs-pointers";
import { isLfsOid } from "./paths";
import { checkRemote, type RemoteCheckOptions } from "./remote";
import { basicAuthorization, credentialSecrets, type CredentialsProvider, type GitCredentials } from "./run";
import { readBody, safeRequest } from "./safe-http";

export type LfsObjectStatus = "stored" | "already-present" | "missing" | "failed";

export interface LfsObjectResult {
  oid: string;
  size: number;
  status: LfsObjectStatus;
  /** Why an object is missing or failed (no credentials in it). */
  message?: string;
  /** Download attempts made (0 when none was needed). */
  attempts: number;
}

export interface DownloadLfsObjectsOptions {
  /** `<remote>.git/info/lfs/objects/batch` (see `lfsBatchUrl`). */
  batchUrl: string;
  objects: readonly LfsPointer[];
  credentials?: CredentialsProvider;
  store: LfsStore;
  /** Parallel downloads. Default 4. */
  concurrency?: number;
  /** Called once per object with its final result, as soon as it is known. */
  onObject?: (result: LfsObjectResult) => void | Promise<void>;
  /** Extra attempts for transient failures (network, 429, 5xx, corrupt transfer). Default 2. */
  retries?: number;
  /** Base delay between attempts (doubles each time). Default 1000 ms. */
  retryDelayMs?: number;
  /** Objects per batch request. Default 100. */
  batchSize?: number;
  /** Ref the objects belong to (sent to the server as `ref.name`). */
  ref?: string;
  remoteCheck?: RemoteCheckOptions;
  signal?: AbortSignal;
  /** Socket idle timeout per request. Default 60 s. */
  idleTimeoutMs?: number;
}

/** The LFS batch endpoint of a git remote: `<url>.git/info/lfs/objects/batch`. */
export function lfsBatchUrl(remoteUrl: string): string {
  const url = new URL(remoteUrl);
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  let pathname = url.pathname.replace(/\/+$/, "");
  if (!pathname.endsWith(".git") && !pathname.endsWith("/wiki")) pathname += ".git";
  url.pathname = `${pathname}/info/lfs/objects/batch`;
  return url.href;
}

type DownloadAction = { href: string; header: Record<string, string>; expiresAt: number | null };
type BatchEntry = { action: DownloadAction } | { status: "missing" | "failed"; message: string };

const LFS_JSON = "application/vnd.git-lfs+json";

class TransientError extends Error {}

export async function downloadLfsObjects(options: DownloadLfsObjectsOptions): Promise<LfsObjectResult[]> {
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, 32));
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 100, 1000));
  const batchCheck = await checkRemote(options.batchUrl, options.remoteCheck);
  const batchOrigin = batchCheck.url.origin;

  let credentials: GitCredentials | undefined;
  const secrets = () => credentialSecrets(credentials);
  const clean = (text: string) => redact(text, secrets()).slice(0, 500);

  const results = new Map<string, LfsObjectResult>();
  const order: string[] = [];
  const finish = async (result: LfsObjectResult) => {
    results.set(result.oid, result);
    await options.onObject?.(result);
  };

  // Deduplicate and validate. Objects already in the store are asked for too: the store is shared by
  // every project, and an object counts for this source only once its batch API offers a download
  // for the oid (knowing an oid and size must not be enough to get another project's content).
  const pending: LfsPointer[] = [];
  const seen = new Set<string>();
  for (const object of options.objects) {
    if (seen.has(object.oid)) continue;
    seen.add(object.oid);
    order.push(object.oid);
    if (!isLfsOid(object.oid) || !Number.isSafeInteger(object.size) || object.size < 0) {
      await finish({ oid: String(object.oid), size: object.size, status: "failed", message: "Invalid LFS pointer (oid or size)", attempts: 0 });
    } else {
      pending.push(object);
    }
  }

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const authorization = async (refresh: boolean): Promise<string | undefined> => {
    if (!options.credentials) return undefined;
    if (!credentials || refresh) credentials = await options.credentials(refresh ? credentials : undefined);
    return basicAuthorization(credentials);
  };

  /** One batch request for `objects`, with a credentials refresh on 401 and retries on transient errors. */
  const batch = async (objects: readonly LfsPointer[]): Promise<Map<string, BatchEntry>> => {
    const body = Buffer.from(
      JSON.stringify({
        operation: "download",
        transfers: ["basic"],
        objects: objects.map(({ oid, size }) => ({ oid, size })),
        hash_algo: "sha256",
        ...(options.ref ? { ref: { name: options.ref } } : {}),
      }),
    );
    let refreshed = false;
    let attempt = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      attempt++;
      let status = 0;
      let text = "";
      try {
        const auth = await authorization(false);
        const { response } = await safeRequest(batchCheck.url, {
          method: "POST",
          headers: { Accept: LFS_JSON, "Content-Type": LFS_JSON, ...(auth ? { Authorization: auth } : {}) },
          body,
          remoteCheck: options.remoteCheck,
          signal: options.signal,
          idleTimeoutMs: options.idleTimeoutMs,
        });
        status = response.statusCode ?? 0;
        text = (await readBody(response, 32 * 1024 * 1024)).toString("utf8");
      } catch (error) {
        if (isAppError(error) || options.signal?.aborted || attempt > retries) throw error;
        await sleep(retryDelayMs * 2 ** (attempt - 1));
        continue;
      }
      if (status === 401 && options.credentials && !refreshed) {
        refreshed = true;
        await authorization(true);
        attempt--;
        continue;
      }
      if ((status === 429 || status >= 500) && attempt <= retries) {
        await sleep(retryDelayMs * 2 ** (attempt - 1));
        continue;
      }
      if (status !== 200) {
        let detail = "";
        try {
          const parsed = JSON.parse(text) as { message?: unknown };
          if (typeof parsed.message === "string") detail = `: ${parsed.message}`;
        } catch {
          /* not JSON */
        }
        throw new AppError("lfs_batch_failed", clean(`The LFS batch API at ${displayUrl(batchCheck.url)} answered HTTP ${status}${detail}`));
      }
      return parseBatchResponse(text, objects);
    }
  };

  const parseBatchResponse = (text: string, objects: readonly LfsPointer[]): Map<string, BatchEntry> => {
    const entries = new Map<string, BatchEntry>();
    let parsed: { transfer?: unknown; objects?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new AppError("lfs_batch_failed", "The LFS batch API answered with invalid JSON");
    }
    if (parsed.transfer !== undefined && parsed.transfer !== "basic") {
      throw new AppError("lfs_batch_failed", `The LFS server chose an unsupported transfer adapter '${clean(String(parsed.transfer))}'`);
    }
    const wanted = new Set(objects.map((object) => object.oid));
    for (const raw of Array.isArray(parsed.objects) ? (parsed.objects as unknown[]) : []) {
      if (!raw || typeof raw !== "object") continue;
      const entry = raw as { oid?: unknown; error?: { code?: unknown; message?: unknown }; actions?: { download?: { href?: unknown; header?: unknown; expires_in?: unknown; expires_at?: unknown } } };
      if (typeof entry.oid !== "string" || !wanted.has(entry.oid)) continue;
      if (entry.error) {
        const code = Number(entry.error.code);
        const message = clean(`${typeof entry.error.message === "string" ? entry.error.message : "LFS server error"} (${code || "no code"})`);
        entries.set(entry.oid, { status: code === 404 || code === 410 ? "missing" : "failed", message });
        continue;
      }
      const download = entry.actions?.download;
      if (!download || typeof download.href !== "string") {
        entries.set(entry.oid, { status: "failed", message: "The LFS server returned no download action" });
        continue;
      }
      const header: Record<string, string> = {};
      if (download.header && typeof download.header === "object") {
        for (const [name, value] of Object.entries(download.header as Record<string, unknown>)) {
          if (typeof value === "string" && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n\0]/.test(value)) header[name] = value;
        }
      }
      let expiresAt: number | null = null;
      if (typeof download.expires_in === "number" && download.expires_in > 0) expiresAt = Date.now() + download.expires_in * 1000;
      else if (typeof download.expires_at === "string" && !Number.isNaN(Date.parse(download.expires_at))) expiresAt = Date.parse(download.expires_at);
      entries.set(entry.oid, { action: { href: download.href, header, expiresAt } });
    }
    for (const object of objects) {
      if (!entries.has(object.oid)) entries.set(object.oid, { status: "failed", message: "The LFS server did not answer for this object" });
    }
    return entries;
  };

  /** Downloads one object with its action; returns the final result. */
  const download = async (object: LfsPointer, first: BatchEntry): Promise<LfsObjectResult> => {
    let entry = first;
    let attempts = 0;
    let renewals = 0;
    let lastMessage = "";
    for (;;) {
      options.signal?.throwIfAborted();
      if (!("action" in entry)) return { oid: object.oid, size: object.size, status: entry.status, message: entry.message, attempts };
      if (attempts === 0 && (await options.store.has(object.oid, object.size))) return { oid: object.oid, size: object.size, status: "already-present", attempts };
      const action = entry.action;
      if (action.expiresAt !== null && action.expiresAt < Date.now() + 5_000 && renewals++ < 2) {
        // The link expired while queued: ask for a new one.
        entry = (await batch([object])).get(object.oid)!;
        continue;
      }
      attempts++;
      try {
        const href = new URL(action.href, batchCheck.url);
        const headers: Record<string, string> = { ...action.header };
        if (href.origin === batchOrigin && !Object.keys(headers).some((name) => name.toLowerCase() === "authorization")) {
          const auth = await authorization(false);
          if (auth) headers.Authorization = auth;
        }
        const { response } = await safeRequest(href, {
          method: "GET",
          headers,
          remoteCheck: options.remoteCheck,
          signal: options.signal,
          idleTimeoutMs: options.idleTimeoutMs,
        });
        const status = response.statusCode ?? 0;
        if (status !== 200) {
          response.resume();
          lastMessage = `The LFS download (${displayUrl(href)}) answered HTTP ${status}`;
          if (status === 429 || status >= 500) throw new TransientError(lastMessage);
          if ((status === 401 || status === 403) && attempts <= retries) {
            // The link may have been revoked or expired early: refresh the action (and credentials on 401).
            if (status === 401) await authorization(true);
            entry = (await batch([object])).get(object.oid)!;
            continue;
          }
          return { oid: object.oid, size: object.size, status: "failed", message: clean(lastMessage), attempts };
        }
        const declared = response.headers["content-length"];
        if (declared !== undefined && Number(declared) !== object.size) {
          response.destroy();
          throw new LfsIntegrityError(`LFS object ${object.oid} is ${declared} bytes on the server, expected ${object.size}`);
        }
        const stored = await options.store.put(response, object.oid, object.size, { signal: options.signal });
        return { oid: object.oid, size: object.size, status: stored, attempts };
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (isAppError(error) && error.code === "remote_not_allowed") {
          return { oid: object.oid, size: object.size, status: "failed", message: clean(`LFS download refused: ${error.message}`), attempts };
        }
        lastMessage = error instanceof Error ? error.message : String(error);
        const transient = error instanceof TransientError || error instanceof LfsIntegrityError || !isAppError(error);
        if (!transient || attempts > retries) {
          return { oid: object.oid, size: object.size, status: "failed", message: clean(lastMessage), attempts };
        }
        await sleep(retryDelayMs * 2 ** (attempts - 1));
      }
    }
  };

  for (let start = 0; start < pending.length; start += batchSize) {
    const chunk = pending.slice(start, start + batchSize);
    let entries: Map<string, BatchEntry>;
    try {
      entries = await batch(chunk);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const message = clean(error instanceof Error ? error.message : String(error));
      for (const object of chunk) await finish({ oid: object.oid, size: object.size, status: "failed", message, attempts: 0 });
      continue;
    }
    const queue = [...chunk];
    const worker = async () => {
      for (let object = queue.shift(); object; object = queue.shift()) {
        await finish(await download(object, entries.get(object.oid)!));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  }

  return order.map((oid) => results.get(oid)!);
}
