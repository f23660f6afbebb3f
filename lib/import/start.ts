import { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import { createBitbucketClient, INTERACTIVE_RETRY, type BitbucketClient, type BitbucketRepository } from "@/lib/bitbucket";
import { config } from "@/lib/config";
import { encryptSecret } from "@/lib/crypto";
import { db, type Prisma } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { AppError } from "@/lib/errors";
import { pathProblem, pathProblemMessage, toValidPath } from "@/lib/namespaces/paths";
import { resolveImportTarget, type TakenNamespacePolicy } from "@/lib/namespaces/targets";
import { getSettings, type ImportSourceName, type UserMapping } from "@/lib/settings";
import { bitbucketClientForUser } from "./bitbucket-client";
import { requireImportManager } from "@/lib/projects/access";
import { reopenUnits, scheduleStage } from "./pipeline/scheduler";
import { stageOf, stagesOf } from "./pipeline/stages";
import { bitbucketProblem } from "./repository-listing";

export const repositoryFullNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must look like workspace/repository");

/** An Atlassian API token given with the request (the REST API); otherwise the user's linked Bitbucket account is used. */
export type ImportCredential = { kind: "api-token"; email: string; token: string };

export type StartImportInput = {
  /** "workspace/slug". */
  repository: string;
  /** Full namespace path; the user's personal namespace when absent. Missing groups are created. */
  targetNamespace?: string | null;
  /** Project name, also its path (made valid); the repository slug when absent. */
  name?: string | null;
  credential?: ImportCredential;
  /** How unmapped Bitbucket users are recorded; the instance default when absent. */
  userMapping?: UserMapping;
  /** What happens when the target namespace is taken: fall back to the personal namespace with a warning (GitLab's default), or refuse. */
  takenNamespace?: TakenNamespacePolicy;
  /**
   * The repository as the caller just read it from Bitbucket with the same credential (e.g. from
   * the listing behind "Import all"); saves one request per import. Never taken from user input.
   */
  sourceRepository?: BitbucketRepository;
};

export type StartedImport = {
  projectId: number;
  importId: number;
  fullPath: string;
  name: string;
  path: string;
  namespaceFullPath: string;
  /** Set when the project did not land where asked (taken namespace). */
  warning: string | null;
};

function clientFor(user: SessionUser, credential: ImportCredential | undefined): Promise<BitbucketClient> {
  if (!credential) return bitbucketClientForUser(user.id);
  return Promise.resolve(createBitbucketClient({ apiUrl: config().BITBUCKET_API_URL, credential, retry: INTERACTIVE_RETRY }));
}

/** The project path an import would use, validated with the API's rules. */
export function projectPathFor(name: string): string {
  const path = toValidPath(name, "project");
  const problem = pathProblem(path);
  if (problem) throw new AppError("invalid_path", `Project path ${pathProblemMessage(problem)}.`);
  return path;
}

async function lookUpRepository(client: BitbucketClient, fullName: string): Promise<BitbucketRepository> {
  const [workspace, slug] = fullName.split("/") as [string, string];
  try {
    return await client.getRepository(workspace, slug);
  } catch (error) {
    if ((error as { code?: string }).code === "not_found") {
      throw new AppError("repository_not_found", `Bitbucket repository ${fullName} could not be found, or you cannot read it.`);
    }
    throw bitbucketProblem(error);
  }
}

/**
 * Creates the project and its import and queues the first stage. The repository is looked up
 * first, so a missing or inaccessible one is a clear error before anything is written; the
 * namespace and the project are created in one transaction.
 */
export async function startBitbucketImport(user: SessionUser, input: StartImportInput): Promise<StartedImport> {
  const settings = await requireSourceEnabled("bitbucket_cloud");
  const repository = input.sourceRepository?.fullName.toLowerCase() === input.repository.toLowerCase()
    ? input.sourceRepository
    : await lookUpRepository(await clientFor(user, input.credential), input.repository);
  const account = input.credential
    ? null
    : await db.account.findFirst({ where: { userId: user.id, provider: "bitbucket" }, orderBy: { updatedAt: "desc" }, select: { id: true } });
  return createImport(user, input, {
    source: "bitbucket_cloud",
    importType: "bitbucket",
    fullName: repository.fullName,
    slug: repository.slug,
    name: repository.name,
    description: repository.description ?? "",
    isPrivate: repository.isPrivate,
    webUrl: repository.htmlUrl,
    credentialAccountId: account?.id ?? null,
    credentialSecret: input.credential ? encryptSecret(JSON.stringify({ email: input.credential.email, token: input.credential.token })) : null,
    options: { userMapping: input.userMapping ?? settings.defaultUserMapping },
  });
}

/** The settings, once the source is known to be enabled by the administrators. */
export async function requireSourceEnabled(source: ImportSourceName) {
  const settings = await getSettings();
  if (!settings.importSources[source]) throw new AppError("import_source_disabled", `Importing from ${SOURCE_DISPLAY_NAMES[source]} is disabled on this Ferry.`);
  return settings;
}

export const SOURCE_DISPLAY_NAMES: Record<ImportSourceName, string> = { bitbucket_cloud: "Bitbucket Cloud", bitbucket_server: "Bitbucket Server", github: "GitHub" };

/** The source repository and credential an import is created with, whatever the source. */
export type NewImport = {
  source: ImportSourceName;
  /** The project's import type (`bitbucket`, `github`). */
  importType: string;
  fullName: string;
  slug: string;
  name: string;
  description: string;
  isPrivate: boolean;
  webUrl: string;
  credentialAccountId: string | null;
  credentialSecret: string | null;
  options: Prisma.InputJsonObject;
};

/** Where the project goes and what it is called; shared by every source's start. */
type ImportTargetInput = { targetNamespace?: string | null; name?: string | null; takenNamespace?: TakenNamespacePolicy };

/** The project (in the resolved namespace) and its import row, created in one transaction; then the first stage is queued. */
export async function createImport(user: SessionUser, input: ImportTargetInput, repository: NewImport): Promise<StartedImport> {
  const requestedName = input.name?.trim() || null;
  const path = projectPathFor(requestedName ?? repository.slug);
  const firstStage = stagesOf(repository.source)[0]!.name;
  const created = await db.$transaction(async (tx) => {
    const target = await resolveImportTarget(tx, user, input.targetNamespace, input.takenNamespace ?? "fallback");
    const fullPath = `${target.namespace.fullPath}/${path}`;
    const taken = await tx.project.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) }, select: { id: true } });
    if (taken) throw new AppError("project_path_taken", `A project already exists at ${fullPath}. Choose another name.`);
    const group = await tx.namespace.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) }, select: { id: true } });
    if (group) throw new AppError("project_path_taken", `${fullPath} is a namespace. Choose another project name.`);
    const name = requestedName ?? repository.name;
    const project = await tx.project.create({
      data: {
        namespaceId: target.namespace.id,
        name,
        path,
        fullPath,
        description: repository.description,
        visibility: repository.isPrivate ? "private" : "public",
        creatorId: user.id,
        importType: repository.importType,
        importSource: repository.fullName,
        importUrl: repository.webUrl,
        importWarning: target.warning,
      },
    });
    const row = await tx.projectImport.create({
      data: {
        projectId: project.id,
        source: repository.source,
        sourceRepository: repository.fullName,
        userId: user.id,
        credentialAccountId: repository.credentialAccountId,
        credentialSecret: repository.credentialSecret,
        options: repository.options,
        status: "scheduled",
        stage: firstStage,
      },
    });
    return { projectId: project.id, importId: row.id, fullPath, name, path, namespaceFullPath: target.namespace.fullPath, warning: target.warning };
  });
  await scheduleStage(created.importId, firstStage);
  return created;
}

