/**
 * The Git LFS batch API's moving parts, shared by the sandboxes: request parsing, the answer
 * (per-object download actions or errors), signed download tokens bound to one object and valid
 * for an hour (like the pre-signed storage URLs real LFS servers hand out), and the download.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { LfsObject } from "./git-content";

export const LFS_CONTENT_TYPE = "application/vnd.git-lfs+json";
export const LFS_TOKEN_LIFETIME_SECONDS = 3600;

export function lfsJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": LFS_CONTENT_TYPE, ...headers } });
}

/** Signs and checks download tokens; one instance per sandbox state (a fresh secret each). */
export class LfsTokens {
  private readonly secret = randomBytes(32);

  constructor(private readonly now: () => number) {}

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest("base64url");
  }

  /** A token for one object of one repository; `account` is kept for the request log. */
  issue(repository: string, oid: string, account: string | null): string {
    const payload = Buffer.from(JSON.stringify({ r: repository, o: oid, a: account, e: Math.floor(this.now() / 1000) + LFS_TOKEN_LIFETIME_SECONDS })).toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  verify(token: string, repository: string, oid: string): { ok: true; account: string | null } | { ok: false; message: string } {
    const [payload, signature] = token.split(".");
    if (!payload || !signature) return { ok: false, message: "Invalid token." };
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, message: "Invalid token." };
    const data = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { r: string; o: string; a: string | null; e: number };
    if (data.r !== repository || data.o !== oid) return { ok: false, message: "The token is for another object." };
    if (data.e * 1000 <= this.now()) return { ok: false, message: "The token has expired; request a new one from the batch API." };
    return { ok: true, account: data.a };
  }
}

const issuers = new WeakMap<object, LfsTokens>();

/** The token issuer of one sandbox state (created on first use). */
export function lfsTokensFor(owner: { now(): number }): LfsTokens {
  let issuer = issuers.get(owner);
  if (!issuer) {
    issuer = new LfsTokens(() => owner.now());
    issuers.set(owner, issuer);
  }
  return issuer;
}

export type BatchRequest = { readonly operation: "download" | "upload"; readonly objects: readonly unknown[] };

/** The batch request body, or the error message (answered 422) when it is not one. */
export async function parseBatchRequest(request: Request): Promise<BatchRequest | string> {
  let body: { operation?: unknown; transfers?: unknown; objects?: unknown };
  try {
    body = (await request.json()) as typeof body;
  } catch {
    return "The request body must be JSON.";
  }
  if (body.operation !== "download" && body.operation !== "upload") return "operation must be download or upload.";
  if (!Array.isArray(body.objects)) return "objects must be an array.";
  if (Array.isArray(body.transfers) && body.transfers.length > 0 && !body.transfers.includes("basic")) return "Only the basic transfer adapter is supported.";
  return { operation: body.operation, objects: body.objects as unknown[] };
}

/** The download answer: every known object gets `actions.download`, unknown oids a per-object error. */
export function batchDownloadResponse(
  requested: readonly unknown[],
  objectOf: (oid: string) => LfsObject | undefined,
  download: (object: LfsObject) => { href: string; token: string },
): Response {
  const objects = requested.map((entry) => {
    const { oid, size } = (entry ?? {}) as { oid?: unknown; size?: unknown };
    const wanted = { oid: typeof oid === "string" ? oid : "", size: typeof size === "number" ? size : 0 };
    if (!/^[0-9a-f]{64}$/.test(wanted.oid)) return { ...wanted, error: { code: 422, message: "Invalid object id." } };
    const object = objectOf(wanted.oid);
    if (!object) return { ...wanted, error: { code: 404, message: "Object does not exist." } };
    const { href, token } = download(object);
    return {
      oid: object.oid,
      size: object.size,
      authenticated: true,
      actions: { download: { href, header: { Authorization: `Bearer ${token}` }, expires_in: LFS_TOKEN_LIFETIME_SECONDS } },
    };
  });
  return lfsJson({ transfer: "basic", objects, hash_algo: "sha256" });
}

/** The bearer token of a download request, or null. */
export function downloadBearer(request: Request): string | null {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? null;
}

export function objectResponse(request: Request, object: LfsObject): Response {
  const bytes = object.bytes();
  return new Response(request.method === "HEAD" ? null : new Uint8Array(bytes), {
    status: 200,
    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length) },
  });
}
