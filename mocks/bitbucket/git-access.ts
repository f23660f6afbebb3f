/**
 * Git smart HTTP: which URLs are git requests and who may use them. Shared by the msw
 * handlers (which stop after the decision) and the server (which then runs git http-backend),
 * so the auth rules exist once.
 */
import { authenticateGit, type Caller } from "./auth";
import { BASIC_REALM, text } from "./responses";
import type { RepositoryRecord } from "./seed";
import type { SandboxState } from "./state";

export type GitService = "git-upload-pack" | "git-receive-pack";

export interface GitRoute {
  readonly workspace: string;
  readonly slug: string;
  /** Path inside the repository as git http-backend expects it: "/info/refs", "/git-upload-pack", ... */
  readonly action: "/info/refs" | "/git-upload-pack" | "/git-receive-pack";
  readonly service: GitService | null;
  /** The repository's wiki (`{slug}.git/wiki`), a separate git repository. */
  readonly wiki: boolean;
}

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/wiki)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;

/**
 * Recognizes `/{workspace}/{slug}.git/info/refs?service=...`, `/{workspace}/{slug}.git/git-upload-pack`
 * and the same under `/{workspace}/{slug}.git/wiki/` (".git" optional).
 */
export function matchGitRoute(pathname: string, search: URLSearchParams): GitRoute | null {
  const match = GIT_PATH.exec(pathname);
  if (!match) return null;
  const action = match[4] as GitRoute["action"];
  const requested = action === "/info/refs" ? search.get("service") : action.slice(1);
  const service = requested === "git-upload-pack" || requested === "git-receive-pack" ? requested : null;
  return { workspace: decodeURIComponent(match[1]!), slug: decodeURIComponent(match[2]!), action, service, wiki: match[3] !== undefined };
}

export type GitDecision =
  | { readonly allowed: true; readonly caller: Caller; readonly repository: RepositoryRecord; readonly service: GitService }
  | { readonly allowed: false; readonly caller: Caller; readonly response: Response };

function challenge(message: string): Response {
  return text(`${message}\n`, 401, { "WWW-Authenticate": BASIC_REALM });
}

/**
 * Read-only access: public repositories for anyone, private ones for workspace members; the same
 * for wikis, which answer 404 when the repository has none or the wikisRemoved knob is set.
 * Unknown or private repositories ask anonymous callers for credentials (like bitbucket.org,
 * which doesn't reveal whether a private repository exists).
 */
export function authorizeGit(state: SandboxState, route: GitRoute, authorization: string | null): GitDecision {
  const caller = authenticateGit(state, authorization);
  if (caller.kind === "rejected") {
    return { allowed: false, caller, response: challenge("Invalid credentials. Use x-token-auth with an OAuth access token or x-bitbucket-api-token-auth with an API token.") };
  }
  if (!route.service) {
    return { allowed: false, caller, response: text("Only the smart HTTP protocol is supported.\n", 403) };
  }
  const repository = state.repository(route.workspace, route.slug);
  const account = caller.kind === "authenticated" ? caller.account : null;
  if (!repository || !state.canRead(account, repository)) {
    if (!account) return { allowed: false, caller, response: challenge("Authentication required.") };
    return { allowed: false, caller, response: text("Repository not found\n", 404) };
  }
  if (route.service === "git-receive-pack") {
    return { allowed: false, caller, response: text("The Bitbucket sandbox is read-only: pushing is not supported.\n", 403) };
  }
  if (route.wiki && (!repository.has_wiki || state.knobs.wikisRemoved)) {
    // No wiki, or wikis removed (2026-08-20, knob wikisRemoved): the URL does not exist.
    return { allowed: false, caller, response: text("Not Found\n", 404) };
  }
  return { allowed: true, caller, repository, service: route.service };
}
