import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BAD_CREDENTIALS, GITHUB_ACCOUNTS, SECONDARY_LIMIT_MESSAGE, createGithubHandlers, createGithubState, minimumImportRequests, showcaseExpectations } from "./index";

const API = "https://api.github.com";
const WEB = "https://github.com";
const GHES = "https://ghe.example.com";

const state = createGithubState({ bench: { pullRequests: 150, issues: 120, commits: 40, branches: 6, lfsObjects: 3 } });
const server = setupServer(...createGithubHandlers(state, { apiUrl: API, webUrl: WEB }), ...createGithubHandlers(state, { apiUrl: GHES, webUrl: GHES }));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());
beforeEach(() => state.reset());

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const alice = `token ${GITHUB_ACCOUNTS.alice.token}`;
const bob = `Bearer ${GITHUB_ACCOUNTS.bob.token}`;
const expected = showcaseExpectations();

async function get(path: string, auth: string | null = alice, headers: Record<string, string> = {}, base = API): Promise<{ status: number; body: Json; response: Response }> {
  const response = await fetch(path.startsWith("http") ? path : `${base}${path}`, { headers: { ...(auth ? { Authorization: auth } : {}), ...headers } });
  const raw = await response.text();
  return { status: response.status, body: raw ? JSON.parse(raw) : null, response };
}

/** Follows Link rel="next" from `path`; returns every item and the URLs requested. */
async function all(path: string, base = API): Promise<{ items: Json[]; urls: string[] }> {
  const items: Json[] = [];
  const urls: string[] = [];
  let next: string | null = `${base}${path}`;
  while (next) {
    urls.push(next);
    const { status, body, response } = await get(next);
    expect(status).toBe(200);
    items.push(...(body as Json[]));
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1] ?? null;
  }
  return { items, urls };
}

async function config(patch: Json): Promise<void> {
  const response = await fetch(`${WEB}/_sandbox/config`, { method: "PUT", body: JSON.stringify(patch) });
  expect(response.status).toBe(200);
}

describe("authentication", () => {
  it("accepts `token X` and `Bearer X` and answers the account", async () => {
    expect((await get("/user")).body).toMatchObject({ login: "alice", id: 1001, type: "User" });
    expect((await get("/user", bob)).body).toMatchObject({ login: "bob", id: 1002 });
    expect((await get("/user/emails", bob)).body).toEqual([{ email: "bob@example.com", primary: true, verified: true, visibility: "public" }]);
  });

  it("answers GitHub's 401 body to a bad token, even on public endpoints", async () => {
    for (const path of ["/user", "/repos/acme/website"]) {
      const { status, body, response } = await get(path, "token ghp_nope");
      expect(status).toBe(401);
      expect(body).toEqual({ message: BAD_CREDENTIALS, documentation_url: "https://docs.github.com/rest", status: "401" });
      expect(response.headers.get("x-ratelimit-limit")).toBe("60");
    }
  });

  it("hides private repositories from anonymous callers and non-members (404), shows public ones", async () => {
    expect((await get("/repos/acme/rocket", null)).status).toBe(404);
    expect((await get("/repos/umbrella/research")).status).toBe(404);
    expect((await get("/repos/acme/website", null)).body).toMatchObject({ full_name: "acme/website", private: false, visibility: "public" });
    expect((await get("/user", null)).status).toBe(401);
  });

  it("stops accepting revoked tokens", async () => {
    await fetch(`${WEB}/_sandbox/tokens/revoke`, { method: "POST", body: JSON.stringify({ login: "bob" }) });
    expect((await get("/user", bob)).status).toBe(401);
  });
});

