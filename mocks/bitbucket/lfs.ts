/**
 * Git LFS: the batch API at `{webUrl}/{workspace}/{slug}.git/info/lfs/objects/batch` (what
 * `git lfs` derives from the clone URL) and the object downloads it points to.
 *
 * - Same credentials and access rules as git (git-access.ts): anonymous callers of private
 *   repositories get 401 with `LFS-Authenticate`/`WWW-Authenticate`, so git-lfs asks its
 *   credential helper; non-members get 404.
 * - `download`: every known object gets `actions.download` {href, header.Authorization, expires_in};
 *   unknown oids get a per-object `error: {code: 404}`. `upload` answers 403 (read-only sandbox).
 * - Downloads live at `{webUrl}/_lfs/{workspace}/{slug}/{oid}` and need the `Authorization`
 *   header from the batch answer: a signed token bound to the object, valid for an hour, like
 *   the pre-signed storage URLs real LFS servers hand out.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { authorizeGit } from "./git-access";
import type { Caller } from "./auth";
import type { Serializer } from "./serialize";
import type { SandboxState } from "./state";

export const LFS_CONTENT_TYPE = "application/vnd.git-lfs+json";
const TOKEN_LIFETIME_SECONDS = 3600;

const BATCH_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/info\/lfs\/objects\/batch$/;
const DOWNLOAD_PATH = /^\/_lfs\/([^/]+)\/([^/]+)\/([0-9a-f]{64})$/;

export interface LfsRoute {
  readonly kind: "batch" | "download";
  readonly workspace: string;
  readonly slug: string;
  readonly oid?: string;
}

export function matchLfsRoute(pathname: string): LfsRoute | null {
  const batch = BATCH_PATH.exec(pathname);
  if (batch) return { kind: "batch", workspace: decodeURIComponent(batch[1]!), slug: decodeURIComponent(batch[2]!) };
  const download = DOWNLOAD_PATH.exec(pathname);
  if (download) return { kind: "download", workspace: decodeURIComponent(download[1]!), slug: decodeURIComponent(download[2]!), oid: download[3]! };
  return null;
}

function lfsJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": LFS_CONTENT_TYPE, ...headers } });
}

function lfsError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return lfsJson({ message, documentation_url: "https://support.atlassian.com/bitbucket-cloud/docs/use-git-lfs-with-bitbucket/" }, status, headers);
}

const secrets = new WeakMap<SandboxState, Buffer>();
function secretOf(state: SandboxState): Buffer {
  let secret = secrets.get(state);
  if (!secret) {
    secret = randomBytes(32);
    secrets.set(state, secret);
  }
  return secret;
}

function sign(state: SandboxState, payload: string): string {
  return createHmac("sha256", secretOf(state)).update(payload).digest("base64url");
}

/** A download token bound to one object and (for the log) the account that asked for it. */
export function downloadToken(state: SandboxState, fullName: string, oid: string, accountUuid: string | null): string {
  const payload = Buffer.from(JSON.stringify({ r: fullName, o: oid, a: accountUuid, e: Math.floor(state.now() / 1000) + TOKEN_LIFETIME_SECONDS })).toString("base64url");
  return `${payload}.${sign(state, payload)}`;
}

