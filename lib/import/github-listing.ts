import pLimit from "p-limit";
import { z } from "zod";
import type { GitHubClient } from "@/lib/github";
import type { PickerRepository } from "./listing-stream";

/**
 * The GitHub repositories a user can import: every repository `/user/repos` lists for the owner,
 * collaborator and organization_member affiliations, 100 a page. The first page tells how many
 * pages follow (Link rel="last"), so the rest are read in parallel and handed on in order.
 *
 * Filtering by name happens over this listing, not through GitHub's search API: the search API
 * allows 30 requests a minute (a filter typed letter by letter exhausts it), costs a round-trip per
 * keystroke, and cannot express "repositories I collaborate on" (`user:`/`org:` qualifiers cover
 * owners only). The listing is read once and filtered where it is held (in the browser for the
 * picker, on the server for Import all: ./github-filter.ts); `npm run bench:picker -- --source github`
 * prints both.
 */

export const GITHUB_LISTING_QUERY = { affiliation: "owner,collaborator,organization_member", per_page: 100, sort: "full_name" } as const;
/** Pages read at once after the first. */
const PAGE_CONCURRENCY = 8;
/** 100,000 repositories; a listing longer than that is cut, not read forever. */
const MAX_PAGES = 1000;

const repositorySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  full_name: z.string(),
  owner: z.object({ id: z.number().int(), login: z.string(), type: z.string().optional() }),
  private: z.boolean(),
  html_url: z.string(),
  description: z.string().nullish(),
  updated_at: z.string().nullish(),
  pushed_at: z.string().nullish(),
});

/** A picker row of a GitHub repository, with GitHub's numeric id (what an import is started with). */
export type GithubRepositoryRow = PickerRepository & { id: number; relation: NonNullable<PickerRepository["relation"]> };

/** Who is asking: the token's GitHub user id (so a renamed login still counts as owner) and the ids of their organisations. */
export type GithubViewer = { id: number; organizationIds: ReadonlySet<number> };

export function toGithubRow(json: unknown, viewer: GithubViewer): GithubRepositoryRow {
  const repository = repositorySchema.parse(json);
  // A repository of an organisation the user is not a member of reaches them as a collaborator.
  const relation = repository.owner.id === viewer.id ? "owned" : viewer.organizationIds.has(repository.owner.id) ? "organization" : "collaborated";
  return {
    id: repository.id,
    uuid: String(repository.id),
    fullName: repository.full_name,
    name: repository.name,
    slug: repository.name,
    workspace: repository.owner.login,
    relation,
    description: repository.description ?? "",
    isPrivate: repository.private,
    htmlUrl: repository.html_url,
    updatedOn: repository.pushed_at ?? repository.updated_at ?? null,
  };
}

const organizationsSchema = z.array(z.object({ id: z.number().int() }));

/** The organisations the token's user belongs to (one page of 100 covers nearly everyone; more are read as collaborations). */
async function organizationIdsOf(client: GitHubClient): Promise<Set<number>> {
  const organizations = organizationsSchema.parse(await client.get("/user/orgs", { per_page: 100 }));
  return new Set(organizations.map((organization) => organization.id));
}

/**
 * Reads the whole listing, handing each page to `emit` in page order as soon as it and every page
 * before it have arrived. `prepare` runs on each page as it arrives, in parallel with the others
 * (e.g. looking up import statuses); its result rides along. Resolves to the number of repositories read.
 */
export async function readGithubListing<Extra = undefined>(
  client: GitHubClient,
  viewerId: number,
  emit: (rows: GithubRepositoryRow[], extra: Extra) => void | Promise<void>,
  prepare?: (rows: GithubRepositoryRow[]) => Promise<Extra>,
): Promise<number> {
  const [first, organizationIds] = await Promise.all([client.page<unknown>("/user/repos", GITHUB_LISTING_QUERY), organizationIdsOf(client)]);
  const viewer: GithubViewer = { id: viewerId, organizationIds };
  const ready = async (items: unknown[]) => {
    const rows = items.map((item) => toGithubRow(item, viewer));
    return { rows, extra: (prepare ? await prepare(rows) : undefined) as Extra };
  };
  const following = first.following.slice(0, MAX_PAGES - 1);
  let count = 0;
  if (following.length === 0 && first.next) {
    // GitHub did not say how many pages there are: follow rel="next" one page at a time.
    let answer: Awaited<ReturnType<GitHubClient["page"]>> = first;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { rows, extra } = await ready(answer.items);
      await emit(rows, extra);
      count += rows.length;
      if (!answer.next) break;
      answer = await client.page<unknown>(answer.next);
    }
    return count;
  }
  const limit = pLimit(PAGE_CONCURRENCY);
  const pages = [ready(first.items), ...following.map((url) => limit(async () => ready((await client.page<unknown>(url)).items)))];
  // A failure is reported by the loop below when it reaches that page; later pages must not go unhandled meanwhile.
  for (const page of pages) page.catch(() => undefined);
  for (const page of pages) {
    const { rows, extra } = await page;
    await emit(rows, extra);
    count += rows.length;
  }
  return count;
}
