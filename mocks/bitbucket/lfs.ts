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
import { batchDownloadResponse, downloadBearer, lfsJson, lfsTokensFor, objectResponse, parseBatchRequest } from "../common/lfs";
import { authorizeGit } from "./git-access";
import type { Caller } from "./auth";
import type { Serializer } from "./serialize";
import type { SandboxState } from "./state";

export { LFS_CONTENT_TYPE } from "../common/lfs";

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

function lfsError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return lfsJson({ message, documentation_url: "https://support.atlassian.com/bitbucket-cloud/docs/use-git-lfs-with-bitbucket/" }, status, headers);
}


/** A download token bound to one object and (for the log) the account that asked for it. */
export function downloadToken(state: SandboxState, fullName: string, oid: string, accountUuid: string | null): string {
  return lfsTokensFor(state).issue(fullName, oid, accountUuid);
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
  const body = await parseBatchRequest(request);
  if (typeof body === "string") return { response: lfsError(422, body), caller };
  if (body.operation === "upload") return { response: lfsError(403, "The Bitbucket sandbox is read-only: LFS uploads are not supported."), caller };

  const repository = decision.repository;
  const detail = state.detail(repository);
  const account = caller.kind === "authenticated" ? caller.account.uuid : null;
  const response = batchDownloadResponse(
    body.objects,
    (oid) => detail.lfs.get(oid),
    (object) => ({
      href: ser.web(`/_lfs/${encodeURIComponent(repository.workspace)}/${encodeURIComponent(repository.slug)}/${object.oid}`),
      token: downloadToken(state, repository.full_name, object.oid, account),
    }),
  );
  return { response, caller };
}

/** GET /_lfs/{workspace}/{slug}/{oid} with the Authorization header from the batch answer. */
export function handleLfsDownload(state: SandboxState, request: Request, route: LfsRoute): { response: Response; account: string | null } {
  if (request.method !== "GET" && request.method !== "HEAD") return { response: lfsError(405, "Use GET.", { Allow: "GET" }), account: null };
  const fullName = `${route.workspace}/${route.slug}`;
  const bearer = downloadBearer(request);
  if (!bearer) return { response: lfsError(401, "Missing download token: use the header from the batch API's actions.download."), account: null };
  const verdict = lfsTokensFor(state).verify(bearer, fullName, route.oid!);
  if (!verdict.ok) return { response: lfsError(401, verdict.message), account: null };
  const nickname = verdict.account ? (state.accountByUuid(verdict.account)?.nickname ?? null) : null;
  const repository = state.repository(route.workspace, route.slug);
  const object = repository ? state.detail(repository).lfs.get(route.oid!) : undefined;
  if (!object) return { response: lfsError(404, "Object does not exist."), account: nickname };
  return { response: objectResponse(request, object), account: nickname };
}