function verifyToken(state: SandboxState, token: string, fullName: string, oid: string): { ok: true; account: string | null } | { ok: false; message: string } {
  const [payload, signature] = token.split(".");
  if (!payload || !signature) return { ok: false, message: "Invalid token." };
  const expected = Buffer.from(sign(state, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, message: "Invalid token." };
  const data = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { r: string; o: string; a: string | null; e: number };
  if (data.r !== fullName || data.o !== oid) return { ok: false, message: "The token is for another object." };
  if (data.e * 1000 <= state.now()) return { ok: false, message: "The token has expired; request a new one from the batch API." };
  return { ok: true, account: data.a };
}

interface BatchRequest {
  operation?: unknown;
  transfers?: unknown;
  objects?: unknown;
}

/** POST …/info/lfs/objects/batch. Returns the response and the caller (for the request log). */
export async function handleLfsBatch(state: SandboxState, ser: Serializer, request: Request, route: LfsRoute): Promise<{ response: Response; caller: Caller }> {
  const decision = authorizeGit(state, { workspace: route.workspace, slug: route.slug, action: "/info/refs", service: "git-upload-pack", wiki: false }, request.headers.get("authorization"));
  if (!decision.allowed) {
    const status = decision.response.status;
    const headers: Record<string, string> = {};
    const challenge = decision.response.headers.get("www-authenticate");
    if (challenge) {
      headers["WWW-Authenticate"] = challenge;
      headers["LFS-Authenticate"] = challenge;
    }
    const message = status === 401 ? "Authentication required." : status === 404 ? "Repository not found." : (await decision.response.text()).trim();
    return { response: lfsError(status, message, headers), caller: decision.caller };
  }
  const caller = decision.caller;
  if (request.method !== "POST") return { response: lfsError(405, "Use POST for the batch API.", { Allow: "POST" }), caller };
  let body: BatchRequest;
  try {
    body = (await request.json()) as BatchRequest;
  } catch {
    return { response: lfsError(422, "The request body must be JSON."), caller };
  }
  if (body.operation !== "download" && body.operation !== "upload") return { response: lfsError(422, "operation must be download or upload."), caller };
  if (!Array.isArray(body.objects)) return { response: lfsError(422, "objects must be an array."), caller };
  if (Array.isArray(body.transfers) && body.transfers.length > 0 && !body.transfers.includes("basic")) {
    return { response: lfsError(422, "Only the basic transfer adapter is supported."), caller };
  }
  if (body.operation === "upload") return { response: lfsError(403, "The Bitbucket sandbox is read-only: LFS uploads are not supported."), caller };

  const repository = decision.repository;
  const detail = state.detail(repository);
  const account = caller.kind === "authenticated" ? caller.account.uuid : null;
  const objects = (body.objects as unknown[]).map((entry) => {
    const { oid, size } = (entry ?? {}) as { oid?: unknown; size?: unknown };
    const requested = { oid: typeof oid === "string" ? oid : "", size: typeof size === "number" ? size : 0 };
    if (!/^[0-9a-f]{64}$/.test(requested.oid)) return { ...requested, error: { code: 422, message: "Invalid object id." } };
    const object = detail.lfs.get(requested.oid);
    if (!object) return { ...requested, error: { code: 404, message: "Object does not exist." } };
    return {
      oid: object.oid,
      size: object.size,
      authenticated: true,
      actions: {
        download: {
          href: ser.web(`/_lfs/${encodeURIComponent(repository.workspace)}/${encodeURIComponent(repository.slug)}/${object.oid}`),
          header: { Authorization: `Bearer ${downloadToken(state, repository.full_name, object.oid, account)}` },
          expires_in: TOKEN_LIFETIME_SECONDS,
        },
      },
    };
  });
  return { response: lfsJson({ transfer: "basic", objects, hash_algo: "sha256" }), caller };
}

/** GET /_lfs/{workspace}/{slug}/{oid} with the Authorization header from the batch answer. */
export function handleLfsDownload(state: SandboxState, request: Request, route: LfsRoute): { response: Response; account: string | null } {
  if (request.method !== "GET" && request.method !== "HEAD") return { response: lfsError(405, "Use GET.", { Allow: "GET" }), account: null };
  const fullName = `${route.workspace}/${route.slug}`;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  if (!bearer) return { response: lfsError(401, "Missing download token: use the header from the batch API's actions.download."), account: null };
  const verdict = verifyToken(state, bearer[1]!, fullName, route.oid!);
  if (!verdict.ok) return { response: lfsError(401, verdict.message), account: null };
  const nickname = verdict.account ? (state.accountByUuid(verdict.account)?.nickname ?? null) : null;
  const repository = state.repository(route.workspace, route.slug);
  const object = repository ? state.detail(repository).lfs.get(route.oid!) : undefined;
  if (!object) return { response: lfsError(404, "Object does not exist."), account: nickname };
  const bytes = object.bytes();
  return {
    response: new Response(request.method === "HEAD" ? null : new Uint8Array(bytes), {
      status: 200,
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length) },
    }),
    account: nickname,
  };
}
