import type { SessionUser } from "@/lib/auth";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createGitHubClient } from "@/lib/github";
import type { TakenNamespacePolicy } from "@/lib/namespaces/targets";
import type { UserMapping } from "@/lib/settings";
import { githubRepositorySchema, toSourceRepository, type GitHubRepositoryJson } from "./sources/github";
import { createImport, requireSourceEnabled, type StartedImport } from "./start";

export type GitHubOptionalStages = { attachments_import?: boolean; collaborators_import?: boolean; single_endpoint_notes_import?: boolean };

export type StartGitHubImportInput = {
  /** GitHub's numeric repository id. */
  repoId: number;
  /** A personal access token given with the request; otherwise the token of the user's linked GitHub account. */
  token?: string;
  /** A GitHub Enterprise Server host (or URL); github.com when absent. */
  githubHostname?: string | null;
  targetNamespace?: string | null;
  name?: string | null;
  optionalStages?: GitHubOptionalStages;
  /** Items per GitHub request, 1..100 (default 100). */
  paginationLimit?: number;
  /** A stage without progress for too long fails the import (pessimistic, default) or is skipped with what it missed recorded (optimistic). */
  timeoutStrategy?: "optimistic" | "pessimistic";
  userMapping?: UserMapping;
  takenNamespace?: TakenNamespacePolicy;
  /** The repository as the caller just read it from GitHub with the same token; saves a request. Never taken from user input. */
  sourceRepository?: GitHubRepositoryJson;
};

/** What a GitHub import remembers in its options (read by the GitHub stages). */
export type GitHubImportOptions = {
  repoId: number;
  hostname: string | null;
  perPage: number;
  attachments: boolean;
  collaborators: boolean;
  singleEndpointNotes: boolean;
  timeoutStrategy: "optimistic" | "pessimistic";
};

async function linkedAccountToken(user: SessionUser): Promise<{ accountId: string; token: string }> {
  const account = await db.account.findFirst({ where: { userId: user.id, provider: "github" }, orderBy: { updatedAt: "desc" }, select: { id: true, access_token: true } });
  if (!account?.access_token) throw new AppError("github_not_connected", "Connect your GitHub account on your profile, or give a personal access token.");
  return { accountId: account.id, token: decryptSecret(account.access_token) };
}

async function lookUpRepository(token: string, hostname: string | null, repoId: number): Promise<GitHubRepositoryJson> {
  const client = createGitHubClient({ token, hostname });
  try {
    return githubRepositorySchema.parse(await client.get(`/repositories/${repoId}`));
  } catch (error) {
    if ((error as { code?: string }).code === "not_found") throw new AppError("repository_not_found", `GitHub repository ${repoId} could not be found, or the token cannot read it.`);
    throw error;
  }
}

/**
 * Creates the project and its GitHub import and queues the first stage, after reading the
 * repository with the token (a wrong token, an unknown repository or an exhausted rate limit is
 * an error before anything is written).
 */
export async function startGitHubImport(user: SessionUser, input: StartGitHubImportInput): Promise<StartedImport> {
  const settings = await requireSourceEnabled("github");
  const perPage = input.paginationLimit ?? 100;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) throw new AppError("invalid_request", "pagination_limit must be between 1 and 100.", { details: { fields: ["pagination_limit"] } });
  const hostname = input.githubHostname?.trim() || null;
  const credential = input.token ? { accountId: null, token: input.token } : await linkedAccountToken(user);
  const repository = input.sourceRepository?.id === input.repoId ? input.sourceRepository : await lookUpRepository(credential.token, hostname, input.repoId);
  const stages = input.optionalStages ?? {};
  const github: GitHubImportOptions = {
    repoId: repository.id,
    hostname,
    perPage,
    attachments: stages.attachments_import ?? false,
    collaborators: stages.collaborators_import ?? true,
    singleEndpointNotes: stages.single_endpoint_notes_import ?? false,
    timeoutStrategy: input.timeoutStrategy ?? "pessimistic",
  };
  const source = toSourceRepository(repository);
  return createImport(user, input, {
    source: "github",
    importType: "github",
    fullName: repository.full_name,
    slug: repository.name,
    name: repository.name,
    description: repository.description ?? "",
    isPrivate: repository.private,
    webUrl: repository.html_url,
    credentialAccountId: credential.accountId,
    credentialSecret: input.token ? encryptSecret(JSON.stringify({ token: input.token })) : null,
    options: { userMapping: input.userMapping ?? settings.defaultUserMapping, timeoutStrategy: github.timeoutStrategy, github, repository: source },
  });
}