describe("pagination", () => {
  it("pages with per_page (default 30, at most 100) and Link rel next/last/prev/first", async () => {
    const first = await get("/repos/bench/big-repo/issues?state=all");
    expect(first.body).toHaveLength(30);
    const link = first.response.headers.get("link")!;
    expect(link).toContain(`<${API}/repos/bench/big-repo/issues?state=all&page=2>; rel="next"`);
    expect(link).toContain(`<${API}/repos/bench/big-repo/issues?state=all&page=9>; rel="last"`);
    expect(link).not.toContain('rel="prev"');

    const middle = await get("/repos/bench/big-repo/issues?state=all&per_page=100&page=2");
    expect(middle.body).toHaveLength(100);
    const middleLink = middle.response.headers.get("link")!;
    expect(middleLink).toMatch(/page=1>; rel="prev"/);
    expect(middleLink).toMatch(/page=3>; rel="next"/);
    expect(middleLink).toMatch(/page=3>; rel="last"/);
    expect(middleLink).toMatch(/page=1>; rel="first"/);

    expect((await get("/repos/bench/big-repo/issues?state=all&per_page=500")).body).toHaveLength(100);
  });

  it("walks every item exactly once, pull requests included in issues with a pull_request key", async () => {
    const { items, urls } = await all("/repos/bench/big-repo/issues?state=all&per_page=100&sort=created&direction=asc");
    expect(urls).toHaveLength(3);
    expect(items.map((item) => item.number)).toEqual(Array.from({ length: 270 }, (_, i) => i + 1));
    expect(items.filter((item) => item.pull_request)).toHaveLength(150);
    const pulls = await all("/repos/bench/big-repo/pulls?state=all&per_page=100");
    expect(pulls.items).toHaveLength(150);
  });

  it("answers 422 for deep page numbers when maxPage is set", async () => {
    await config({ maxPage: 2 });
    const { status, body } = await get("/repos/bench/big-repo/issues?state=all&page=3");
    expect(status).toBe(422);
    expect(body.message).toMatch(/Pagination with the page parameter is not supported/);
  });
});

