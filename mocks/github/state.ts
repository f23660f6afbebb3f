/**
 * The GitHub sandbox's in-memory state: accounts (renamable, ids fixed), tokens, repositories
 * and their generated content, rate-limit buckets, fault knobs and the request log. One state
 * can back the msw handlers and the HTTP server at the same time.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { SandboxStateError } from "../common/state-error";
import { envNumber, templateOf, type RequestLogEntry, type RouteTemplates } from "../common/request-log";
import { KnobbedState } from "../common/sandbox-state";
import { SeededKnobs } from "../common/random";
import { applyGithubChanges, type AppliedChange, type GithubChange } from "./changes";
import { DEFAULT_BENCH, GENERIC_SIZES, generateSizedContent, type ContentSizes } from "./generate";
import { PERMISSION_RANK, type GistSeed, type OrgSeed, type Permission, type RepoSeed, type RepositoryContent, type UserSeed } from "./model";
import { BENCH_ORG, GITHUB_ACCOUNTS, GITHUB_ACCOUNT_LIST, GITHUB_GISTS, GITHUB_ORGS, sandboxRepositories } from "./seed";
import { showcaseContent } from "./showcase";

export const knobsSchema = z.object({
  /** Added to every API request. */
  latencyMs: z.number().int().min(0).max(60_000),
  /** Share (0..1) of API requests answered 500/502/503. */
  error5xxRatio: z.number().min(0).max(1),
  /** Share (0..1) of API requests answered with a secondary rate limit. */
  secondaryRateLimitRatio: z.number().min(0).max(1),
  /** Status of secondary-limit answers: GitHub sends 403 or 429. */
  secondaryRateLimitStatus: z.union([z.literal(403), z.literal(429)]),
  /** retry-after (seconds) on secondary-limit answers. */
  retryAfterSeconds: z.number().int().min(0),
  /** More concurrent API requests than this get a secondary limit; 0 = no concurrency limit. */
  maxConcurrentRequests: z.number().int().min(0),
  /** Primary limit per token owner and hour (x-ratelimit-limit of the core resource); anonymous callers get 60. */
  rateLimitLimit: z.number().int().min(1),
  /** x-ratelimit-limit of the search resource (per minute). */
  searchRateLimitLimit: z.number().int().min(1),
  /** Length of the primary window (x-ratelimit-reset = window start + this). */
  rateLimitWindowSeconds: z.number().int().min(1),
  /** `page` beyond this answers 422 "Pagination with the page parameter is not supported for large datasets"; 0 = off. */
  maxPage: z.number().int().min(0),
  /** Seed of the fault PRNG: same seed, same sequence of injected faults. */
  seed: z.number().int(),
});

export type GithubKnobs = z.infer<typeof knobsSchema>;

export const DEFAULT_KNOBS: GithubKnobs = {
  latencyMs: 0,
  error5xxRatio: 0,
  secondaryRateLimitRatio: 0,
  secondaryRateLimitStatus: 403,
  retryAfterSeconds: 60,
  maxConcurrentRequests: 0,
  rateLimitLimit: 5000,
  searchRateLimitLimit: 30,
  rateLimitWindowSeconds: 3600,
  maxPage: 0,
  seed: 1,
};

export const ANONYMOUS_RATE_LIMIT = 60;

export interface GithubAccount extends UserSeed {
  login: string;
}

export interface GithubStateOptions {
  knobs?: Partial<GithubKnobs>;
  /** Generated repositories in acme besides the fixed ones (default 12). */
  repositories?: number;
  /** Adds organisation `bench` with bench/big-repo; `true` uses DEFAULT_BENCH. */
  bench?: boolean | Partial<ContentSizes>;
  now?: () => number;
  requestLogLimit?: number;
  oauthClient?: { id: string; secret: string };
}

export interface RateBucket {
  used: number;
  resetAt: number;
}

export type RateResource = "core" | "search";

