/**
 * Git over HTTP for the GitHub sandbox: which URLs are git requests (`/{owner}/{repo}.git`,
 * `/{owner}/{repo}.wiki.git`, gists at `/{gist_id}.git`), who may use them (shared by the msw
 * handlers, which stop after the decision, and the server, which runs git http-backend), and the
 * bare repositories behind them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { PlanBuilder } from "../common/git-content";
import { GitRepositoryStore, LAYOUT_VERSION, serveGitHttp } from "../common/git-http";
import type { HashedGitPlan } from "../common/git-objects";
import { authenticate, type Caller } from "./api";
import { gitIdentity, seconds } from "./generate";
import type { GistSeed, RepoSeed } from "./model";
import { GITHUB_ACCOUNTS, GITHUB_ACCOUNT_LIST } from "./seed";
import type { GithubState } from "./state";

export type GitAction = "/info/refs" | "/git-upload-pack" | "/git-receive-pack";

export interface GitRoute {
  readonly kind: "repository" | "wiki" | "gist";
  /** owner/name for repositories and wikis, the gist id for gists. */
  readonly owner: string;
  readonly name: string;
  readonly action: GitAction;
  readonly service: "git-upload-pack" | "git-receive-pack" | null;
}

const WIKI = /^\/([^/]+)\/([^/]+?)\.wiki\.git(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;
const GIST = /^\/([0-9a-f]{32})(?:\.git)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;
const REPOSITORY = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;

export function matchGitRoute(pathname: string, search: URLSearchParams): GitRoute | null {
  const wiki = WIKI.exec(pathname);
  const gist = wiki ? null : GIST.exec(pathname);
  const repository = wiki || gist ? null : REPOSITORY.exec(pathname);
  const parts = wiki ? ["wiki", wiki[1], wiki[2], wiki[3]] : gist ? ["gist", gist[1], "", gist[2]] : repository ? ["repository", repository[1], repository[2], repository[3]] : null;
  if (!parts) return null;
  const action = parts[3] as GitAction;
  const requested = action === "/info/refs" ? search.get("service") : action.slice(1);
  const service = requested === "git-upload-pack" || requested === "git-receive-pack" ? requested : null;
  return { kind: parts[0] as GitRoute["kind"], owner: decodeURIComponent(parts[1]!), name: decodeURIComponent(parts[2]!), action, service };
}

function text(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

const challenge = (message: string) => text(`${message}\n`, 401, { "WWW-Authenticate": 'Basic realm="GitHub"' });

export type GitDecision =
  | { readonly allowed: true; readonly caller: Caller; readonly repo: RepoSeed | null; readonly gist: GistSeed | null; readonly route: GitRoute }
  | { readonly allowed: false; readonly caller: Caller; readonly response: Response };

/** Read-only access: public repositories and gists for anyone, private ones for accounts with a permission. */
export function authorizeGit(state: GithubState, route: GitRoute, authorization: string | null): GitDecision {
  const caller = authenticate(state, authorization);
  if (caller.kind === "rejected") return { allowed: false, caller, response: challenge("remote: Invalid username or token. Password authentication is not supported for Git operations.") };
  if (!route.service) return { allowed: false, caller, response: text("Only the smart HTTP protocol is supported.\n", 403) };
  if (route.kind === "gist") {
    const gist = state.gist(route.owner);
    if (!gist) return { allowed: false, caller, response: text("Repository not found.\n", 404) };
    if (route.service === "git-receive-pack") return { allowed: false, caller, response: text("The GitHub sandbox is read-only.\n", 403) };
    return { allowed: true, caller, repo: null, gist, route };
  }
  const repo = state.repository(route.owner, route.name);
  const account = caller.kind === "authenticated" ? caller.account : null;
  if (!repo || !state.canRead(account, repo)) {
    if (!account) return { allowed: false, caller, response: challenge("Authentication required.") };
    return { allowed: false, caller, response: text("remote: Repository not found.\n", 404) };
  }
  if (route.service === "git-receive-pack") return { allowed: false, caller, response: text("The GitHub sandbox is read-only.\n", 403) };
  if (route.kind === "wiki" && (!repo.has_wiki || !state.content(repo).wiki)) return { allowed: false, caller, response: text("remote: Repository not found.\n", 404) };
  return { allowed: true, caller, repo, gist: null, route };
}

/** A gist's history: one commit per revision, by its owner. */
export function gistPlan(gist: GistSeed): HashedGitPlan {
  const seed = GITHUB_ACCOUNT_LIST.find((account) => account.login === gist.owner) ?? GITHUB_ACCOUNTS.ghost;
  const plan = new PlanBuilder();
  let previous: number | null = null;
  let names: string[] = [];
  for (const revision of gist.revisions) {
    const files = Object.fromEntries(revision.files.map((file) => [file.filename, file.content]));
    const deletes = names.filter((name) => files[name] === undefined);
    previous = plan.add({ parents: previous === null ? [] : [previous], message: "", author: gitIdentity(seed), timestamp: seconds(revision.at), files, deletes });
    names = Object.keys(files);
  }
  return plan.plan({ main: previous! }, [], "main");
}

export class GithubGit {
  private readonly repositories: GitRepositoryStore;
  private readonly wikis: GitRepositoryStore;
  private readonly gists: GitRepositoryStore;

  constructor(
    readonly state: GithubState,
    dataDir: string,
  ) {
    const root = path.join(path.resolve(dataDir), `github-${LAYOUT_VERSION}`);
    this.repositories = new GitRepositoryStore(path.join(root, "repositories"));
    this.wikis = new GitRepositoryStore(path.join(root, "wikis"));
    this.gists = new GitRepositoryStore(path.join(root, "gists"));
  }

  /** The bare repository of a repository, wiki or gist, built on first use. */
  ensure(decision: Extract<GitDecision, { allowed: true }>): Promise<{ root: string; relative: string }> {
    const { repo, gist, route } = decision;
    if (gist) {
      const relative = `${gist.id}.git`;
      return this.gists.ensure(relative, () => gistPlan(gist)).then(() => ({ root: this.gists.root, relative }));
    }
    const relative = `${repo!.owner}/${repo!.name}.git`;
    const store = route.kind === "wiki" ? this.wikis : this.repositories;
    const content = this.state.content(repo!);
    const revision = route.kind === "wiki" ? 0 : this.state.revision(repo!);
    return store.ensure(relative, () => (route.kind === "wiki" ? content.wiki! : content.git), revision).then(() => ({ root: store.root, relative }));
  }

  async serve(req: IncomingMessage, res: ServerResponse, decision: Extract<GitDecision, { allowed: true }>, remoteUser: string | null): Promise<number> {
    const { root, relative } = await this.ensure(decision);
    return serveGitHttp(req, res, { projectRoot: root, pathInfo: `/${relative}${decision.route.action}`, remoteUser });
  }
}
