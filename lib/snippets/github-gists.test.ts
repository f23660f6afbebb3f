import { beforeEach, describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { createGithubHandlers, createGithubState, GITHUB_ACCOUNTS, GITHUB_GISTS } from "@/mocks/github";
import { patchEnv } from "@/test/env";
import { rejection, useMockServer } from "@/test/msw";
import { gistRemoteCheck, openGithubGists, type GithubGist } from "./github-gists";

// The configured defaults (GITHUB_API_URL, GITHUB_URL); msw answers for them.
const { server, requests } = useMockServer();
beforeEach(() => server.use(...createGithubHandlers(createGithubState({ repositories: 0 }), { apiUrl: "https://api.github.com", webUrl: "https://github.com" })));

describe("the GitHub side of a gists import", () => {
  it("lists every gist of the token's account, secret ones included, with its file names and git URL", async () => {
    const account = await openGithubGists(GITHUB_ACCOUNTS.alice.token!);
    const gists: GithubGist[] = [];
    for await (const gist of account.gists()) gists.push(gist);

    expect(account.login).toBe("alice");
    const expected = GITHUB_GISTS.filter((gist) => gist.owner === "alice");
    expect(gists.map((gist) => gist.id).sort()).toEqual(expected.map((gist) => gist.id).sort());
    const secret = gists.find((gist) => !gist.public)!;
    expect(secret).toMatchObject({ description: null, fileNames: ["notes.txt"], gitPullUrl: `https://github.com/${secret.id}.git` });
    expect(Math.max(...gists.map((gist) => gist.fileNames.length))).toBe(11);
    expect(requests.map((url) => `${url.pathname}${url.search}`)).toEqual(["/user", "/gists?per_page=100"]);
  });

  it("fails with GitHub's access-denied error when the token is refused", async () => {
    const error = await rejection(openGithubGists("ghp_revoked"));
    expect(isAppError(error) && { code: error.code, message: error.message }).toEqual({ code: "github_unauthorized", message: "Access denied to your GitHub account." });
  });

  it("fetches gist history from github.com's gist host, or from a GitHub Enterprise Server's own host", () => {
    expect(gistRemoteCheck().allowedHosts).toEqual(expect.arrayContaining(["github.com", "gist.github.com"]));
    const restore = patchEnv({ GITHUB_URL: "https://ghe.example.test" });
    try {
      const hosts = gistRemoteCheck().allowedHosts;
      expect(hosts).toContain("ghe.example.test");
      expect(hosts).not.toContain("gist.github.com");
    } finally {
      restore();
    }
  });
});