const TEMPLATES: RouteTemplates = [
  [/^(?:\/api\/v3)?\/repos\/[^/]+\/[^/]+\/(issues|pulls)\/\d+\/([a-z_]+)$/, "/repos/{owner}/{repo}/$1/{number}/*"],
  [/^(?:\/api\/v3)?\/repos\/[^/]+\/[^/]+\/(issues|pulls)\/\d+$/, "/repos/{owner}/{repo}/$1/{number}"],
  [/^(?:\/api\/v3)?\/repos\/[^/]+\/[^/]+\/branches\/.+\/protection$/, "/repos/{owner}/{repo}/branches/{branch}/protection"],
  [/^(?:\/api\/v3)?\/repos\/[^/]+\/[^/]+\/([a-z_]+(?:\/[a-z_]+)?)$/, "/repos/{owner}/{repo}/$1"],
  [/^(?:\/api\/v3)?\/repos\/[^/]+\/[^/]+$/, "/repos/{owner}/{repo}"],
  [/^(?:\/api\/v3)?\/(users|orgs|repositories|gists)\/[^/]+$/, "/$1/{id}"],
  [/^\/[^/]+\/[^/]+?\.git\/info\/lfs\/objects\/batch$/, "/{owner}/{repo}.git/info/lfs/objects/batch"],
  [/^\/[^/]+\/[^/]+?\.wiki\.git(\/info\/refs|\/git-upload-pack)$/, "/{owner}/{repo}.wiki.git$1"],
  [/^\/[^/]+\/[^/]+?\.git(\/info\/refs|\/git-upload-pack)$/, "/{owner}/{repo}.git$1"],
  [/^\/[0-9a-f]{32}\.git(\/info\/refs|\/git-upload-pack)$/, "/{gist_id}.git$1"],
];

export function routeTemplate(path: string): string {
  return templateOf(TEMPLATES, ["/user", "/search", "/rate_limit", "/api/v3/", "/login/"], path);
}

export class GithubState extends KnobbedState<GithubKnobs> {
  declare readonly options: GithubStateOptions;
  readonly orgs: readonly OrgSeed[];
  readonly repositories: readonly RepoSeed[];
  readonly gists: readonly GistSeed[] = GITHUB_GISTS;
  readonly benchSizes: ContentSizes | null;
  readonly oauthClient: { id: string; secret: string };
  accounts!: GithubAccount[];
  /** Token -> account id (seed tokens plus tokens issued by OAuth or the admin endpoint). */
  readonly tokens = new Map<string, number>();
  readonly revokedTokens = new Set<string>();
  readonly authorizationCodes = new Map<string, { accountId: number; redirectUri: string | null; expiresAt: number }>();
  readonly rateBuckets = new Map<string, RateBucket>();
  inFlight = 0;
  private readonly contentCache = new Map<number, RepositoryContent>();
  /** How many times a repository's content was changed (its git repository is rebuilt for each). */
  private readonly revisions = new Map<number, number>();
  /** The clock of changes: strictly increasing whole seconds. */
  private changeClock = 0;
  private readonly repoById = new Map<number, RepoSeed>();
  private readonly repoByName = new Map<string, RepoSeed>();

  constructor(options: GithubStateOptions = {}) {
    super(routeTemplate, options, new SeededKnobs((value) => knobsSchema.parse(value), (patch) => knobsSchema.partial().strict().parse(patch)));
    this.benchSizes = options.bench ? { ...DEFAULT_BENCH, ...(options.bench === true ? {} : options.bench) } : null;
    this.orgs = [...GITHUB_ORGS, ...(this.benchSizes ? [BENCH_ORG] : [])];
    this.repositories = sandboxRepositories(options.repositories ?? 12, this.benchSizes !== null);
    for (const repo of this.repositories) {
      this.repoById.set(repo.id, repo);
      this.repoByName.set(`${repo.owner}/${repo.name}`.toLowerCase(), repo);
    }
    this.oauthClient = options.oauthClient ?? { id: "Iv1.sandbox0client01", secret: "sandbox-github-client-secret-0000000000" };
    this.reset();
  }

  /** Back to the start: seed accounts and tokens, empty log and buckets, initial knobs, PRNG reseeded. */
  reset(): void {
    this.seededKnobs.reset({ ...DEFAULT_KNOBS, ...this.options.knobs });
    this.accounts = GITHUB_ACCOUNT_LIST.map((account) => ({ ...account }));
    this.tokens.clear();
    this.revokedTokens.clear();
    for (const account of this.accounts) if (account.token) this.tokens.set(account.token, account.id);
    this.authorizationCodes.clear();
    this.rateBuckets.clear();
    this.inFlight = 0;
    this.log.reset();
    // Changed repositories get their generated content back (and their git repositories are rebuilt).
    for (const [id, revision] of this.revisions) {
      this.contentCache.delete(id);
      this.revisions.set(id, revision + 1);
    }
  }

  /** Draws the fault for one API request. */
  nextFault(): "secondary" | "5xx" | null {
    return this.seededKnobs.drawFault([["secondary", this.knobs.secondaryRateLimitRatio], ["5xx", this.knobs.error5xxRatio]] as const);
  }

  // --- accounts -----------------------------------------------------------------------------

  account(id: number): GithubAccount | undefined {
    return this.accounts.find((account) => account.id === id);
  }