describe("rate limits", () => {
  it("counts requests in x-ratelimit-* headers and answers 403 with remaining 0 when exhausted", async () => {
    await config({ rateLimitLimit: 3 });
    const first = await get("/repos/acme/rocket");
    expect(first.response.headers.get("x-ratelimit-remaining")).toBe("2");
    expect(first.response.headers.get("x-ratelimit-used")).toBe("1");
    expect(first.response.headers.get("x-ratelimit-resource")).toBe("core");
    const reset = Number(first.response.headers.get("x-ratelimit-reset"));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    await get("/repos/acme/rocket/labels");
    await get("/repos/acme/rocket/milestones");
    const over = await get("/repos/acme/rocket/releases");
    expect(over.status).toBe(403);
    expect(over.response.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(over.body.message).toBe("API rate limit exceeded for user ID 1001.");
    // Another account has its own bucket.
    expect((await get("/repos/acme/rocket/releases", bob)).status).toBe(200);
  });

  it("lets the admin endpoint set what remains and when it resets", async () => {
    await fetch(`${WEB}/_sandbox/rate-limit`, { method: "POST", body: JSON.stringify({ login: "alice", remaining: 0, resetInSeconds: 30 }) });
    const { status, response } = await get("/user");
    expect(status).toBe(403);
    expect(Number(response.headers.get("x-ratelimit-reset")) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(30);
  });

  it("injects secondary limits as 403 or 429 with retry-after, and does not count them", async () => {
    await config({ secondaryRateLimitRatio: 1, retryAfterSeconds: 7 });
    const forbidden = await get("/repos/acme/rocket");
    expect(forbidden.status).toBe(403);
    expect(forbidden.response.headers.get("retry-after")).toBe("7");
    expect(forbidden.body.message).toContain(SECONDARY_LIMIT_MESSAGE);
    expect(forbidden.response.headers.get("x-ratelimit-used")).toBe("0");
    await config({ secondaryRateLimitStatus: 429 });
    expect((await get("/repos/acme/rocket")).status).toBe(429);
  });

  it("draws the same faults for the same seed, about the configured share", async () => {
    const run = async () => {
      state.reset();
      await config({ secondaryRateLimitRatio: 0.3, error5xxRatio: 0.05, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await get("/repos/acme/rocket/labels")).status);
      return statuses;
    };
    const once = await run();
    expect(await run()).toEqual(once);
    const secondary = once.filter((status) => status === 403).length;
    expect(secondary).toBeGreaterThan(8);
    expect(secondary).toBeLessThan(30);
    expect(once.some((status) => status >= 500)).toBe(true);
  });

  it("answers 304 to a matching If-None-Match without counting it", async () => {
    const first = await get("/users/bob");
    const etag = first.response.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const again = await get("/users/bob", alice, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.response.headers.get("x-ratelimit-used")).toBe("1");
    await fetch(`${WEB}/_sandbox/accounts/bob/rename`, { method: "POST", body: JSON.stringify({ login: "bobby" }) });
    const changed = await get("/users/bobby", alice, { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ login: "bobby", id: 1002 });
  });
});

describe("GitHub Enterprise Server", () => {
  it("serves the same API under /api/v3 with links on that prefix", async () => {
    const { status, body, response } = await get("/api/v3/repos/acme/rocket/issues?state=all&per_page=2", alice, {}, GHES);
    expect(status).toBe(200);
    expect(body[0].url).toBe(`${GHES}/api/v3/repos/acme/rocket/issues/8`);
    expect(body[0].html_url).toBe(`${GHES}/acme/rocket/issues/8`);
    expect(response.headers.get("link")).toContain(`<${GHES}/api/v3/repos/acme/rocket/issues?state=all&per_page=2&page=2>; rel="next"`);
    expect((await get("/api/v3/repositories/7001", alice, {}, GHES)).body).toMatchObject({ full_name: "acme/rocket", clone_url: `${GHES}/acme/rocket.git` });
  });
});

describe("showcase content", () => {
  const repo = "/repos/acme/rocket";

  it("serves the repository by id with permissions, labels, milestones (state=all) and releases with assets", async () => {
    expect((await get("/repositories/7001")).body).toMatchObject({ full_name: "acme/rocket", private: true, default_branch: "main", has_wiki: true, permissions: { admin: true } });
    const labels = (await get(`${repo}/labels`)).body;
    expect(labels).toHaveLength(expected.labels);
    expect(labels[0]).toMatchObject({ name: "bug", color: "d73a4a", description: "Something isn't working" });
    expect((await get(`${repo}/milestones`)).body).toHaveLength(2);
    const milestones = (await get(`${repo}/milestones?state=all`)).body;
    expect(milestones.map((milestone: Json) => [milestone.title, milestone.state, milestone.due_on])).toContainEqual(["v1.0", "closed", "2023-01-31T08:00:00Z"]);
    const releases = (await get(`${repo}/releases`)).body;
    expect(releases[1]).toMatchObject({ tag_name: "v1.0.0", assets: [{ name: "rocket-linux-x64.tar.gz" }, { name: "checksums.txt" }] });
    expect(releases[1].assets[0].browser_download_url).toBe(`${WEB}/acme/rocket/releases/download/v1.0.0/rocket-linux-x64.tar.gz`);
  });

  it("serves issues with state_reason, reactions, closed_by and bodies pointing at the sandbox", async () => {
    const issue = (await get(`${repo}/issues/1`)).body;
    expect(issue).toMatchObject({ number: 1, state: "open", assignees: [{ login: "bob" }, { login: "carol" }], milestone: { title: "v1.0" }, reactions: { "+1": 3, heart: 1, rocket: 2, total_count: 6 } });
    expect(issue.body).toContain(`${WEB}/user-attachments/assets/`);
    expect(issue.body).toContain("@dan");
    expect((await get(`${repo}/issues/3`)).body).toMatchObject({ state_reason: "not_planned", user: { login: "ghost", id: 10137 }, closed_by: { login: "carol" } });
    const pull = (await get(`${repo}/issues/4`)).body;
    expect(pull.pull_request).toMatchObject({ url: `${API}/repos/acme/rocket/pulls/4`, merged_at: "2023-01-20T12:00:00Z" });
  });

  it("serves pull requests: merged, draft, from a deleted fork, requested reviewers", async () => {
    const merged = (await get(`${repo}/pulls/4`)).body;
    expect(merged).toMatchObject({ merged: true, merged_by: { login: "alice" }, review_comments: expected.reviewComments, head: { ref: "feature/countdown" }, base: { ref: "main" } });
    expect(merged.merge_commit_sha).toMatch(/^[0-9a-f]{40}$/);
    expect((await get(`${repo}/pulls/5`)).body).toMatchObject({ draft: true, head: { label: "daniel:fix-typo", repo: null } });
    expect((await get(`${repo}/pulls/7`)).body.requested_reviewers.map((user: Json) => user.login)).toEqual(expected.requestedReviewers[7]);
  });

  it("serves reviews in order, so the latest state per reviewer decides approval", async () => {
    const reviews = (await get(`${repo}/pulls/4/reviews`)).body as Json[];
    const latest = new Map<string, string>();
    for (const review of reviews) if (review.state !== "COMMENTED") latest.set(review.user.login, review.state);
    expect([...latest].filter(([, stateName]) => stateName === "APPROVED").map(([login]) => login)).toEqual(expected.approvals[4]);
    expect(reviews.map((review) => review.state)).toEqual(["COMMENTED", "APPROVED", "CHANGES_REQUESTED", "APPROVED"]);
    expect(((await get(`${repo}/pulls/5/reviews`)).body as Json[]).map((review) => review.state)).toEqual(["DISMISSED", "COMMENTED"]);
  });

  it("serves review comments on both sides, ranges, replies and suggestions, repository-wide and per pull request", async () => {
    const comments = (await get(`${repo}/pulls/comments`)).body as Json[];
    expect(comments).toHaveLength(expected.reviewComments);
    expect(comments.map((comment) => comment.side)).toContain("LEFT");
    const reply = comments.find((comment) => comment.in_reply_to_id);
    expect(comments.find((comment) => comment.id === reply.in_reply_to_id)).toBeDefined();
    expect(comments.find((comment) => comment.start_line !== null)).toMatchObject({ start_line: 8, line: 9, start_side: "RIGHT", body: expect.stringContaining("```suggestion") });
    expect((await get(`${repo}/pulls/4/comments`)).body).toHaveLength(expected.reviewComments);
    const since = (await get(`${repo}/pulls/comments?since=2023-01-15T00:00:00Z`)).body as Json[];
    expect(since.map((comment) => comment.user.login)).toEqual(["erin", "carol"]);
    const newestFirst = (await get(`${repo}/pulls/comments?sort=created&direction=desc`)).body as Json[];
    expect(newestFirst[0].user.login).toBe("carol");
  });

  it("serves issue comments repository-wide (with since) and per item", async () => {
    expect((await get(`${repo}/issues/comments`)).body).toHaveLength(expected.issueComments);
    const since = (await get(`${repo}/issues/comments?since=2023-02-01T00:00:00Z`)).body as Json[];
    expect(since.map((comment) => comment.issue_url)).toEqual([`${API}/repos/acme/rocket/issues/8`, `${API}/repos/acme/rocket/issues/8`]);
    expect((await get(`${repo}/issues/1/comments`)).body.map((comment: Json) => comment.user.login)).toEqual(["bob", "ghost"]);
  });

  it("serves timelines with every event kind, comments and reviews in order", async () => {
    const kinds = new Set<string>();
    for (const number of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const events = (await get(`${repo}/issues/${number}/timeline`)).body as Json[];
      const times = events.map((event) => event.created_at ?? event.submitted_at);
      expect([...times].sort()).toEqual(times);
      for (const event of events) kinds.add(event.event);
    }
    for (const kind of ["labeled", "unlabeled", "milestoned", "demilestoned", "closed", "reopened", "renamed", "assigned", "unassigned", "review_requested", "review_request_removed", "cross-referenced", "merged", "commented", "reviewed"]) {
      expect(kinds, kind).toContain(kind);
    }
    const first = (await get(`${repo}/issues/1/timeline`)).body as Json[];
    expect(first.find((event) => event.event === "renamed").rename).toEqual({ from: "Countdown is wrong", to: "Countdown skips 3" });
    const crossReference = first.find((event) => event.event === "cross-referenced");
    expect(crossReference.id).toBeUndefined();
    expect(crossReference.source.issue).toMatchObject({ number: 5, pull_request: expect.any(Object) });
    const second = (await get(`${repo}/issues/2/timeline`)).body as Json[];
    expect(second.find((event) => event.event === "closed").actor.login).toBe("carol");
    expect(second.find((event) => event.event === "unassigned").assignee.login).toBe("erin");
  });

  it("serves repository-wide issue events without cross-references", async () => {
    const events = (await get(`${repo}/issues/events?per_page=100`)).body as Json[];
    expect(events.length).toBeGreaterThan(20);
    expect(events.some((event) => event.event === "cross-referenced")).toBe(false);
    expect(events[0].issue).toMatchObject({ number: expect.any(Number) });
  });

  it("serves contributors: the authors of the pull requests, most contributions first", async () => {
    const pulls = (await get(`${repo}/pulls?state=all&per_page=100`)).body as Json[];
    const counts = new Map<string, number>();
    for (const pull of pulls) counts.set(pull.user.login, (counts.get(pull.user.login) ?? 0) + 1);
    const contributors = (await get(`${repo}/contributors`)).body as Json[];
    expect(contributors.length).toBeGreaterThan(1);
    expect(Object.fromEntries(contributors.map((user) => [user.login, user.contributions]))).toEqual(Object.fromEntries(counts));
    expect(contributors.map((user) => user.contributions)).toEqual([...contributors.map((user) => user.contributions)].sort((a, b) => b - a));
  });

  it("serves collaborators with permissions and role_name, and branch protection", async () => {
    const collaborators = (await get(`${repo}/collaborators?affiliation=direct`)).body as Json[];
    const roles = Object.fromEntries(collaborators.map((user) => [user.login, user.role_name]));
    expect(roles).toEqual(expected.collaborators);
    expect(collaborators.find((user) => user.login === "erin").permissions).toEqual({ admin: false, maintain: false, push: false, triage: true, pull: true });
    expect((await get(`${repo}/collaborators`, `token ${GITHUB_ACCOUNTS.daniel.token}`)).status).toBe(403);
    const branches = (await get(`${repo}/branches?protected=true`)).body as Json[];
    expect(branches.map((branch) => branch.name)).toEqual(expected.protectedBranches);
    expect((await get(`${repo}/branches/main/protection`)).body).toMatchObject({
      required_pull_request_reviews: { required_approving_review_count: 2, dismiss_stale_reviews: true, require_code_owner_reviews: true },
      enforce_admins: { enabled: true },
      required_status_checks: { contexts: ["ci/build"] },
    });
    expect((await get(`${repo}/branches/release%2F1.x/protection`)).body.restrictions.users.map((user: Json) => user.login)).toEqual(["alice"]);
    expect((await get(`${repo}/branches/feature%2Ftelemetry/protection`)).body.message).toBe("Branch not protected");
  });
});

describe("accounts, organisations, search and gists", () => {
  it("lists the user's repositories by affiliation and visibility, orgs, and org repositories", async () => {
    const owned = (await get("/user/repos?affiliation=owner")).body.map((repo: Json) => repo.full_name);
    expect(owned).toEqual(["alice/dotfiles", "alice/secret-notes"]);
    const privateOnes = (await get("/user/repos?visibility=private&per_page=100")).body as Json[];
    expect(privateOnes.every((repo) => repo.private)).toBe(true);
    expect(privateOnes.map((repo) => repo.full_name)).not.toContain("umbrella/research");
    expect((await get("/user/orgs")).body.map((org: Json) => org.login)).toEqual(["acme", "bench"]);
    expect((await get("/orgs/acme/repos?per_page=100")).body.length).toBeGreaterThan(10);
  });

  it("keeps a renamed user's id", async () => {
    expect((await get("/users/daniel")).body).toMatchObject({ id: 1004, login: "daniel" });
    expect((await get("/users/dan")).status).toBe(404);
  });

  it("searches repositories the caller can see", async () => {
    const { body, response } = await get("/search/repositories?q=rocket+org:acme");
    expect(body).toMatchObject({ total_count: 1, incomplete_results: false, items: [{ full_name: "acme/rocket" }] });
    expect(response.headers.get("x-ratelimit-resource")).toBe("search");
    expect((await get("/search/repositories?q=research", bob)).body.total_count).toBe(0);
  });

  it("lists the caller's gists (secret ones included) and serves one with its content", async () => {
    const gists = (await get("/gists")).body as Json[];
    expect(gists).toHaveLength(3);
    expect(gists.map((gist) => gist.public)).toContain(false);
    const gist = (await get(`/gists/${gists[0].id}`)).body;
    expect(gist.git_pull_url).toBe(`${WEB}/${gists[0].id}.git`);
    expect(Object.values(gist.files as Record<string, Json>)[0].content).toEqual(expect.any(String));
    expect(gists.some((candidate) => Object.keys(candidate.files).length > 10)).toBe(true);
  });
});

describe("request log and budget", () => {
  it("logs every API request with its status and account, under both prefixes", async () => {
    const before = state.requestCount;
    await get("/repos/acme/rocket");
    await get("/api/v3/user", bob, {}, GHES);
    await get("/user", "token wrong");
    expect(state.requests(before).map((entry) => [entry.path, entry.status, entry.account])).toEqual([
      ["/repos/acme/rocket", 200, "alice"],
      ["/api/v3/user", 200, "bob"],
      ["/user", 401, null],
    ]);
    const logged = (await (await fetch(`${WEB}/_sandbox/requests?since=${before}`)).json()) as Json[];
    expect(logged).toHaveLength(3);
  });

  it("computes the minimum request count from the data and reaches all of it with that many requests", async () => {
    const budget = minimumImportRequests(state, state.repository("bench", "big-repo")!);
    expect(budget.breakdown["GET /repos/{owner}/{repo}/pulls/{number}/reviews"]).toBe(150);
    expect(budget.breakdown["GET /repos/{owner}/{repo}/issues"]).toBe(3);
    expect(budget.gitlabPattern).toBeGreaterThan(budget.minimum * 2);
    const before = state.requestCount;
    await all("/repos/bench/big-repo/issues?state=all&per_page=100");
    await all("/repos/bench/big-repo/issues/comments?per_page=100");
    const made = state.requests(before).length;
    expect(made).toBe(budget.breakdown["GET /repos/{owner}/{repo}/issues"]! + budget.breakdown["GET /repos/{owner}/{repo}/issues/comments"]!);
  });
});

describe("OAuth", () => {
  it("shows a consent page listing the accounts and exchanges the code for a token", async () => {
    const page = await fetch(`${WEB}/login/oauth/authorize?client_id=${state.oauthClient.id}&redirect_uri=${encodeURIComponent("http://127.0.0.1:3000/cb")}&state=xyz`);
    const html = await page.text();
    expect(html).toContain("@alice");
    expect(html).toContain("@erin");
    const grant = await fetch(`${WEB}/login/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: state.oauthClient.id, redirect_uri: "http://127.0.0.1:3000/cb", state: "xyz", account: "1003", decision: "grant" }),
    });
    const location = new URL(grant.headers.get("location")!);
    expect(location.searchParams.get("state")).toBe("xyz");
    const exchange = await fetch(`${WEB}/login/oauth/access_token`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: state.oauthClient.id, client_secret: state.oauthClient.secret, code: location.searchParams.get("code") }),
    });
    const token = (await exchange.json()) as Json;
    expect(token).toMatchObject({ token_type: "bearer", access_token: expect.stringMatching(/^gho_/) });
    expect((await get("/user", `Bearer ${token.access_token}`)).body.login).toBe("carol");
  });
});

describe("changes after an import", () => {
  it("moves update times so listings filtered with since and sorted by update see the change, and counts what a sync needs", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const response = await fetch(`${WEB}/_sandbox/repositories/acme/rocket/changes`, {
      method: "POST",
      body: JSON.stringify({ changes: [{ type: "comment", number: 2, body: "Later", user: "bob" }, { type: "issue", title: "New" }, { type: "delete_comment", comment: 999_999 }] }),
    });
    // All or none: an unknown comment refuses the whole batch.
    expect(response.status).toBe(404);
    expect((await get(`/repos/acme/rocket/issues?state=all&since=${since}`)).body).toEqual([]);

    const applied = await fetch(`${WEB}/_sandbox/repositories/acme/rocket/changes`, {
      method: "POST",
      body: JSON.stringify({ changes: [{ type: "comment", number: 2, body: "Later", user: "bob" }, { type: "issue", title: "New" }, { type: "state", number: 8, state: "closed", user: "carol" }] }),
    });
    expect((await applied.json()).applied).toMatchObject([{ type: "comment" }, { type: "issue", id: 9 }, { type: "state", id: 8 }]);
    const listed = (await get(`/repos/acme/rocket/issues?state=all&sort=updated&direction=asc&since=${since}`)).body as Json[];
    expect(listed.map((item) => item.number)).toEqual([2, 9, 8]);
    expect(listed[0].comments).toBe(2);
    expect(listed.every((item, index) => index === 0 || item.updated_at > listed[index - 1].updated_at)).toBe(true);
    expect((await get(`/repos/acme/rocket/issues/comments?sort=updated&direction=asc&since=${since}`)).body.map((comment: Json) => comment.body)).toEqual(["Later"]);
    const events = (await get("/repos/acme/rocket/issues/events")).body as Json[];
    expect(events[0]).toMatchObject({ event: "closed", actor: { login: "carol" }, issue: { number: 8 } });

    const budget = (await (await fetch(`${WEB}/_sandbox/budget?repository=acme/rocket&since=${since}`)).json()) as Json;
    expect(budget.breakdown).toMatchObject({
      "GET /repos/{owner}/{repo}/issues": 1,
      "GET /repos/{owner}/{repo}/pulls/{number}": 0,
      "GET /repos/{owner}/{repo}/issues/events": 1,
      "GET /repos/{owner}/{repo}/collaborators": 1,
      "GET /repos/{owner}/{repo}/branches": 1,
      "GET /repos/{owner}/{repo}/branches/{branch}/protection": 2,
    });
    expect(budget.minimum).toBe(11);
  });
});
