import { z } from "zod";
import { bitbucketCredentialForAccount } from "@/lib/auth";
import type { BitbucketCredential } from "@/lib/bitbucket";
import { config } from "@/lib/config";
import { decryptSecret } from "@/lib/crypto";
import { db, type Prisma } from "@/lib/db";
import { createBitbucketCloudSource } from "@/lib/import/sources/bitbucket-cloud";
import { createBitbucketServerSource } from "@/lib/import/sources/bitbucket-server";
import { GitHubImportSource } from "@/lib/import/sources/github";
import type { GitHubImportOptions } from "@/lib/import/github-start";
import type { ImportSource, RepositorySource, SourceEvent, SourceRepository, SourceUser } from "@/lib/import/sources/types";
import { getSettings, userMappingSchema } from "@/lib/settings";
import { createContributorResolver, topLevelNamespaceId, type ContributorResolver, type SourceIdentity } from "@/lib/users/mapping";
import { createRequestSlots } from "./request-slots";

export class ImportCanceled extends Error {
  constructor() {
    super("The import was canceled");
    this.name = "ImportCanceled";
  }
}

export type ImportRow = Prisma.ProjectImportGetPayload<{ include: { project: true } }>;

const apiTokenCredentialSchema = z.object({ email: z.string().min(1), token: z.string().min(1) });
/** What an import from Bitbucket Server keeps (encrypted): the server and a username with a token or password. */
export const serverCredentialSchema = z.object({ serverUrl: z.string().min(1), username: z.string().min(1), token: z.string().min(1) });

type ImportCredential = { credential: BitbucketCredential; /** Drops a remembered OAuth token (null for API tokens). */ forget: (() => void) | null };

function credentialFor(row: ImportRow): ImportCredential {
  if (row.credentialSecret) {
    const { email, token } = apiTokenCredentialSchema.parse(JSON.parse(decryptSecret(row.credentialSecret)));
    return { credential: { kind: "api-token", email, token }, forget: null };
  }
  if (row.credentialAccountId) return withRememberedToken(bitbucketCredentialForAccount(row.credentialAccountId));
  throw new Error("The import has no Bitbucket credential");
}

/** How long a stored access token is reused without reading the account again. */
const TOKEN_REUSE_MS = 1_000;

/**
 * The account's token, read from the database at most once a second instead of once per request.
 * A refresh (still one at a time per account, see lib/auth) replaces it at once; a token that
 * expires meanwhile gets Bitbucket's 401 "expired", which refreshes it.
 */
function withRememberedToken(credential: BitbucketCredential): ImportCredential {
  if (credential.kind !== "oauth") return { credential, forget: null };
  let remembered: { token: string; at: number } | null = null;
  // Requests starting together share one read.
  let reading: Promise<string> | null = null;
  const wrapped: BitbucketCredential = {
    kind: "oauth",
    async getAccessToken() {
      if (remembered && Date.now() - remembered.at < TOKEN_REUSE_MS) return remembered.token;
      reading ??= credential.getAccessToken().then(
        (token) => {
          remembered = { token, at: Date.now() };
          reading = null;
          return token;
        },
        (error: unknown) => {
          reading = null;
          throw error;
        },
      );
      return reading;
    },
    async refreshAccessToken(rejected) {
      const token = await credential.refreshAccessToken(rejected);
      remembered = { token, at: Date.now() };
      return token;
    },
  };
  return { credential: wrapped, forget: () => (remembered = null) };
}

/**
 * Refreshing an OAuth token revokes the previous one, so a request still carrying it (sent by
 * another job, or another worker process, just before the refresh) gets 401 "invalid" rather
 * than "expired". Such a call is made once more, with the token stored now; a credential that
 * was really revoked fails again and that error is the result.
 */
function retryingRevokedTokens(source: ImportSource, forget: () => void): ImportSource {
  return new Proxy(source, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          if ((error as { code?: string } | null)?.code !== "auth_invalid") throw error;
          forget();
          return value.apply(target, args);
        }
      };
    },
  });
}

