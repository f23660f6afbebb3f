import { z } from "zod";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import type { GitHubClient } from "@/lib/github";

/**
 * Before a GitHub import: which of the repository's collaborators and contributors already map to
 * Ferry users (they linked that GitHub account, by its numeric user id, exactly as the import
 * maps contributions, so a renamed login still maps) and who does not.
 */

/** GitHub's deleted-user account; never mapped to anyone. */
const GHOST_ID = 10137;
const GHOST_LOGIN = "ghost";
/** People read per list: one request of 100 each. */
const PER_LIST = 100;

const personSchema = z.array(z.object({ id: z.number().int(), login: z.string(), type: z.string().optional() }));

export type GithubPerson = {
  githubId: number;
  login: string;
  roles: Array<"collaborator" | "contributor">;
  /** The Ferry user the person maps to, or null. */
  ferryUser: { username: string; name: string | null } | null;
};

export type GithubMappingSummary = {
  repository: string;
  total: number;
  mapped: number;
  people: GithubPerson[];
  /** Lists GitHub would not show with this access (collaborators need push access), as sentences. */
  unavailable: string[];
};

async function peopleList(client: GitHubClient, path: string, query: Record<string, string | number>): Promise<z.infer<typeof personSchema> | null> {
  try {
    return personSchema.parse(await client.get(path, { ...query, per_page: PER_LIST }));
  } catch (error) {
    if (isAppError(error) && (error.code === "github_forbidden" || error.code === "not_found")) return null;
    throw error;
  }
}

/** The summary for a repository the client's user can read; GitHub errors other than a hidden list pass through. */
export async function githubMappingSummary(client: GitHubClient, repository: string): Promise<GithubMappingSummary> {
  const [owner, name] = repository.split("/").map(encodeURIComponent);
  const base = `/repos/${owner}/${name}`;
  const [collaborators, contributors] = await Promise.all([peopleList(client, `${base}/collaborators`, { affiliation: "all" }), peopleList(client, `${base}/contributors`, {})]);
  const unavailable = collaborators ? [] : ["GitHub lists a repository's collaborators only to people with push access."];
  const byId = new Map<number, GithubPerson>();
  const add = (list: z.infer<typeof personSchema> | null, role: GithubPerson["roles"][number]) => {
    for (const person of list ?? []) {
      if (person.id === GHOST_ID || person.login === GHOST_LOGIN || (person.type && person.type !== "User")) continue;
      const entry = byId.get(person.id) ?? { githubId: person.id, login: person.login, roles: [], ferryUser: null };
      if (!entry.roles.includes(role)) entry.roles.push(role);
      byId.set(person.id, entry);
    }
  };
  add(collaborators, "collaborator");
  add(contributors, "contributor");
  const people = [...byId.values()];
  const accounts = await db.account.findMany({
    where: { provider: "github", providerAccountId: { in: people.map((person) => String(person.githubId)) }, user: { kind: "human" } },
    select: { providerAccountId: true, user: { select: { username: true, name: true } } },
  });
  const ferryUsers = new Map(accounts.map((account) => [account.providerAccountId, account.user]));
  for (const person of people) person.ferryUser = ferryUsers.get(String(person.githubId)) ?? null;
  // Unmapped first: they are the ones to act on.
  people.sort((a, b) => Number(a.ferryUser !== null) - Number(b.ferryUser !== null) || a.login.localeCompare(b.login));
  return { repository, total: people.length, mapped: people.filter((person) => person.ferryUser).length, people, unavailable };
}
