import { z } from "zod";
import type { SessionUser } from "@/lib/auth";
import type { ServerRepository } from "@/lib/bitbucket-server";
import type { PickerRepository, StreamableListingStep } from "./listing-stream";
import type { PickerBackend } from "./picker";
import { resumeBitbucketImport } from "./start";
import { bitbucketServerClient, bitbucketServerProblem } from "./start-bitbucket-server";
import { startBitbucketServerImport } from "./start-bitbucket-server";
import { currentConnection } from "./bitbucket-server-connections";
import { importStatusesFor } from "./status";

/** "KEY/slug" (personal projects: "~USER/slug"). */
export const serverRepositoryNameSchema = z
  .string()
  .trim()
  .regex(/^~?[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must look like PROJECT/repository");

type ListedRepository = PickerRepository;

/** Repositories a listing step reads from the server at once. */
const LISTING_PAGE = 100;

function toRow(serverUrl: string, repository: ServerRepository): ListedRepository {
  const key = repository.project.key;
  return {
    uuid: String(repository.id ?? `${key}/${repository.slug}`),
    fullName: `${key}/${repository.slug}`,
    name: repository.name,
    slug: repository.slug,
    workspace: key,
    description: repository.description ?? "",
    isPrivate: !repository.public,
    htmlUrl: `${serverUrl}/projects/${encodeURIComponent(key)}/repos/${encodeURIComponent(repository.slug)}/browse`,
    updatedOn: null,
  };
}

/**
 * One step of the listing of the current server's repositories: a page of `/repos` (the
 * server's `name` filter; with `project`, only that project's), grouped by project.
 */
export async function serverListingStep(user: SessionUser, query: { filter?: string; cursor?: string; project?: string }): Promise<StreamableListingStep<ListedRepository>> {
  const connection = await currentConnection(user);
  const client = await bitbucketServerClient(connection);
  let page;
  try {
    page = await client.repositoriesPage({ name: query.filter?.trim() || undefined, project: query.project || undefined, start: Number(query.cursor ?? 0) || 0, limit: LISTING_PAGE });
  } catch (error) {
    throw bitbucketServerProblem(error);
  }
  const rows = page.values.map((repository) => toRow(client.serverUrl, repository));
  const groups = [...new Set(rows.map((row) => row.workspace))];
  return {
    workspaces: groups,
    async run(emit, prepare) {
      for (const group of groups) {
        const repositories = rows.filter((row) => row.workspace === group);
        emit({ type: "repositories", workspace: group, repositories, extra: await prepare(repositories) });
      }
      return page.nextPageStart === null ? null : String(page.nextPageStart);
    },
  };
}

/** Everything a filter matches on the current server (for Import all). */
async function listAll(user: SessionUser, filter: string | undefined, params: Record<string, string>) {
  const repositories: ListedRepository[] = [];
  let cursor: string | undefined;
  do {
    const step = await serverListingStep(user, { filter, cursor, project: params.project });
    cursor = (await step.run((event) => event.type === "repositories" && repositories.push(...event.repositories), async () => ({}))) ?? undefined;
  } while (cursor);
  return { repositories, problems: [] };
}

/** The picker's server side for Bitbucket Server: the user's current connection is the source. */
export const bitbucketServerPicker: PickerBackend<ListedRepository> = {
  source: "bitbucket_server",
  reconnectCode: "bitbucket_server_auth_failed",
  listAll,
  async start(user, input) {
    const [projectKey, slug] = input.repository.split("/") as [string, string];
    return startBitbucketServerImport(user, { connection: await currentConnection(user), projectKey, slug, targetNamespace: input.targetNamespace, name: input.name, userMapping: input.userMapping, takenNamespace: input.takenNamespace });
  },
  resume: resumeBitbucketImport,
  async statuses(user, repositories) {
    const connection = await currentConnection(user).catch(() => null);
    return connection ? importStatusesFor(user, repositories, "bitbucket_server", connection.serverUrl) : {};
  },
};