/**
 * Requests in flight to Bitbucket from this process, across all imports: enough to keep it busy,
 * few enough not to trip its limits. Waits between retries do not hold a slot.
 */
export const BITBUCKET_CONCURRENCY = Number(process.env.BITBUCKET_CONCURRENCY ?? 6);
const requestSlots = createRequestSlots(BITBUCKET_CONCURRENCY);
const limitedFetch: typeof fetch = (input, init) => requestSlots(() => fetch(input, init));

/** Slot time the Bitbucket requests of this process used so far (milliseconds); the benchmark reports how busy the limit was kept. */
export function bitbucketRequestSlotMs(): number {
  return requestSlots.busyMs();
}

/** Bitbucket requests of this process in flight and waiting for a slot, now. */
export function bitbucketRequestLoad(): { active: number; waiting: number } {
  return requestSlots.load();
}

/** Shows "waiting for Bitbucket's rate limit" on the import while requests wait it out. */
function eventRecorder(importId: number) {
  return (event: SourceEvent) => {
    if (event.type !== "rate-limited") return;
    void db.projectImport
      .update({ where: { id: importId }, data: { waitingUntil: event.resumeAt } })
      .catch((error) => console.error("[import] recording the rate-limit wait failed", error));
  };
}

const githubCredentialSchema = z.object({ token: z.string().min(1) });

/**
 * A GitHub import reads with the token given when it started, or with the current token of the
 * linked GitHub account (re-read at most once a second: a reconnected account's new token is used).
 */
function createGitHubSource(row: ImportRow): GitHubImportSource {
  const options = (row.options as { github?: GitHubImportOptions } | null)?.github;
  if (!options) throw new Error("The GitHub import has no GitHub options");
  let token: () => Promise<string>;
  let tokenRefused: (() => boolean) | undefined;
  if (row.credentialSecret) {
    const { token: secret } = githubCredentialSchema.parse(JSON.parse(decryptSecret(row.credentialSecret)));
    token = async () => secret;
  } else if (row.credentialAccountId) {
    const accountId = row.credentialAccountId;
    let remembered: { token: string; at: number } | null = null;
    token = async () => {
      if (remembered && Date.now() - remembered.at < TOKEN_REUSE_MS) return remembered.token;
      const account = await db.account.findUnique({ where: { id: accountId }, select: { access_token: true } });
      if (!account?.access_token) throw new Error("The GitHub account this import reads with was disconnected");
      remembered = { token: decryptSecret(account.access_token), at: Date.now() };
      return remembered.token;
    };
    // The account may have been reconnected with a new token since it was read.
    tokenRefused = () => {
      remembered = null;
      return true;
    };
  } else {
    throw new Error("The import has no GitHub credential");
  }
  return new GitHubImportSource({
    repoId: options.repoId,
    fullName: row.sourceRepository,
    hostname: options.hostname,
    token,
    perPage: options.perPage,
    onEvent: eventRecorder(row.id),
    maxRateLimitWaitMs: RATE_LIMIT_WAIT_IN_JOB_MS,
    tokenRefused,
  });
}

/** How long one request waits for Bitbucket's rate limit inside a unit's job. */
export const RATE_LIMIT_WAIT_IN_JOB_MS = 5 * 60_000;

export type ResolvedAuthor = { userId: string; mapped: boolean };

