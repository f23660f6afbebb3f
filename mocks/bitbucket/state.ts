/**
 * The sandbox's in-memory state: seed data (accounts can be renamed), issued OAuth
 * credentials, fault-injection knobs and the request log. One state can back several
 * handler sets (e.g. msw in a unit test and the HTTP server at the same time).
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { BENCH_WORKSPACE, benchAccounts, benchWorkspace, generateBenchDetail, resolveBench, type BenchOptions, type ResolvedBench } from "./bench";
import { ChangedDetail, stampClock, type SandboxChange } from "./changes";
import type { RepositoryDetail } from "./content";
import { generateGenericDetail } from "./generate";
import { SeededKnobs } from "../common/random";
import {
  HIDDEN_WORKSPACES,
  SANDBOX_ACCOUNT_LIST,
  SANDBOX_CONSUMER,
  generateRepositories,
  generateWorkspaces,
  type RepositoryRecord,
  type SandboxAccountSeed,
  type SandboxConsumer,
  type SandboxScale,
  type WorkspaceSeed,
} from "./seed";
import { showcaseDetail } from "./showcase";
import { SandboxStateError } from "../common/state-error";
import { envNumber, type RequestLogEntry } from "../common/request-log";
import { KnobbedState } from "../common/sandbox-state";
import { routeTemplate } from "./stats";

// ---------------------------------------------------------------------------------------------
// Knobs

export const knobsSchema = z.object({
  /** Added to every /2.0 API request. */
  latencyMs: z.number().int().min(0).max(60_000),
  /** Share (0..1) of /2.0 requests answered 429. */
  rateLimit429Ratio: z.number().min(0).max(1),
  /** X-RateLimit-Reset on 429 responses: seconds until the window resets. */
  rateLimitResetSeconds: z.number().int().min(0),
  /** X-RateLimit-Limit on 429 responses. */
  rateLimitLimit: z.number().int().min(1),
  /** Share (0..1) of /2.0 requests answered 500. */
  error5xxRatio: z.number().min(0).max(1),
  /** Lifetime of new OAuth access tokens (expires_in). */
  tokenLifetimeSeconds: z.number().int().min(1),
  /** Bitbucket removed Issues on 2026-08-20; false brings the endpoints back. */
  issuesRemoved: z.boolean(),
  /** Bitbucket removed Wikis on 2026-08-20; true makes `{repo}.git/wiki` answer 404. Default false so imports can test wikis. */
  wikisRemoved: z.boolean(),
  /** Seed of the fault-injection PRNG: same seed, same sequence of injected 429/500s. */
  seed: z.number().int(),
  /** /2.0 paths (regular expressions) answered 200 with a malformed body: a record an importer cannot read. */
  brokenPaths: z.array(z.string()),
});

export type SandboxKnobs = z.infer<typeof knobsSchema>;

export const DEFAULT_KNOBS: SandboxKnobs = {
  latencyMs: 0,
  rateLimit429Ratio: 0,
  rateLimitResetSeconds: 3600,
  rateLimitLimit: 1000,
  error5xxRatio: 0,
  tokenLifetimeSeconds: 7200,
  issuesRemoved: true,
  wikisRemoved: false,
  seed: 1,
  brokenPaths: [],
};

/** Authorization codes are single-use and expire after this long. */
export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 300;

// ---------------------------------------------------------------------------------------------
// Records

export interface SandboxAccount {
  readonly uuid: string;
  readonly account_id: string;
  nickname: string;
  display_name: string;
  readonly email: string;
  readonly apiToken: string;
  readonly created_on: string;
}

export interface AccessTokenRecord {
  readonly token: string;
  readonly accountUuid: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  readonly refreshToken: string;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  readonly token: string;
  readonly accountUuid: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  revoked: boolean;
  /** The access token most recently issued with this refresh token (older ones are revoked on refresh). */
  currentAccessToken: string;
}

export interface AuthorizationCodeRecord {
  readonly code: string;
  readonly accountUuid: string;
  readonly clientId: string;
  readonly redirectUri: string | null;
  readonly expiresAt: number;
  used: boolean;
}

export type { RequestLogEntry } from "../common/request-log";

export type RepositoryRole = "owner" | "admin" | "contributor" | "member";
const ROLE_RANK: Record<RepositoryRole, number> = { member: 1, contributor: 2, admin: 3, owner: 4 };

