import type { SessionUser } from "@/lib/auth";
import { githubClientForUser, type GithubAccess } from "@/lib/auth/github-credential";
import { AppError } from "@/lib/errors";
import type { GitHubClient } from "@/lib/github";
import { getSettings } from "@/lib/settings";
import { readGithubListing, type GithubRepositoryRow } from "./github-listing";
import { importStatusesFor, type RowImportStatus } from "./status";

/**
 * What the GitHub import page's routes and actions do once the session and input are validated.
 * Every call checks that GitHub imports are enabled and uses the user's own GitHub access.
 */

export const GITHUB_IMPORT_TYPE = "github";

/** The user's GitHub client, once an administrator's settings allow GitHub imports. */
export async function githubPickerClient(user: SessionUser): Promise<{ client: GitHubClient; access: GithubAccess }> {
  if (!(await getSettings()).importSources.github) throw new AppError("import_source_disabled", "Importing from GitHub is disabled on this Ferry.");
  return githubClientForUser(user.id);
}

export function githubImportStatuses(user: SessionUser, repositories: readonly string[]): Promise<Record<string, RowImportStatus>> {
  return importStatusesFor(user, repositories, "github");
}

/** The lines of GET /import/github/repositories, in this order. */
export type GithubListingEvent =
  | { type: "account"; login: string | null; kind: GithubAccess["kind"] }
  | { type: "repositories"; repositories: GithubRepositoryRow[]; imports: Record<string, RowImportStatus> }
  | { type: "end"; total: number }
  | { type: "error"; error: { code: string; message: string } };

/** Streams the whole listing page by page, each page with the import status of its repositories. */
export async function streamGithubListing(
  user: SessionUser,
  { client, access }: Awaited<ReturnType<typeof githubPickerClient>>,
  send: (event: GithubListingEvent) => void,
): Promise<void> {
  send({ type: "account", login: access.login, kind: access.kind });
  const total = await readGithubListing(client, Number(access.githubUserId), async (repositories) => {
    const imports = await githubImportStatuses(user, repositories.map((repository) => repository.fullName));
    send({ type: "repositories", repositories, imports });
  });
  send({ type: "end", total });
}
