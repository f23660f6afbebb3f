/**
 * The Bitbucket sandbox's git repositories: `<dataDir>/git-v1/<workspace>/<slug>.git`, wikis in
 * `<dataDir>/git-v1-wiki/<workspace>/<slug>.git`, built on first use and served with
 * `git http-backend` (../common/git-http.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { GitRepositoryStore, LAYOUT_VERSION, serveGitHttp } from "../common/git-http";
import { fastImportStream as planStream, type HashedGitPlan } from "../common/git-objects";
import type { RepositoryDetail } from "./content";
import type { GitRoute } from "./git-access";
import type { RepositoryRecord } from "./seed";
import type { SandboxState } from "./state";

/**
 * The fast-import stream that creates a repository's (or its wiki's) reachable commits, branches
 * and tags. Accepts a detail record (its git content) or a hashed plan.
 */
export function fastImportStream(source: RepositoryDetail | HashedGitPlan): string {
  return planStream("git" in source ? source.git : source);
}

export class GitBackend {
  private readonly repositories: GitRepositoryStore;
  private readonly wikis: GitRepositoryStore;

  constructor(
    readonly state: SandboxState,
    dataDir: string,
  ) {
    this.repositories = new GitRepositoryStore(path.join(path.resolve(dataDir), LAYOUT_VERSION));
    this.wikis = new GitRepositoryStore(path.join(path.resolve(dataDir), `${LAYOUT_VERSION}-wiki`));
  }

  /** Repositories: `<root>/<workspace>/<slug>.git`. */
  get root(): string {
    return this.repositories.root;
  }

  /** Wikis: `<wikiRoot>/<workspace>/<slug>.git` (a separate project root for git http-backend). */
  get wikiRoot(): string {
    return this.wikis.root;
  }

  private relative(repository: RepositoryRecord): string {
    return path.join(repository.workspace, `${repository.slug}.git`);
  }

  repositoryPath(repository: RepositoryRecord): string {
    return path.join(this.root, this.relative(repository));
  }

  wikiPath(repository: RepositoryRecord): string {
    return path.join(this.wikiRoot, this.relative(repository));
  }

  /** The bare repository's path, creating it on first use. Safe to call concurrently. */
  ensureRepository(repository: RepositoryRecord): Promise<string> {
    return this.repositories.ensure(this.relative(repository), () => this.state.detail(repository).git, this.state.revision);
  }

  /** The wiki's bare repository (for repositories with a wiki), creating it on first use. */
  ensureWiki(repository: RepositoryRecord): Promise<string> {
    return this.wikis.ensure(this.relative(repository), () => {
      const wiki = this.state.detail(repository).wiki;
      if (!wiki) throw new Error(`${repository.full_name} has no wiki`);
      return wiki;
    });
  }

  /** Runs `git http-backend` for an authorized request; resolves with the HTTP status sent. */
  async serve(req: IncomingMessage, res: ServerResponse, route: GitRoute, repository: RepositoryRecord, remoteUser: string | null): Promise<number> {
    if (route.wiki) await this.ensureWiki(repository);
    else await this.ensureRepository(repository);
    return serveGitHttp(req, res, {
      projectRoot: route.wiki ? this.wikiRoot : this.root,
      pathInfo: `/${repository.workspace}/${repository.slug}.git${route.action}`,
      remoteUser,
    });
  }
}