export interface SandboxStateOptions {
  /** Seed size; default 4 workspaces / 136 repositories, "large" = 50 / 5,000. */
  scale?: SandboxScale;
  knobs?: Partial<SandboxKnobs>;
  consumer?: Partial<SandboxConsumer>;
  /** Clock in milliseconds (tests may inject one); defaults to Date.now. */
  now?: () => number;
  /**
   * Adds workspace `bench` with `bench/big-repo` and extra member accounts (see bench.ts);
   * `true` uses the defaults (2,000 pull requests, 3,000 issues, 5,000 commits, ...).
   */
  bench?: boolean | BenchOptions;
  /** The request log keeps at most this many entries (oldest dropped); default 200,000. Counters in stats() are unaffected. */
  requestLogLimit?: number;
}

interface WorkspaceRepositories {
  readonly list: readonly RepositoryRecord[];
  readonly bySlug: ReadonlyMap<string, RepositoryRecord>;
}

export class SandboxState extends KnobbedState<SandboxKnobs> {
  declare readonly options: SandboxStateOptions;
  readonly consumer: SandboxConsumer;
  readonly workspaces: readonly WorkspaceSeed[];
  /** The resolved bench options, or null without bench. */
  readonly bench: ResolvedBench | null;
  /** Every account's seed: the three sandbox accounts, then bench accounts. */
  readonly seedAccounts: readonly SandboxAccountSeed[];
  accounts!: SandboxAccount[];
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
  private readonly workspaceBySlug = new Map<string, WorkspaceSeed>();
  private readonly repositoryCache = new Map<string, WorkspaceRepositories>();
  private readonly detailCache = new Map<string, RepositoryDetail>();
  /** Repositories changed through `changeRepository`, by full name (dropped by reset). */
  private readonly changed = new Map<string, ChangedDetail>();
  private readonly changeStamp = stampClock(() => this.now());
  /** Raised by every change, so the git backend rebuilds changed repositories. */
  revision = 0;
  private readonly seedByUuid = new Map<string, SandboxAccountSeed>();
  private readonly seedByNickname = new Map<string, SandboxAccountSeed>();

  constructor(options: SandboxStateOptions = {}) {
    super(routeTemplate, options, new SeededKnobs((value) => knobsSchema.parse(value), (patch) => knobsSchema.partial().strict().parse(patch)));
    this.consumer = { ...SANDBOX_CONSUMER, ...options.consumer };
    this.bench = resolveBench(options.bench);
    const extraAccounts = this.bench ? benchAccounts(this.bench.users) : [];
    this.seedAccounts = [...SANDBOX_ACCOUNT_LIST, ...extraAccounts];
    for (const seed of this.seedAccounts) {
      this.seedByUuid.set(seed.uuid, seed);
      this.seedByNickname.set(seed.nickname, seed);
    }
    this.workspaces = [...generateWorkspaces(options.scale), ...(this.bench ? [benchWorkspace(extraAccounts)] : [])];
    for (const workspace of [...this.workspaces, ...HIDDEN_WORKSPACES]) {
      this.workspaceBySlug.set(workspace.slug, workspace);
      this.workspaceBySlug.set(workspace.uuid.toLowerCase(), workspace);
    }
    this.reset();
  }

  /** Back to the start: seed accounts, no tokens, empty log (indexes restart at 0), initial knobs, PRNG reseeded. */
  reset(): void {
    this.seededKnobs.reset({ ...DEFAULT_KNOBS, ...this.options.knobs });
    this.accounts = this.seedAccounts.map((account) => ({ ...account }));
    this.accountIndex = null;
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.authorizationCodes.clear();
    this.log.reset();
    if (this.changed?.size) {
      for (const key of this.changed.keys()) this.detailCache.delete(key);
      this.changed.clear();
      this.revision++;
    }
  }

  /**
   * Applies changes to a repository's content (see changes.ts), in order; a change that does not
   * apply stops the list there. Returns what each applied change created or touched.
   */
  changeRepository(repository: RepositoryRecord, changes: readonly SandboxChange[]): Array<{ type: string; id?: number }> {
    let changed = this.changed.get(repository.full_name);
    if (!changed) {
      changed = new ChangedDetail(this.detail(repository));
      this.changed.set(repository.full_name, changed);
    }
    const workspace = this.workspace(repository.workspace)!;
    const firstMember = this.seedByNickname.get(workspace.members[0]!.nickname)!;
    const context = {
      accountUuid: (nickname: string) => {
        const account = this.accountByNickname(nickname);
        if (!account) throw new SandboxStateError(404, `No account with nickname '${nickname}'.`);
        return account.uuid;
      },
      stamp: this.changeStamp,
      defaultUser: firstMember.uuid,
    };
    const results: Array<{ type: string; id?: number }> = [];
    try {
      for (const change of changes) results.push(changed.apply(change, context));
    } finally {
      this.detailCache.set(repository.full_name, changed.detail());
      this.revision++;
    }
    return results;
  }