/** The source adapter of an import row, with its stored credential. */
function createSource(row: ImportRow): ImportSource {
  if (row.source === "bitbucket_cloud") {
    const settings = config();
    const { credential, forget } = credentialFor(row);
    const source = createBitbucketCloudSource({
      apiUrl: settings.BITBUCKET_API_URL,
      webUrl: settings.BITBUCKET_URL,
      repository: row.sourceRepository,
      credential,
      fetch: limitedFetch,
      onEvent: eventRecorder(row.id),
      // Longer rate-limit waits end the unit's job, which is sent again for when the limit resets.
      retry: { maxTotalWaitMs: RATE_LIMIT_WAIT_IN_JOB_MS },
    });
    return forget ? retryingRevokedTokens(source, forget) : source;
  }
  if (row.source === "bitbucket_server") {
    if (!row.credentialSecret) throw new Error("The import has no Bitbucket Server credential");
    const { serverUrl, username, token } = serverCredentialSchema.parse(JSON.parse(decryptSecret(row.credentialSecret)));
    return createBitbucketServerSource({
      serverUrl,
      credential: { username, token },
      repository: row.sourceRepository,
      cacheKey: String(row.id),
      fetch: limitedFetch,
      onEvent: eventRecorder(row.id),
      retry: { maxTotalWaitMs: RATE_LIMIT_WAIT_IN_JOB_MS },
    });
  }
  throw new Error(`Unknown import source ${row.source}`);
}

/**
 * Everything a stage needs for one import: the row, its source, and the user mapping.
 * Users map by the source's stable id (Bitbucket uuid, GitHub user id, server user id) to linked
 * identities, never by name.
 */
export class ImportContext {
  private cancelCheckedAt = 0;
  private current: ImportRow;
  private readonly listingSource: ImportSource | null = null;
  private readonly githubSource: GitHubImportSource | null = null;

  constructor(row: ImportRow) {
    this.current = row;
    if (row.source === "github") this.githubSource = createGitHubSource(row);
    else this.listingSource = createSource(row);
  }

  /** The Bitbucket-shaped listings (members, pull requests, issues and their comments) of Bitbucket Cloud and Server. */
  get source(): ImportSource {
    if (!this.listingSource) throw new Error(`A ${this.row.source} import has no Bitbucket-style listings`);
    return this.listingSource;
  }

  /** The GitHub source of a GitHub import. */
  get github(): GitHubImportSource {
    if (!this.githubSource) throw new Error(`A ${this.row.source} import has no GitHub source`);
    return this.githubSource;
  }

  /** What every source offers the shared stages: the repository and git credentials. */
  get repositorySource(): RepositorySource {
    return this.githubSource ?? this.source;
  }

  /** What imported rows record as their origin (`imported_from`). */
  get importedFrom(): string {
    return this.githubSource ? "github" : (this.source.importedFrom ?? "bitbucket");
  }

  static async load(importId: number): Promise<ImportContext | null> {
    const row = await db.projectImport.findUnique({ where: { id: importId }, include: { project: true } });
    return row ? new ImportContext(row) : null;
  }

  /** The import row as last read (see `update`). */
  get row(): ImportRow {
    return this.current;
  }

  /**
   * A context lives as long as its stage runs in this process (its user lookups and its source,
   * with the token, are shared by the stage's units); each unit hands it the row it just read.
   */
  update(row: ImportRow): void {
    if (row.id !== this.current.id) throw new Error("An import context belongs to one import");
    this.current = row;
  }

  get importId(): number {
    return this.row.id;
  }

  get project() {
    return this.row.project;
  }

  /** The source repository as the repository stage recorded it. */
  sourceRepository(): SourceRepository {
    const info = (this.row.options as { repository?: SourceRepository } | null)?.repository;
    if (!info) throw new Error("The repository stage did not record the source repository");
    return info;
  }

  /** Throws ImportCanceled once cancellation was requested. Called between items. */
  async checkpoint(): Promise<void> {
    const now = Date.now();
    if (now - this.cancelCheckedAt < 500) return;
    this.cancelCheckedAt = now;
    const current = await db.projectImport.findUnique({ where: { id: this.importId }, select: { cancelRequestedAt: true, status: true } });
    if (!current || current.cancelRequestedAt || current.status === "canceled") throw new ImportCanceled();
  }

