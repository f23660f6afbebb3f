import { beforeEach, describe, expect, it } from "vitest";
import { GITHUB_ACCOUNTS, createGithubHandlers, createGithubState } from "@/mocks/github";
import { createGitHubClient } from "@/lib/github";
import { patchEnv } from "@/test/env";
import { useMockServer } from "@/test/msw";
import { listGithubRepositories, matchesGithubFilter, readGithubListing } from "./github-listing";

patchEnv({ GITHUB_API_URL: "https://api.github.com", GITHUB_URL: "https://github.com" });
const state = createGithubState({ repositories: 250 });
const { server, requests } = useMockServer();
beforeEach(() => {
  state.reset();
  server.use(...createGithubHandlers(state, { apiUrl: "https://api.github.com", webUrl: "https://github.com" }));
});

const clientOf = (login: keyof typeof GITHUB_ACCOUNTS) => createGitHubClient({ token: GITHUB_ACCOUNTS[login].token });

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

    const rows = await listGithubRepositories(clientOf("alice"), GITHUB_ACCOUNTS.alice.id, "DOTFILES");
    expect(rows).toEqual([expect.objectContaining({ fullName: "alice/dotfiles", affiliation: "owned", id: 7003, isPrivate: false })]);
    expect(names).not.toContain("umbrella/research");
  });

  it("tells collaborated repositories from organisation ones", async () => {
    const rows = await listGithubRepositories(clientOf("carol"), GITHUB_ACCOUNTS.carol.id);
    const byName = new Map(rows.map((row) => [row.fullName, row.affiliation]));
    expect(byName.get("acme/rocket")).toBe("collaborated");
    expect(byName.get("umbrella/research")).toBe("organization");
  });

  it("filters by a case-insensitive part of owner/name", () => {
    expect(matchesGithubFilter({ fullName: "acme/Rocket" }, " rock")).toBe(true);
    expect(matchesGithubFilter({ fullName: "acme/Rocket" }, "me/ro")).toBe(true);
    expect(matchesGithubFilter({ fullName: "acme/Rocket" }, "website")).toBe(false);
    expect(matchesGithubFilter({ fullName: "acme/Rocket" }, "")).toBe(true);
  });
});
