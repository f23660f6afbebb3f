import { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import { githubClientForUser, type GithubAccess } from "@/lib/auth/github-credential";
import { AppError } from "@/lib/errors";
import type { GitHubClient } from "@/lib/github";
import { matchesGithubRepository } from "./github-filter";
import { readGithubListing, type GithubRepositoryRow } from "./github-listing";
import { startGitHubImport, type GitHubOptionalStages } from "./github-start";
import type { ListingStreamEvent } from "./listing-stream";
import type { PickerBackend } from "./picker";
import { githubRepositorySchema, type GitHubRepositoryJson } from "./sources/github";
import { requireSourceEnabled, resumeBitbucketImport } from "./start";
import { importStatusesFor } from "./status";
import { ndjsonResponse } from "@/lib/json-routes/ndjson";

/**
 * GitHub in the repository picker: the listing stream of /import/github/repositories and the
 * picker backend its actions are made from. Every call checks that GitHub imports are enabled and
 * acts with the user's own GitHub access.
 */

export const githubRepositoryNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, "must look like owner/repository");

/** The switches of a GitHub import a row's Options may set; anything else is ignored. */
const GITHUB_OPTIONAL_STAGES = ["attachments_import", "collaborators_import", "single_endpoint_notes_import"] as const satisfies ReadonlyArray<keyof GitHubOptionalStages>;

function githubOptionalStages(options: Record<string, boolean> | undefined): GitHubOptionalStages | undefined {
  if (!options) return undefined;
  return Object.fromEntries(GITHUB_OPTIONAL_STAGES.flatMap((name) => (typeof options[name] === "boolean" ? [[name, options[name]]] : [])));
}

/** The user's GitHub client, once an administrator's settings allow GitHub imports. */
export async function githubPickerClient(user: SessionUser): Promise<{ client: GitHubClient; access: GithubAccess }> {
  await requireSourceEnabled("github");
  return githubClientForUser(user.id);
}

/**
 * The whole listing as the picker's stream, page by page with each page's import statuses; the
 * organisations seen so far ride along as the listing's groups (the "show" select offers them).
 */
export function githubListingResponse(user: SessionUser, { client, access }: Awaited<ReturnType<typeof githubPickerClient>>, requestId: string): Response {
  return ndjsonResponse<ListingStreamEvent>(
    async (send) => {
      const organizations = new Set<string>();
      send({ type: "workspaces", workspaces: [] });
      const statuses = (repositories: GithubRepositoryRow[]) => githubPicker.statuses(user, repositories.map((repository) => repository.fullName));
      await readGithubListing(client, Number(access.githubUserId), (repositories, imports) => {
        const before = organizations.size;
        for (const repository of repositories) if (repository.relation === "organization") organizations.add(repository.workspace);
        if (organizations.size !== before) send({ type: "workspaces", workspaces: [...organizations].sort() });
        send({ type: "repositories", workspace: "", repositories: repositories.map(({ id: _id, ...row }) => row), imports });
      }, statuses);
      send({ type: "end", cursor: null });
    },
    { requestId, context: "github repositories", event: (error) => ({ type: "error", error }) },
  );
}

/** The repository a row names, read with the user's own access (a repository they cannot see is not found). */
async function githubRepositoryOf(user: SessionUser, fullName: string): Promise<GitHubRepositoryJson> {
  const { client } = await githubPickerClient(user);
  const [owner, name] = fullName.split("/").map(encodeURIComponent);
  try {
    return githubRepositorySchema.parse(await client.get(`/repos/${owner}/${name}`));
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") throw new AppError("repository_not_found", `GitHub repository ${fullName} could not be found, or your GitHub access cannot read it.`);
    throw error;
  }
}

export const githubPicker: PickerBackend<GithubRepositoryRow> = {
  source: "github",
  reconnectCode: "github_unauthorized",
  async listAll(user, filter, params) {
    const { client, access } = await githubPickerClient(user);
    const repositories: GithubRepositoryRow[] = [];
    await readGithubListing(client, Number(access.githubUserId), (page) => {
      repositories.push(...page.filter((repository) => matchesGithubRepository(repository, filter ?? "", params)));
    });
    return { repositories, problems: [] };
  },
  async start(user, input) {
    // Import all hands the listing's row (GitHub's id is enough); a row's Import names the repository.
    const repository = input.sourceRepository ? null : await githubRepositoryOf(user, input.repository);
    return startGitHubImport(user, {
      repoId: input.sourceRepository?.id ?? repository!.id,
      sourceRepository: repository ?? undefined,
      targetNamespace: input.targetNamespace,
      name: input.name,
      userMapping: input.userMapping,
      takenNamespace: input.takenNamespace,
      optionalStages: githubOptionalStages(input.sourceOptions),
    });
  },
  // Continues the stopped import with its own source's stages (it checks the source is still enabled).
  resume: resumeBitbucketImport,
  statuses: (user, repositories) => importStatusesFor(user, repositories, "github"),
};