const RESUMABLE_STATUSES = ["failed", "canceled"] as const;

/**
 * Imports a failed or cancelled import again, in the same project: it continues with the stage it
 * stopped in, skipping the work units already done (imported items are keyed by their source ids,
 * so nothing is duplicated). Those who may manage the import may do this (requireImportManager): an
 * importer who may no longer import into the project's namespace may not.
 */
export async function resumeBitbucketImport(user: SessionUser, importId: number): Promise<{ importId: number; projectId: number; fullPath: string; stage: string }> {
  const row = await requireImportManager(user, importId);
  if (!(RESUMABLE_STATUSES as readonly string[]).includes(row.status)) {
    throw new AppError("import_not_resumable", "Only a failed or cancelled import can be imported again.");
  }
  await requireSourceEnabled(row.source as ImportSourceName);
  const stage = stageOf(row.source, row.stage) ?? stagesOf(row.source)[0]!;

  await db.$transaction(async (tx) => {
    const { count } = await tx.projectImport.updateMany({
      where: { id: importId, status: { in: [...RESUMABLE_STATUSES] } },
      data: { status: "scheduled", stage: stage.name, error: null, cancelRequestedAt: null, finishedAt: null, waitingUntil: null },
    });
    if (count !== 1) throw new AppError("import_not_resumable", "The import changed meanwhile; reload and try again.");
    // The units left undone run again, in a new run: jobs of the stopped run end without doing anything.
    await reopenUnits(tx, importId);
    // The failure that stopped an essential stage is resolved; the ledger re-opens it if the stage fails again.
    if (stage.essential) {
      await tx.importFailure.updateMany({ where: { importId, stage: stage.name, sourceId: stage.name, resolvedAt: null }, data: { resolvedAt: new Date() } });
    }
  });
  await scheduleStage(importId, stage.name);
  return { importId, projectId: row.project.id, fullPath: row.project.fullPath, stage: stage.name };
}
