import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGithubHandlers, createGithubState, GITHUB_ACCOUNTS, type GithubState } from "@/mocks/github";
import { rejection, useMockServer } from "@/test/msw";
import { createGitHubClient, githubApiUrl, scaleGitHubWaitsForTests, type GitHubEvent } from ".";
import { GitHubError } from "./errors";

// The configured defaults (GITHUB_API_URL, GITHUB_URL); msw answers for them.
const API = "https://api.github.com";
const WEB = "https://ghe.example.test";
const { server, requests } = useMockServer();
let state: GithubState;
let restoreWaits: () => void;

beforeEach(() => {
  state = createGithubState({ repositories: 0 });
  server.use(...createGithubHandlers(state, { apiUrl: API, webUrl: WEB }));
  restoreWaits = scaleGitHubWaitsForTests(1);
});
afterEach(() => restoreWaits());

const alice = GITHUB_ACCOUNTS.alice.token!;
const client = (options: Partial<Parameters<typeof createGitHubClient>[0]> = {}) => createGitHubClient({ token: alice, fetch: globalThis.fetch, ...options });

describe("base URLs", () => {
  it("uses GITHUB_API_URL without a host, and appends /api/v3 to a GitHub Enterprise Server host unless the path has /api/", () => {
    expect(githubApiUrl()).toBe("https://api.github.com");
    expect(githubApiUrl("ghe.example.com")).toBe("https://ghe.example.com/api/v3");
    expect(githubApiUrl("https://ghe.example.com/")).toBe("https://ghe.example.com/api/v3");
    expect(githubApiUrl("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com/api/v3");
    expect(githubApiUrl("http://ghe.example.com:8080/github/api/v4")).toBe("http://ghe.example.com:8080/github/api/v4");
    expect(() => githubApiUrl("https://user:pw@ghe.example.com")).toThrow(/github_hostname/);
    expect(() => githubApiUrl("ftp://ghe.example.com")).toThrow(/github_hostname/);
  });

  it("talks to a GitHub Enterprise Server under /api/v3", async () => {
    const ghes = client({ hostname: WEB });
    const repository = await ghes.get<{ full_name: string }>("/repositories/7001");
    expect(repository.full_name).toBe("acme/rocket");
    expect(requests.at(-1)?.href).toBe(`${WEB}/api/v3/repositories/7001`);
  });
});

describe("pagination", () => {
  it("follows Link headers and lists every later page from the first page's rel=last", async () => {
    const github = client({ fetch: globalThis.fetch });
    const first = await github.page<{ name: string }>("/repos/acme/rocket/labels", { per_page: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.following).toEqual([`${API}/repos/acme/rocket/labels?per_page=2&page=2`, `${API}/repos/acme/rocket/labels?per_page=2&page=3`]);
    const names = [...first.items];
    let next = first.next;
    while (next) {
      const page = await github.page<{ name: string }>(next);
      expect(page.following).toEqual([]);
      names.push(...page.items);
      next = page.next;
    }
    expect(names.map((label) => label.name)).toHaveLength(5);
    expect(new Set(names.map((label) => label.name)).size).toBe(5);
  });

  it("refuses a cursor that points away from the API it uses", async () => {
    const error = await rejection(client().page("https://evil.test/repos/acme/rocket/labels?page=2"));
    expect(error).toMatchObject({ code: "remote_not_allowed" });
  });
});

describe("errors", () => {
  it("maps a bad token to github_unauthorized with the message users see", async () => {
    const error = await rejection(client({ token: "ghp_nope" }).get("/user"));
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ code: "github_unauthorized", status: 401, upstreamStatus: 401, message: "Access denied to your GitHub account." });
  });

  it.each([
    [404, "not_found", 404],
    [403, "github_forbidden", 403],
    [410, "not_found", 404],
    [422, "github_invalid_request", 502],
    [418, "github_error", 502],
  ])("maps GitHub's %i to %s", async (upstream, code, status) => {
    server.use(http.get(`${API}/teapot`, () => HttpResponse.json({ message: "nope" }, { status: upstream })));
    const error = await rejection(client().get("/teapot"));
    expect(error).toMatchObject({ code, status, upstreamStatus: upstream });
    expect(requests.filter((url) => url.pathname === "/teapot")).toHaveLength(1);
  });

  it("retries 5xx answers with backoff and fails after the last try", async () => {
    let calls = 0;
    server.use(http.get(`${API}/flaky`, () => (++calls < 3 ? HttpResponse.json({ message: "Server Error" }, { status: 502 }) : HttpResponse.json({ ok: true }))));
    expect(await client().get("/flaky")).toEqual({ ok: true });
    expect(calls).toBe(3);
    server.use(http.get(`${API}/down`, () => HttpResponse.json({ message: "Server Error" }, { status: 500 })));
    expect(await rejection(client().get("/down"))).toMatchObject({ code: "github_error", upstreamStatus: 500 });
  });

  it("maps a connection failure to github_unreachable", async () => {
    server.use(http.get(`${API}/gone`, () => HttpResponse.error()));
    expect(await rejection(client().get("/gone"))).toMatchObject({ code: "github_unreachable", status: 503 });
  });
});