  // --- user resolution (lib/users/mapping.ts) -----------------------------------------------

  private resolverPromise?: Promise<ContributorResolver>;

  /** The import's contributor resolver: mode from the import's options, else the instance default. */
  private contributors(): Promise<ContributorResolver> {
    if (!this.resolverPromise) {
      this.resolverPromise = (async () => {
        const requested = userMappingSchema.safeParse((this.row.options as { userMapping?: unknown } | null)?.userMapping);
        const mode = requested.success ? requested.data : (await getSettings()).defaultUserMapping;
        // An e-mail match is proof enough only when an administrator runs the import (see mapByEmail).
        const importer = await db.user.findUnique({ where: { id: this.row.userId }, select: { isAdmin: true } });
        return createContributorResolver({ importingUserId: this.row.userId, topLevelNamespaceId: await topLevelNamespaceId(this.project.namespaceId), mode, mapByEmail: importer?.isAdmin ?? false });
      })();
      this.resolverPromise.catch(() => (this.resolverPromise = undefined));
    }
    return this.resolverPromise;
  }

  /** Assignees, reviewers, approvers, closers: the mapped user or placeholder; null when the importer would stand in. */
  async ferryUserFor(user: SourceUser | null): Promise<string | null> {
    const resolution = await (await this.contributors()).resolve(this.identity(user));
    return resolution.kind === "importer" ? null : resolution.userId;
  }

  /** The Ferry user a source user maps to, never creating a placeholder (workspace members, mentions). */
  async mappedUserFor(user: SourceUser | null): Promise<string | null> {
    return (await this.contributors()).mappedUserId(this.identity(user));
  }

  private identity(user: SourceUser | null): SourceIdentity | null {
    return sourceIdentity(user, this.githubSource ? { provider: "github" } : this.source.userDirectory);
  }

  /** Authors resolved so far, by source user id: a page's tens of thousands of comments name a few hundred people. */
  private readonly authors = new Map<string, Promise<ResolvedAuthor>>();

  /** The author to record: mapped user or placeholder, else the importing user (with attribution in the body). */
  author(user: SourceUser | null): Promise<ResolvedAuthor> {
    const key = user?.id ?? "";
    let pending = this.authors.get(key);
    if (!pending) {
      pending = this.contributors()
        .then((contributors) => contributors.resolve(this.identity(user)))
        .then((resolution) => ({ userId: resolution.userId, mapped: resolution.kind !== "importer" }));
      // A failed lookup is not remembered: the next item asks again.
      pending.catch(() => this.authors.delete(key));
      this.authors.set(key, pending);
    }
    return pending;
  }
}

/** Where a source's users have their linked identities; Bitbucket Cloud when a source names none. */
type UserDirectory = { provider: Exclude<SourceIdentity["provider"], "bitbucket">; instanceUrl?: string };

function sourceIdentity(user: SourceUser | null, directory: UserDirectory | undefined): SourceIdentity | null {
  if (!user) return null;
  const identity = { uuid: user.id, accountId: user.accountId, username: user.username, displayName: user.displayName };
  return directory ? { ...identity, provider: directory.provider, instanceUrl: directory.instanceUrl, email: user.email ?? null, active: user.active } : { ...identity, provider: "bitbucket" };
}

export function sourceUserJson(user: SourceUser | null): Prisma.InputJsonValue | undefined {
  if (!user) return undefined;
  return { id: user.id, accountId: user.accountId, username: user.username, displayName: user.displayName };
}

/** The columns every imported row (issue, merge request, note) takes from its source item: its times, where it came from, its id and author. */
export function sourceFields(item: { id: number; createdAt: string; updatedAt: string }, author: SourceUser | null, importedFrom = "bitbucket") {
  return {
    createdAt: new Date(item.createdAt),
    updatedAt: new Date(item.updatedAt),
    importedFrom,
    sourceId: String(item.id),
    sourceAuthor: sourceUserJson(author),
  };
}