  accountByLogin(login: string): GithubAccount | undefined {
    const lower = login.toLowerCase();
    return this.accounts.find((account) => account.login.toLowerCase() === lower);
  }

  /** The account a token belongs to, or null (unknown or revoked). */
  accountByToken(token: string): GithubAccount | null {
    if (this.revokedTokens.has(token)) return null;
    const id = this.tokens.get(token);
    return id === undefined ? null : (this.account(id) ?? null);
  }

  issueToken(accountId: number): string {
    const token = `gho_${randomBytes(27).toString("base64url").replace(/[-_]/g, "0").slice(0, 36)}`;
    this.tokens.set(token, accountId);
    return token;
  }

  /** Revokes every token of an account (its personal access token included). */
  revokeTokensOf(accountId: number): number {
    let revoked = 0;
    for (const [token, id] of this.tokens) {
      if (id === accountId && !this.revokedTokens.has(token)) {
        this.revokedTokens.add(token);
        revoked++;
      }
    }
    return revoked;
  }

  renameAccount(login: string, newLogin: string): GithubAccount {
    const account = this.accountByLogin(login);
    if (!account) throw new SandboxStateError(404, `No account '${login}'.`);
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/.test(newLogin)) throw new SandboxStateError(422, "Invalid login.");
    if (this.accountByLogin(newLogin) && newLogin.toLowerCase() !== login.toLowerCase()) throw new SandboxStateError(422, `The login '${newLogin}' is taken.`);
    account.login = newLogin;
    return account;
  }

  // --- organisations and repositories ---------------------------------------------------------

  org(login: string): OrgSeed | undefined {
    return this.orgs.find((org) => org.login.toLowerCase() === login.toLowerCase());
  }

  /** The organisation role of an account (memberships are stored by original login, i.e. by id). */
  orgRole(org: OrgSeed, account: GithubAccount | null): "admin" | "member" | null {
    if (!account) return null;
    const seed = GITHUB_ACCOUNT_LIST.find((candidate) => candidate.id === account.id);
    return org.members.find((member) => member.login === seed?.login)?.role ?? null;
  }

  /** The current login of a repository owner (a user may have been renamed). */
  ownerLogin(repo: RepoSeed): string {
    if (this.org(repo.owner)) return repo.owner;
    const seed = GITHUB_ACCOUNT_LIST.find((account) => account.login === repo.owner);
    return (seed && this.account(seed.id)?.login) ?? repo.owner;
  }

  fullName(repo: RepoSeed): string {
    return `${this.ownerLogin(repo)}/${repo.name}`;
  }

  repositoryById(id: number): RepoSeed | undefined {
    return this.repoById.get(id);
  }

  repository(owner: string, name: string): RepoSeed | undefined {
    const direct = this.repoByName.get(`${owner}/${name}`.toLowerCase());
    if (direct) return direct;
    // A renamed user's repositories move with the new login.
    const account = this.accountByLogin(owner);
    const seed = account && GITHUB_ACCOUNT_LIST.find((candidate) => candidate.id === account.id);
    return seed ? this.repoByName.get(`${seed.login}/${name}`.toLowerCase()) : undefined;
  }

  /** The account's permission on a repository, or null (no access; public repositories still read). */
  permission(account: GithubAccount | null, repo: RepoSeed): Permission | null {
    if (!account) return null;
    const seed = GITHUB_ACCOUNT_LIST.find((candidate) => candidate.id === account.id);
    if (seed?.login === repo.owner) return "admin";
    const grants: Permission[] = [];
    const org = this.org(repo.owner);
    const role = org ? this.orgRole(org, account) : null;
    if (role === "admin") grants.push("admin");
    else if (role === "member" && repo.orgBasePermission) grants.push(repo.orgBasePermission);
    const direct = this.collaboratorsOf(repo).find((collaborator) => collaborator.login === seed?.login);
    if (direct) grants.push(direct.permission);
    return grants.sort((a, b) => PERMISSION_RANK[b] - PERMISSION_RANK[a])[0] ?? null;
  }

  /** A repository's direct collaborators: the seed's, or as changes left them. */
  collaboratorsOf(repo: RepoSeed): RepoSeed["collaborators"] {
    return this.contentCache.get(repo.id)?.collaborators ?? repo.collaborators;
  }

  canRead(account: GithubAccount | null, repo: RepoSeed): boolean {
    return !repo.private || this.permission(account, repo) !== null;
  }

  /** Generated on first use and cached. */
  content(repo: RepoSeed): RepositoryContent {
    let content = this.contentCache.get(repo.id);
    if (!content) {
      const people = this.peopleOf(repo);
      content =
        repo.content === "showcase"
          ? showcaseContent(repo)
          : generateSizedContent(repo, repo.content === "bench" && this.benchSizes ? this.benchSizes : GENERIC_SIZES, people);
      this.contentCache.set(repo.id, content);
    }
    return content;
  }

  revision(repo: RepoSeed): number {
    return this.revisions.get(repo.id) ?? 0;
  }

  /** Applies changes made at the source after an import (see changes.ts), all or none. */
  changeRepository(repo: RepoSeed, changes: readonly GithubChange[]): AppliedChange[] {
    const stamp = () => (this.changeClock = Math.max(Math.ceil(this.now() / 1000) * 1000, this.changeClock + 1000));
    const result = applyGithubChanges({ ...this.content(repo), collaborators: this.collaboratorsOf(repo) }, this.fullName(repo), changes, stamp);
    this.contentCache.set(repo.id, result.content);
    this.revisions.set(repo.id, this.revision(repo) + 1);
    return result.applied;
  }

  private peopleOf(repo: RepoSeed): UserSeed[] {
    const { alice, bob, carol, daniel, erin } = GITHUB_ACCOUNTS;
    return repo.owner === "umbrella" ? [carol] : [alice, bob, carol, daniel, erin];
  }

  gist(id: string): GistSeed | undefined {
    return this.gists.find((gist) => gist.id === id);
  }

  // --- rate limits ----------------------------------------------------------------------------

  /** The caller's bucket for a resource (anonymous callers share one per address). */
  bucket(key: string, resource: RateResource): RateBucket {
    const id = `${resource}:${key}`;
    const now = Math.floor(this.now() / 1000);
    let bucket = this.rateBuckets.get(id);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { used: 0, resetAt: now + (resource === "search" ? 60 : this.knobs.rateLimitWindowSeconds) };
      this.rateBuckets.set(id, bucket);
    }
    return bucket;
  }

  /** Sets an account's core bucket (tests and demos: "only 3 requests left, reset in 10 s"). */
  setRateLimit(login: string, change: { remaining?: number; resetInSeconds?: number }): RateBucket {
    const account = this.accountByLogin(login);
    if (!account) throw new SandboxStateError(404, `No account '${login}'.`);
    const bucket = this.bucket(`user:${account.id}`, "core");
    if (change.remaining !== undefined) bucket.used = Math.max(0, this.knobs.rateLimitLimit - change.remaining);
    if (change.resetInSeconds !== undefined) bucket.resetAt = Math.floor(this.now() / 1000) + change.resetInSeconds;
    return bucket;
  }

  // --- OAuth ----------------------------------------------------------------------------------

  createAuthorizationCode(accountId: number, redirectUri: string | null): string {
    const code = randomBytes(10).toString("hex");
    this.authorizationCodes.set(code, { accountId, redirectUri, expiresAt: this.now() + 600_000 });
    return code;
  }

  // --- request log ----------------------------------------------------------------------------

  logRequest(method: string, url: URL, status: number, account: string | null): RequestLogEntry {
    return this.log.record(method, url, status, account);
  }
}


