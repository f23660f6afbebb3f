import { describe, expect, it } from "vitest";
import { GITHUB_ACCOUNTS } from "@/mocks/github";
import { createGitHubClient } from "@/lib/github";
import { useGithubMockServer } from "@/test/github-msw";
import { matchesGithubRepository } from "./github-filter";
import { readGithubListing, type GithubRepositoryRow } from "./github-listing";

const { requests } = useGithubMockServer({ repositories: 250 });

const clientOf = (login: keyof typeof GITHUB_ACCOUNTS) => createGitHubClient({ token: GITHUB_ACCOUNTS[login].token });

async function listingOf(login: keyof typeof GITHUB_ACCOUNTS): Promise<GithubRepositoryRow[]> {
  const rows: GithubRepositoryRow[] = [];
  await readGithubListing(clientOf(login), GITHUB_ACCOUNTS[login].id, (page) => void rows.push(...page));
  return rows;
}

describe("the GitHub repository listing", () => {
  it("reads every page once, hands pages on in order and says how the user reaches each repository", async () => {
    const pages: string[][] = [];
    const total = await readGithubListing(clientOf("alice"), GITHUB_ACCOUNTS.alice.id, (rows) => {
      pages.push(rows.map((row) => row.fullName));
    });
    const names = pages.flat();
    expect(total).toBe(names.length);
    expect(names.length).toBeGreaterThan(250);
    expect(pages.length).toBe(Math.ceil(names.length / 100));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" })));
    expect(new Set(names).size).toBe(names.length);
    const listingRequests = requests.filter((url) => url.pathname === "/user/repos");
    expect(listingRequests.map((url) => url.searchParams.get("page") ?? "1").sort()).toEqual(pages.map((_, index) => String(index + 1)).sort());
    expect(listingRequests[0]!.searchParams.get("affiliation")).toBe("owner,collaborator,organization_member");

    const rows = (await listingOf("alice")).filter((row) => matchesGithubRepository(row, "DOTFILES", {}));
    expect(rows).toEqual([expect.objectContaining({ fullName: "alice/dotfiles", relation: "owned", id: 7003, uuid: "7003", workspace: "alice", isPrivate: false })]);
    expect(names).not.toContain("umbrella/research");
  });

  it("tells collaborated repositories from organisation ones, and shows each kind on its own", async () => {
    const rows = await listingOf("carol");
    expect(new Map(rows.map((row) => [row.fullName, row.relation]))).toEqual(
      new Map([
        ["acme/rocket", "collaborated"],
        ["umbrella/research", "organization"],
      ]),
    );
    const shown = (show: string) => rows.filter((row) => matchesGithubRepository(row, "", { show })).map((row) => row.fullName);
    expect(shown("collaborated")).toEqual(["acme/rocket"]);
    expect(shown("org:Umbrella")).toEqual(["umbrella/research"]);
    expect(shown("org:acme")).toEqual([]);
    expect(shown("owned")).toEqual([]);
  });

  it("filters by a case-insensitive part of owner/name", () => {
    const row = { fullName: "acme/Rocket", workspace: "acme", relation: "organization" as const };
    expect(matchesGithubRepository(row, " rock", {})).toBe(true);
    expect(matchesGithubRepository(row, "me/ro", { show: "org:acme" })).toBe(true);
    expect(matchesGithubRepository(row, "website", {})).toBe(false);
    expect(matchesGithubRepository(row, "", {})).toBe(true);
  });
});