  /** Draws the fault for one API request. */
  nextFault(): "429" | "5xx" | null {
    return this.seededKnobs.drawFault([["429", this.knobs.rateLimit429Ratio], ["5xx", this.knobs.error5xxRatio]] as const);
  }

  // --- accounts ----------------------------------------------------------------------------

  private accountIndex: Map<string, SandboxAccount> | null = null;

  /** uuid and account_id -> account (uuids and account ids never change; nicknames may). */
  private accounts_(): Map<string, SandboxAccount> {
    if (!this.accountIndex) {
      this.accountIndex = new Map();
      for (const account of this.accounts) {
        this.accountIndex.set(account.uuid, account);
        this.accountIndex.set(account.account_id, account);
      }
    }
    return this.accountIndex;
  }

  accountByUuid(uuid: string): SandboxAccount | undefined {
    const normalized = uuid.startsWith("{") ? uuid.toLowerCase() : `{${uuid.toLowerCase()}}`;
    return this.accounts_().get(normalized);
  }

  /** By account_id (as in `@{account_id}` mentions). */
  accountByAccountId(accountId: string): SandboxAccount | undefined {
    return accountId.startsWith("{") ? undefined : this.accounts_().get(accountId);
  }

  /** The original seed of an account (nicknames in workspace memberships are the original ones). */
  seedOf(account: SandboxAccount): SandboxAccountSeed | undefined {
    return this.seedByUuid.get(account.uuid);
  }

  accountByNickname(nickname: string): SandboxAccount | undefined {
    return this.accounts.find((account) => account.nickname === nickname);
  }

  accountByEmail(email: string): SandboxAccount | undefined {
    return this.accounts.find((account) => account.email.toLowerCase() === email.toLowerCase());
  }

  /** By `{uuid}`, uuid, or account_id (Bitbucket's /2.0/users/{selected_user} accepts those). */
  accountById(id: string): SandboxAccount | undefined {
    return this.accountByUuid(id) ?? this.accountByAccountId(id);
  }

  renameAccount(nickname: string, change: { nickname?: string; display_name?: string }): SandboxAccount {
    const account = this.accountByNickname(nickname);
    if (!account) throw new SandboxStateError(404, `No account with nickname '${nickname}'.`);
    if (change.nickname !== undefined && change.nickname !== nickname) {
      if (!/^[A-Za-z0-9_-]{1,30}$/.test(change.nickname)) throw new SandboxStateError(400, "Invalid nickname.");
      if (this.accountByNickname(change.nickname)) throw new SandboxStateError(409, `The nickname '${change.nickname}' is taken.`);
      account.nickname = change.nickname;
    }
    if (change.display_name !== undefined) {
      if (!change.display_name.trim()) throw new SandboxStateError(400, "Invalid display name.");
      account.display_name = change.display_name;
    }
    return account;
  }

  // --- workspaces and repositories -----------------------------------------------------------

  /** By slug or `{uuid}` (case-insensitive uuid). */
  workspace(slugOrUuid: string): WorkspaceSeed | undefined {
    return this.workspaceBySlug.get(slugOrUuid) ?? this.workspaceBySlug.get(slugOrUuid.toLowerCase());
  }

  membership(workspace: WorkspaceSeed, account: SandboxAccount | null): { administrator: boolean } | null {
    if (!account) return null;
    const original = this.seedByUuid.get(account.uuid);
    const member = original && workspace.members.find((entry) => entry.nickname === original.nickname);
    return member ? { administrator: member.administrator } : null;
  }

  membersOf(workspace: WorkspaceSeed): { account: SandboxAccount; administrator: boolean }[] {
    const result: { account: SandboxAccount; administrator: boolean }[] = [];
    for (const member of workspace.members) {
      const seed = this.seedByNickname.get(member.nickname);
      const account = seed && this.accountByUuid(seed.uuid);
      if (account) result.push({ account, administrator: member.administrator });
    }
    return result;
  }

  workspacesOf(account: SandboxAccount): { workspace: WorkspaceSeed; administrator: boolean }[] {
    return this.workspaces.flatMap((workspace) => {
      const membership = this.membership(workspace, account);
      return membership ? [{ workspace, administrator: membership.administrator }] : [];
    });
  }

