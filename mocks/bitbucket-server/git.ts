/**
 * Git over HTTP and LFS for the Bitbucket Server sandbox: smart HTTP at
 * `/scm/{key}/{slug}.git` (HTTP Basic with name + token or password; the access check is shared
 * by the msw handlers, which stop after the decision, and the server, which runs git
 * http-backend), the LFS batch API at `/scm/{key}/{slug}.git/info/lfs/objects/batch` and its
 * downloads at `/_lfs/{key}/{slug}/{oid}` (signed tokens, see ../common/lfs.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { GitRepositoryStore, LAYOUT_VERSION, serveGitHttp } from "../common/git-http";
import { batchDownloadResponse, downloadBearer, lfsJson, lfsTokensFor, objectResponse, parseBatchRequest } from "../common/lfs";
import type { ServerRepository, ServerUser } from "./model";
import type { BitbucketServerState } from "./state";

export interface GitRoute {
  readonly key: string;
  readonly slug: string;
  readonly action: "/info/refs" | "/git-upload-pack" | "/git-receive-pack";
  readonly service: "git-upload-pack" | "git-receive-pack" | null;
}

const GIT = /^\/scm\/([^/]+)\/([^/]+?)(?:\.git)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;
const BATCH = /^\/scm\/([^/]+)\/([^/]+?)(?:\.git)?\/info\/lfs\/objects\/batch$/;
const DOWNLOAD = /^\/_lfs\/([^/]+)\/([^/]+)\/([0-9a-f]{64})$/;

export function matchGitRoute(pathname: string, search: URLSearchParams): GitRoute | null {
  const match = GIT.exec(pathname);
  if (!match) return null;
  const action = match[3] as GitRoute["action"];
  const requested = action === "/info/refs" ? search.get("service") : action.slice(1);
  const service = requested === "git-upload-pack" || requested === "git-receive-pack" ? requested : null;
  return { key: decodeURIComponent(match[1]!), slug: decodeURIComponent(match[2]!), action, service };
}

const text = (body: string, status: number, headers: Record<string, string> = {}) => new Response(`${body}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
const CHALLENGE = { "WWW-Authenticate": 'Basic realm="Atlassian Bitbucket"' };

export type GitDecision =
  | { readonly allowed: true; readonly caller: ServerUser | null; readonly repository: ServerRepository }
  | { readonly allowed: false; readonly caller: ServerUser | null; readonly response: Response };

/** Read-only access with the REST API's rules: public repositories for anyone, others for readers of their project. */
export function authorizeGit(state: BitbucketServerState, route: { key: string; slug: string; service?: string | null }, authorization: string | null): GitDecision {
  const caller = state.authenticate(authorization);
  if (caller === "rejected") return { allowed: false, caller: null, response: text("Authentication failed.", 401, CHALLENGE) };
  if (route.service === null) return { allowed: false, caller, response: text("Only the smart HTTP protocol is supported.", 403) };
  const repository = state.repository(route.key, route.slug);
  if (!repository || !state.canRead(caller, repository)) {
    if (!caller) return { allowed: false, caller, response: text("Authentication required.", 401, CHALLENGE) };
    return { allowed: false, caller, response: text(`Repository not found`, 404) };
  }
  if (route.service === "git-receive-pack") return { allowed: false, caller, response: text("The Bitbucket Server sandbox is read-only.", 403) };
  return { allowed: true, caller, repository };
}

/** LFS batch and download requests; null for other paths. */
export async function handleLfsRequest(state: BitbucketServerState, request: Request, url: URL, baseUrl: string): Promise<{ response: Response; account: string | null } | null> {
  const batch = BATCH.exec(url.pathname);
  if (batch) {
    const decision = authorizeGit(state, { key: decodeURIComponent(batch[1]!), slug: decodeURIComponent(batch[2]!), service: "git-upload-pack" }, request.headers.get("authorization"));
    const account = decision.caller?.name ?? null;
    if (!decision.allowed) {
      const challenge = decision.response.headers.get("www-authenticate");
      return { response: lfsJson({ message: (await decision.response.text()).trim() }, decision.response.status, challenge ? { "WWW-Authenticate": challenge, "LFS-Authenticate": challenge } : {}), account };
    }
    const body = await parseBatchRequest(request);
    if (typeof body === "string") return { response: lfsJson({ message: body }, 422), account };
    if (body.operation === "upload") return { response: lfsJson({ message: "The Bitbucket Server sandbox is read-only." }, 403), account };
    const { repository } = decision;
    const fullName = `${repository.projectKey}/${repository.slug}`;
    const lfs = state.content(repository).lfs;
    const response = batchDownloadResponse(body.objects, (oid) => lfs.get(oid), (object) => ({
      href: `${baseUrl}/_lfs/${encodeURIComponent(repository.projectKey)}/${encodeURIComponent(repository.slug)}/${object.oid}`,
      token: lfsTokensFor(state).issue(fullName, object.oid, account),
    }));
    return { response, account };
  }
  const download = DOWNLOAD.exec(url.pathname);
  if (!download) return null;
  const repository = state.repository(decodeURIComponent(download[1]!), decodeURIComponent(download[2]!));
  const token = downloadBearer(request);
  const object = repository ? state.content(repository).lfs.get(download[3]!) : undefined;
  if (!repository || !object || !token) return { response: lfsJson({ message: "Object not found." }, 404), account: null };
  const verified = lfsTokensFor(state).verify(token, `${repository.projectKey}/${repository.slug}`, object.oid);
  if (!verified.ok) return { response: lfsJson({ message: verified.message }, 401), account: null };
  return { response: objectResponse(request, object), account: verified.account };
}

export class ServerGit {
  private readonly store: GitRepositoryStore;

  constructor(
    private readonly state: BitbucketServerState,
    dataDir: string,
  ) {
    this.store = new GitRepositoryStore(path.join(path.resolve(dataDir), `bitbucket-server-${LAYOUT_VERSION}`));
  }

  async serve(req: IncomingMessage, res: ServerResponse, route: GitRoute, decision: Extract<GitDecision, { allowed: true }>, account: string | null): Promise<number> {
    const { repository } = decision;
    const relative = `${repository.projectKey.toLowerCase()}/${repository.slug}.git`;
    await this.store.ensure(relative, () => this.state.content(repository).git, this.state.revision(repository));
    return serveGitHttp(req, res, { projectRoot: this.store.root, pathInfo: `/${relative}${route.action}`, remoteUser: account });
  }
}
