import type { SessionUser } from "@/lib/auth";
import { createBitbucketServerClient, normalizeServerUrl, type BitbucketServerClient } from "@/lib/bitbucket-server";
import { encryptSecret } from "@/lib/crypto";
import { AppError, isAppError } from "@/lib/errors";
import { checkRemoteUrl } from "@/lib/git";
import type { TakenNamespacePolicy } from "@/lib/namespaces/targets";
import { type UserMapping } from "@/lib/settings";
import { createImport, requireSourceEnabled, type StartedImport } from "./start";

/** A Bitbucket Server and the credential to read it with: a username and a personal access token (or password). */
export type BitbucketServerConnection = { serverUrl: string; username: string; token: string };

/**
 * The server's base URL, normalized, once it passes the outbound URL rules (http(s), a host git
 * may reach: ALLOWED_HOSTS). Everything Ferry fetches from the server is built on this URL,
 * never on the links the server returns.
 */
export async function checkedServerUrl(input: string): Promise<string> {
  const url = await checkRemoteUrl(normalizeServerUrl(input));
  return url.href.replace(/\/+$/, "");
}

/** A client for interactive use (pages, the API): fails fast instead of waiting out long rate limits. */
export async function bitbucketServerClient(connection: BitbucketServerConnection): Promise<BitbucketServerClient> {
  return createBitbucketServerClient({ serverUrl: await checkedServerUrl(connection.serverUrl), credential: { username: connection.username, token: connection.token } });
}

/** What a user can act on when the server refuses or cannot be reached. */
export function bitbucketServerProblem(error: unknown): unknown {
  if (isAppError(error)) return error;
  const code = (error as { code?: string } | null)?.code;
  if (code === "auth_invalid" || code === "auth_expired") {
    return new AppError("bitbucket_server_auth_failed", "Bitbucket Server refused the username and token. Check your credentials.");
  }
  if (code === "forbidden") return new AppError("bitbucket_server_auth_failed", "Bitbucket Server refused access with these credentials.");
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("bitbucket_server_error", `Import failed due to a Bitbucket Server error: ${message}`);
}

export type StartBitbucketServerImportInput = {
  connection: BitbucketServerConnection;
  projectKey: string;
  slug: string;
  name?: string | null;
  /** Full namespace path; the user's personal namespace when absent. Missing groups are created. */
  targetNamespace?: string | null;
  takenNamespace?: TakenNamespacePolicy;
  userMapping?: UserMapping;
  /** What a stage without progress does (see the scheduler's stage watchdog); pessimistic when absent. */
  timeoutStrategy?: "optimistic" | "pessimistic";
};

/**
 * Looks the repository up with the given credential (a missing or unreadable one is a clear
 * error before anything is written), then creates the project and its import. The credential is
 * kept encrypted with the import.
 */
export async function startBitbucketServerImport(user: SessionUser, input: StartBitbucketServerImportInput): Promise<StartedImport> {
  const settings = await requireSourceEnabled("bitbucket_server");
  const serverUrl = await checkedServerUrl(input.connection.serverUrl);
  const client = createBitbucketServerClient({ serverUrl, credential: { username: input.connection.username, token: input.connection.token } });
  const fullName = `${input.projectKey}/${input.slug}`;
  let repository;
  try {
    repository = await client.repository(input.projectKey, input.slug);
  } catch (error) {
    if ((error as { code?: string }).code === "not_found") throw new AppError("repository_not_found", `Project ${fullName} could not be found`);
    throw bitbucketServerProblem(error);
  }
  const key = repository.project.key;
  return createImport(user, input, {
    source: "bitbucket_server",
    importType: "bitbucket_server",
    fullName: `${key}/${repository.slug}`,
    name: repository.name,
    slug: repository.slug,
    description: repository.description ?? "",
    isPrivate: !repository.public,
    webUrl: `${serverUrl}/projects/${encodeURIComponent(key)}/repos/${encodeURIComponent(repository.slug)}`,
    credentialAccountId: null,
    credentialSecret: encryptSecret(JSON.stringify({ serverUrl, username: input.connection.username, token: input.connection.token })),
    options: { userMapping: input.userMapping ?? settings.defaultUserMapping, timeoutStrategy: input.timeoutStrategy ?? "pessimistic" },
  });
}