  /** The workspace's repositories, generated on first use. */
  repositoriesOf(workspace: WorkspaceSeed): readonly RepositoryRecord[] {
    return this.repositoryIndex(workspace).list;
  }

  repository(workspaceSlugOrUuid: string, slugOrUuid: string): RepositoryRecord | undefined {
    const workspace = this.workspace(workspaceSlugOrUuid);
    if (!workspace) return undefined;
    const index = this.repositoryIndex(workspace);
    return index.bySlug.get(slugOrUuid.toLowerCase()) ?? index.list.find((repo) => repo.uuid === slugOrUuid.toLowerCase());
  }

  private repositoryIndex(workspace: WorkspaceSeed): WorkspaceRepositories {
    let cached = this.repositoryCache.get(workspace.slug);
    if (!cached) {
      const list = generateRepositories(workspace);
      cached = { list, bySlug: new Map(list.map((repo) => [repo.slug, repo])) };
      this.repositoryCache.set(workspace.slug, cached);
    }
    return cached;
  }

  /**
   * Per-repository detail, generated on first use and cached: git content (with commit hashes),
   * LFS objects, wiki, pull requests with comments, issues, milestones/components/versions.
   */
  detail(repository: RepositoryRecord): RepositoryDetail {
    const key = repository.full_name;
    let detail = this.detailCache.get(key);
    if (!detail) {
      const workspace = this.workspace(repository.workspace)!;
      const members = workspace.members.map((member) => this.seedByNickname.get(member.nickname)).filter((seed): seed is SandboxAccountSeed => seed !== undefined);
      detail =
        showcaseDetail(repository) ??
        (this.bench && repository.workspace === BENCH_WORKSPACE ? generateBenchDetail(repository, this.bench, members) : generateGenericDetail(repository, { workspace, members }));
      this.detailCache.set(key, detail);
    }
    return detail;
  }

  /** The caller's role on a repository: personal-workspace owner, workspace admin, or member (write access). */
  roleOf(account: SandboxAccount | null, repository: RepositoryRecord): RepositoryRole | null {
    const workspace = this.workspace(repository.workspace);
    if (!workspace || !account) return null;
    const membership = this.membership(workspace, account);
    if (!membership) return null;
    if (workspace.personalOf && workspace.uuid === account.uuid) return "owner";
    return membership.administrator ? "admin" : "contributor";
  }

  hasRole(account: SandboxAccount | null, repository: RepositoryRecord, atLeast: RepositoryRole): boolean {
    const role = this.roleOf(account, repository);
    return role !== null && ROLE_RANK[role] >= ROLE_RANK[atLeast];
  }

  canRead(account: SandboxAccount | null, repository: RepositoryRecord): boolean {
    return !repository.is_private || this.roleOf(account, repository) !== null;
  }

  // --- OAuth ---------------------------------------------------------------------------------

  createAuthorizationCode(accountUuid: string, redirectUri: string | null): AuthorizationCodeRecord {
    const record: AuthorizationCodeRecord = {
      code: randomBytes(12).toString("base64url"),
      accountUuid,
      clientId: this.consumer.key,
      redirectUri,
      expiresAt: this.now() + AUTHORIZATION_CODE_LIFETIME_SECONDS * 1000,
      used: false,
    };
    this.authorizationCodes.set(record.code, record);
    return record;
  }

  /** A new refresh token and its first access token. */
  issueTokens(accountUuid: string): { access: AccessTokenRecord; refresh: RefreshTokenRecord } {
    const refreshToken = randomBytes(18).toString("base64url");
    const access = this.newAccessToken(accountUuid, refreshToken);
    const refresh: RefreshTokenRecord = {
      token: refreshToken,
      accountUuid,
      clientId: this.consumer.key,
      scopes: this.consumer.scopes,
      revoked: false,
      currentAccessToken: access.token,
    };
    this.refreshTokens.set(refreshToken, refresh);
    return { access, refresh };
  }

  /** Rotates the access token of a refresh token: the previous access token stops working. */
  refreshAccessToken(refresh: RefreshTokenRecord): AccessTokenRecord {
    const previous = this.accessTokens.get(refresh.currentAccessToken);
    if (previous) previous.revoked = true;
    const access = this.newAccessToken(refresh.accountUuid, refresh.token);
    refresh.currentAccessToken = access.token;
    return access;
  }