export function createGithubState(options: GithubStateOptions = {}): GithubState {
  return new GithubState(options);
}

/**
 * Options from the environment, for the server: GITHUB_SANDBOX_LATENCY_MS, _500_RATIO,
 * _SECONDARY_RATIO, _SECONDARY_STATUS, _RETRY_AFTER, _RATE_LIMIT, _SEED, _REPOSITORIES and
 * GITHUB_SANDBOX_BENCH ("1" for the defaults or a JSON object of sizes).
 */
export function githubOptionsFromEnv(env: Record<string, string | undefined>): GithubStateOptions {
  const number = (name: string) => envNumber(env, `GITHUB_SANDBOX_${name}`);
  const entries = {
    latencyMs: number("LATENCY_MS"),
    error5xxRatio: number("500_RATIO"),
    secondaryRateLimitRatio: number("SECONDARY_RATIO"),
    secondaryRateLimitStatus: number("SECONDARY_STATUS"),
    retryAfterSeconds: number("RETRY_AFTER"),
    rateLimitLimit: number("RATE_LIMIT"),
    seed: number("SEED"),
  };
  const knobs = knobsSchema.partial().parse(Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)));
  const rawBench = env.GITHUB_SANDBOX_BENCH?.trim();
  const bench = !rawBench || /^(0|false|no|off)$/i.test(rawBench) ? undefined : rawBench.startsWith("{") ? (JSON.parse(rawBench) as Partial<ContentSizes>) : true;
  return { knobs, repositories: number("REPOSITORIES"), ...(bench ? { bench } : {}) };
}