describe("rate limits", () => {
  it("waits out a secondary limit for its retry-after and reports the wait", async () => {
    state.updateKnobs({ secondaryRateLimitRatio: 1, retryAfterSeconds: 3 });
    const events: GitHubEvent[] = [];
    const github = client({
      onEvent: (event) => {
        events.push(event);
        if (events.length === 2) state.updateKnobs({ secondaryRateLimitRatio: 0 });
      },
    });
    expect((await github.get<{ id: number }>("/repositories/7001")).id).toBe(7001);
    expect(events).toHaveLength(2);
    expect(requests.filter((url) => url.pathname === "/repositories/7001")).toHaveLength(3);
    expect(events[0]).toMatchObject({ type: "rate-limited", limit: "secondary" });
  });

  it("gives up on a secondary limit that does not lift, with its retry time", async () => {
    state.updateKnobs({ secondaryRateLimitRatio: 1, secondaryRateLimitStatus: 429, retryAfterSeconds: 1 });
    const error = await rejection(client({ secondaryRetries: 2 }).get("/repositories/7001"));
    expect(error).toMatchObject({ code: "github_rate_limited", status: 429 });
    expect((error as GitHubError).retryAt).toBeInstanceOf(Date);
    expect(requests.filter((url) => url.pathname === "/repositories/7001")).toHaveLength(3);
  });

  it("stops at an exhausted primary limit longer than the allowed wait, with the reset time", async () => {
    state.setRateLimit("alice", { remaining: 0, resetInSeconds: 600 });
    const events: GitHubEvent[] = [];
    const error = await rejection(client({ maxRateLimitWaitMs: 60_000, onEvent: (event) => events.push(event) }).get("/repositories/7001"));
    expect(error).toMatchObject({ code: "github_rate_limited" });
    const retryAt = (error as GitHubError).retryAt!;
    expect(Math.abs(retryAt.getTime() - (Date.now() + 601_000))).toBeLessThan(5_000);
    expect(events).toEqual([expect.objectContaining({ limit: "primary" })]);
    expect(requests.filter((url) => url.pathname === "/repositories/7001")).toHaveLength(1);
  });

  it("waits for a primary limit that resets within the allowed wait", async () => {
    state.setRateLimit("alice", { remaining: 0, resetInSeconds: 1 });
    const github = client({ maxRateLimitWaitMs: 5_000, onEvent: () => state.setRateLimit("alice", { remaining: 100 }) });
    expect((await github.get<{ id: number }>("/repositories/7001")).id).toBe(7001);
    expect(requests.filter((url) => url.pathname === "/repositories/7001")).toHaveLength(2);
  });

  it("answers repeated look-ups with conditional requests that keep the quota", async () => {
    const github = client();
    const first = await github.cachedGet<{ login: string }>("/users/bob");
    state.setRateLimit("alice", { remaining: 10 });
    const second = await github.cachedGet<{ login: string }>("/users/bob");
    expect(second).toEqual(first);
    const rate = await github.get<{ rate: { remaining: number } }>("/rate_limit");
    expect(rate.rate.remaining).toBe(10);
  });
});