  private newAccessToken(accountUuid: string, refreshToken: string): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: randomBytes(48).toString("base64url"),
      accountUuid,
      clientId: this.consumer.key,
      scopes: this.consumer.scopes,
      expiresAt: this.now() + this.knobs.tokenLifetimeSeconds * 1000,
      refreshToken,
      revoked: false,
    };
    this.accessTokens.set(record.token, record);
    return record;
  }

  /** Revokes every access and refresh token of an account (as if the user revoked the consumer). */
  revokeTokensOf(accountUuid: string): { accessTokens: number; refreshTokens: number } {
    let accessTokens = 0;
    let refreshTokens = 0;
    for (const record of this.accessTokens.values()) {
      if (record.accountUuid === accountUuid && !record.revoked) {
        record.revoked = true;
        accessTokens++;
      }
    }
    for (const record of this.refreshTokens.values()) {
      if (record.accountUuid === accountUuid && !record.revoked) {
        record.revoked = true;
        refreshTokens++;
      }
    }
    return { accessTokens, refreshTokens };
  }

  /** Issues tokens without the browser step, for tests: what the code grant would return. */
  grantTokensFor(nickname: string): { accessToken: string; refreshToken: string; expiresIn: number } {
    const account = this.accountByNickname(nickname);
    if (!account) throw new SandboxStateError(404, `No account with nickname '${nickname}'.`);
    const { access, refresh } = this.issueTokens(account.uuid);
    return { accessToken: access.token, refreshToken: refresh.token, expiresIn: this.knobs.tokenLifetimeSeconds };
  }

  // --- request log -----------------------------------------------------------------------------

  logRequest(entry: Omit<RequestLogEntry, "index" | "at">): RequestLogEntry {
    return this.log.add(entry);
  }

}

export { SandboxStateError };

export function createSandboxState(options: SandboxStateOptions = {}): SandboxState {
  return new SandboxState(options);
}

/**
 * State options from the environment, for the server: SANDBOX_SCALE ("default", "large" or
 * "<workspaces>x<repositories>"), SANDBOX_LATENCY_MS, SANDBOX_429_RATIO, SANDBOX_RATE_LIMIT_RESET,
 * SANDBOX_500_RATIO, SANDBOX_TOKEN_LIFETIME, SANDBOX_ISSUES_REMOVED, SANDBOX_WIKIS_REMOVED, SANDBOX_SEED,
 * SANDBOX_BENCH ("1" for the defaults, or a JSON object of bench options).
 */
export function sandboxOptionsFromEnv(env: Record<string, string | undefined>): SandboxStateOptions {
  const knobs: Partial<SandboxKnobs> = {};
  const number = (name: string) => envNumber(env, name);
  const set = <K extends keyof SandboxKnobs>(key: K, value: SandboxKnobs[K] | undefined) => {
    if (value !== undefined) knobs[key] = value;
  };
  set("latencyMs", number("SANDBOX_LATENCY_MS"));
  set("rateLimit429Ratio", number("SANDBOX_429_RATIO"));
  set("rateLimitResetSeconds", number("SANDBOX_RATE_LIMIT_RESET"));
  set("error5xxRatio", number("SANDBOX_500_RATIO"));
  set("tokenLifetimeSeconds", number("SANDBOX_TOKEN_LIFETIME"));
  set("seed", number("SANDBOX_SEED"));
  const flag = (name: string): boolean | undefined => {
    const raw = env[name];
    return raw === undefined || raw === "" ? undefined : !/^(0|false|no|off)$/i.test(raw);
  };
  set("issuesRemoved", flag("SANDBOX_ISSUES_REMOVED"));
  set("wikisRemoved", flag("SANDBOX_WIKIS_REMOVED"));
  const validated = knobsSchema.partial().parse(knobs);
  let scale: SandboxScale | undefined;
  const rawScale = env.SANDBOX_SCALE;
  if (rawScale === "large" || rawScale === "default") scale = rawScale;
  else if (rawScale) {
    const match = /^(\d+)x(\d+)$/.exec(rawScale);
    if (!match) throw new Error(`SANDBOX_SCALE must be "default", "large" or "<workspaces>x<repositories>", got '${rawScale}'`);
    scale = { workspaces: Number(match[1]), repositories: Number(match[2]) };
  }
  let bench: boolean | BenchOptions | undefined;
  const rawBench = env.SANDBOX_BENCH?.trim();
  if (rawBench) {
    if (rawBench.startsWith("{")) bench = JSON.parse(rawBench) as BenchOptions;
    else bench = flag("SANDBOX_BENCH");
    resolveBench(bench);
  }
  return { scale, knobs: validated, ...(bench ? { bench } : {}) };
}
