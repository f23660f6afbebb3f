import { z } from "zod";
import { bitbucketCredentialForAccount } from "@/lib/auth";
import type { BitbucketCredential } from "@/lib/bitbucket";
import { config } from "@/lib/config";
import { decryptSecret } from "@/lib/crypto";
import { db, type Prisma } from "@/lib/db";
import { createBitbucketCloudSource } from "@/lib/import/sources/bitbucket-cloud";
import type { ImportSource, SourceEvent, SourceUser } from "@/lib/import/sources/types";
import { getSettings, userMappingSchema } from "@/lib/settings";
import { createContributorResolver, topLevelNamespaceId, type ContributorResolver, type SourceIdentity } from "@/lib/users/mapping";
import { createLimiter } from "@/lib/util/concurrency";

export class ImportCanceled extends Error {
  constructor() {
    super("The import was canceled");
    this.name = "ImportCanceled";
  }
}

export type ImportRow = Prisma.ProjectImportGetPayload<{ include: { project: true } }>;

const apiTokenCredentialSchema = z.object({ email: z.string().min(1), token: z.string().min(1) });

function credentialFor(row: ImportRow): BitbucketCredential {
  if (row.credentialSecret) {
    const { email, token } = apiTokenCredentialSchema.parse(JSON.parse(decryptSecret(row.credentialSecret)));
    return { kind: "api-token", email, token };
  }
  if (row.credentialAccountId) return bitbucketCredentialForAccount(row.credentialAccountId);
  throw new Error("The import has no Bitbucket credential");
}

/**
 * Requests in flight to Bitbucket from this process, across all imports: enough to keep it busy,
 * few enough not to trip its limits. Waits between retries do not hold a slot.
 */
export const BITBUCKET_CONCURRENCY = Number(process.env.BITBUCKET_CONCURRENCY ?? 6);
const limitRequests = createLimiter(BITBUCKET_CONCURRENCY);
const limitedFetch: typeof fetch = (input, init) => limitRequests(() => fetch(input, init));

/** Shows "waiting for Bitbucket's rate limit" on the import while requests wait it out. */
function eventRecorder(importId: number) {
  return (event: SourceEvent) => {
    if (event.type !== "rate-limited") return;
    void db.projectImport
      .update({ where: { id: importId }, data: { waitingUntil: event.resumeAt } })
      .catch((error) => console.error("[import] recording the rate-limit wait failed", error));
  };
}

export type ResolvedAuthor = { userId: string; mapped: boolean };

/**
 * Everything a stage needs for one import: the row, its source, and the user mapping.
 * Users map by the source's stable id (Bitbucket uuid) to linked identities, never by name.
 */
export class ImportContext {
  private cancelCheckedAt = 0;
  readonly source: ImportSource;

  constructor(readonly row: ImportRow) {
    const settings = config();
    this.source =
      row.source === "bitbucket_cloud"
        ? createBitbucketCloudSource({
            apiUrl: settings.BITBUCKET_API_URL,
            webUrl: settings.BITBUCKET_URL,
            repository: row.sourceRepository,
            credential: credentialFor(row),
            fetch: limitedFetch,
            onEvent: eventRecorder(row.id),
          })
        : (() => {
            throw new Error(`Unknown import source ${row.source}`);
          })();
  }

  static async load(importId: number): Promise<ImportContext | null> {
    const row = await db.projectImport.findUnique({ where: { id: importId }, include: { project: true } });
    return row ? new ImportContext(row) : null;
  }

  get importId(): number {
    return this.row.id;
  }

  get project() {
    return this.row.project;
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
        return createContributorResolver({ importingUserId: this.row.userId, topLevelNamespaceId: await topLevelNamespaceId(this.project.namespaceId), mode });
      })();
      this.resolverPromise.catch(() => (this.resolverPromise = undefined));
    }
    return this.resolverPromise;
  }

  /** Assignees, reviewers, approvers, closers: the mapped user or placeholder; null when the importer would stand in. */
  async ferryUserFor(user: SourceUser | null): Promise<string | null> {
    const resolution = await (await this.contributors()).resolve(sourceIdentity(user));
    return resolution.kind === "importer" ? null : resolution.userId;
  }

  /** The Ferry user a source user maps to, never creating a placeholder (workspace members, mentions). */
  async mappedUserFor(user: SourceUser | null): Promise<string | null> {
    return (await this.contributors()).mappedUserId(sourceIdentity(user));
  }

  /** The author to record: mapped user or placeholder, else the importing user (with attribution in the body). */
  async author(user: SourceUser | null): Promise<ResolvedAuthor> {
    const resolution = await (await this.contributors()).resolve(sourceIdentity(user));
    return { userId: resolution.userId, mapped: resolution.kind !== "importer" };
  }
}

function sourceIdentity(user: SourceUser | null): SourceIdentity | null {
  return user ? { provider: "bitbucket", uuid: user.id, accountId: user.accountId, username: user.username, displayName: user.displayName } : null;
}

export function sourceUserJson(user: SourceUser | null): Prisma.InputJsonValue | undefined {
  if (!user) return undefined;
  return { id: user.id, accountId: user.accountId, username: user.username, displayName: user.displayName };
}
