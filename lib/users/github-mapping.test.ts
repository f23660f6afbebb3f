import { beforeEach, describe, expect, it } from "vitest";
import { GITHUB_ACCOUNTS } from "@/mocks/github";
import { db } from "@/lib/db";
import { createGitHubClient } from "@/lib/github";
import { resetDatabase } from "@/test/db";
import { useGithubMockServer } from "@/test/github-msw";
import { githubMappingSummary } from "./github-mapping";

useGithubMockServer();
beforeEach(resetDatabase);

describe("who of a GitHub repository's people map to Ferry users", () => {
  it("maps linked identities by GitHub user id, so a login renamed since linking still maps", async () => {
    const dora = await db.user.create({ data: { username: "dora", name: "Dora" } });
    // Linked while the account was still called "dan"; GitHub now calls it "daniel".
    await db.account.create({ data: { userId: dora.id, type: "oauth", provider: "github", providerAccountId: String(GITHUB_ACCOUNTS.daniel.id), nickname: "dan" } });
    const placeholder = await db.user.create({ data: { username: "erin-placeholder", kind: "placeholder" } });
    await db.account.create({ data: { userId: placeholder.id, type: "oauth", provider: "github", providerAccountId: String(GITHUB_ACCOUNTS.erin.id), nickname: "erin" } });

    const summary = await githubMappingSummary(createGitHubClient({ token: GITHUB_ACCOUNTS.alice.token }), "acme/rocket");
    expect(summary.unavailable).toEqual([]);
    const logins = summary.people.map((person) => person.login);
    expect(logins).toEqual(expect.arrayContaining(["bob", "carol", "daniel", "erin"]));
    expect(logins).not.toContain("ghost");
    expect(summary.people.find((person) => person.login === "daniel")).toMatchObject({ githubId: 1004, roles: ["collaborator", "contributor"], ferryUser: { username: "dora" } });
    // Placeholders are not Ferry users a contribution maps to.
    expect(summary.people.find((person) => person.login === "erin")?.ferryUser).toBeNull();
    expect(summary.mapped).toBe(1);
    expect(summary.total).toBe(summary.people.length);
    expect(summary.people.at(-1)?.login).toBe("daniel");
  });

  it("says when GitHub hides the collaborators from a user without push access", async () => {
    const summary = await githubMappingSummary(createGitHubClient({ token: GITHUB_ACCOUNTS.erin.token }), "acme/rocket");
    expect(summary.unavailable).toEqual(["GitHub lists a repository's collaborators only to people with push access."]);
    expect(summary.total).toBe(summary.people.length);
  });
});
