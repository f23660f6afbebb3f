import { HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import { rejection, useMockServer } from "@/test/msw";
import {
  BitbucketGoneError,
  BitbucketNotFoundError,
  BitbucketResponseError,
  PULL_REQUEST_STATES,
  apiTokenCredential,
  createBitbucketClient,
  gitCredentialsFor,
  isNoIssueTrackerError,
  type BitbucketCredential,
} from "./index";

const API = "https://api.bitbucket.test";
const REPO = `${API}/2.0/repositories/acme/rocket`;
const { server, requests } = useMockServer();

const credential: BitbucketCredential = { kind: "api-token", email: "ada@example.com", token: "ATATT-secret" };

function client() {
  return createBitbucketClient({ apiUrl: API, credential, retry: { maxAttempts: 1 } });
}


const ada = { type: "user", uuid: "{ada}", account_id: "557058:ada", nickname: "ada", display_name: "Ada" };

function pullRequest(id: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    title: `PR ${id}`,
    state: "OPEN",
    created_on: "2026-01-01T00:00:00+00:00",
    updated_on: "2026-01-02T00:00:00+00:00",
    source: { branch: { name: "feature" }, commit: { hash: "aaaaaaaaaaaa" }, repository: { full_name: "acme/rocket", uuid: "{r}" } },
    destination: { branch: { name: "main" }, commit: { hash: "bbbbbbbbbbbb" }, repository: { full_name: "acme/rocket", uuid: "{r}" } },
    author: ada,
    ...extra,
  };
}

describe("pull requests", () => {
  it("lists with the chosen states and page length", async () => {
    server.use(http.get(`${REPO}/pullrequests`, () => HttpResponse.json({ values: [] })));
    await client().listPullRequestsPage("acme", "rocket", { states: ["MERGED", "DECLINED"], pagelen: 25 });
    expect(requests[0]!.search).toBe(
      "?state=MERGED&state=DECLINED&sort=id&pagelen=25&fields=%2Bvalues.participants%2C%2Bvalues.reviewers%2C-values.summary.html",
    );
    expect(PULL_REQUEST_STATES).toEqual(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]);
  });

  it("refuses a page length over 50 or no state before sending anything", async () => {
    await expect(client().listPullRequestsPage("acme", "rocket", { pagelen: 51 })).rejects.toBeInstanceOf(RangeError);
    await expect(client().listPullRequestsPage("acme", "rocket", { states: [] })).rejects.toBeInstanceOf(RangeError);
    expect(requests).toEqual([]);
  });

  it("maps a pull request; absent participants/reviewers are null (not expanded), not empty", async () => {
    server.use(
      http.get(`${REPO}/pullrequests/5`, () =>
        HttpResponse.json(
          pullRequest(5, {
            description: "Body",
            merge_commit: { hash: "cccccccccccc" },
            comment_count: 2,
            task_count: 1,
            close_source_branch: true,
            reason: "",
            closed_by: { display_name: "Former user" },
            links: { html: { href: "https://bitbucket.test/acme/rocket/pull-requests/5" } },
          }),
        ),
      ),
    );
    const pr = await client().getPullRequest("acme", "rocket", 5);
    expect(pr).toEqual({
      id: 5,
      title: "PR 5",
      description: "Body",
      state: "OPEN",
      draft: false,
      author: { uuid: "{ada}", accountId: "557058:ada", nickname: "ada", displayName: "Ada", avatarUrl: null, type: "user" },
      source: { branch: "feature", commit: "aaaaaaaaaaaa", repository: { fullName: "acme/rocket", uuid: "{r}", htmlUrl: null } },
      destination: { branch: "main", commit: "bbbbbbbbbbbb", repository: { fullName: "acme/rocket", uuid: "{r}", htmlUrl: null } },
      mergeCommit: "cccccccccccc",
      // A user without a uuid has no stable identity: null rather than a failed page.
      closedBy: null,
      reason: null,
      closeSourceBranch: true,
      commentCount: 2,
      taskCount: 1,
      createdOn: "2026-01-01T00:00:00+00:00",
      updatedOn: "2026-01-02T00:00:00+00:00",
      reviewers: null,
      participants: null,
      htmlUrl: "https://bitbucket.test/acme/rocket/pull-requests/5",
    });
  });

  it("rejects an unknown state as an invalid response", async () => {
    server.use(http.get(`${REPO}/pullrequests`, () => HttpResponse.json({ values: [pullRequest(1, { state: "FUTURE" })] })));
    const error = await rejection(client().listPullRequestsPage("acme", "rocket"));
    expect(error).toBeInstanceOf(BitbucketResponseError);
    expect(error).toMatchObject({ field: "values[0].state" });
  });

  it("treats a missing pull request (404 text/plain) as not found, not as a missing tracker", async () => {
    server.use(http.get(`${REPO}/pullrequests/9`, () => new HttpResponse("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } })));
    const error = await rejection(client().getPullRequest("acme", "rocket", 9));
    expect(error).toBeInstanceOf(BitbucketNotFoundError);
    expect(isNoIssueTrackerError(error)).toBe(false);
  });

  it("refuses ids that are not positive integers", async () => {
    for (const id of [0, -1, 1.5, Number.NaN]) {
      await expect(client().getPullRequest("acme", "rocket", id)).rejects.toBeInstanceOf(TypeError);
      await expect(client().listPullRequestCommentsPage("acme", "rocket", id)).rejects.toBeInstanceOf(TypeError);
    }
    expect(requests).toEqual([]);
  });

  it("rejects a next link that leaves the listing", async () => {
    server.use(
      http.get(`${REPO}/pullrequests`, () => HttpResponse.json({ values: [], next: `${API}/2.0/repositories/acme/other/pullrequests?page=2` })),
    );
    const error = await rejection(client().listPullRequestsPage("acme", "rocket"));
    expect(error).toBeInstanceOf(BitbucketResponseError);
    expect(error).toMatchObject({ field: "next" });
  });

  it("accepts a next link that differs only in case or encoding", async () => {
    const next = `${API}/2.0/repositories/ACME/%72ocket/pullrequests?page=2`;
    server.use(http.get(`${REPO}/pullrequests`, () => HttpResponse.json({ values: [], next })));
    const page = await client().listPullRequestsPage("acme", "rocket");
    expect(page.next).toBe(next);
  });
});

describe("issues", () => {
  it("410 is a BitbucketGoneError; 404 'Repository has no issue tracker.' is recognisable", async () => {
    server.use(
      http.get(`${REPO}/issues`, () => HttpResponse.json({ type: "error", error: { message: "Gone" } }, { status: 410 })),
      http.get(`${REPO}/milestones`, () =>
        HttpResponse.json({ type: "error", error: { message: "Repository has no issue tracker." } }, { status: 404 }),
      ),
      http.get(`${API}/2.0/repositories/acme/missing/issues`, () =>
        HttpResponse.json({ type: "error", error: { message: "You may not have access to this repository or it no longer exists in this workspace." } }, { status: 404 }),
      ),
    );
    const gone = await rejection(client().listIssuesPage("acme", "rocket"));
    expect(gone).toBeInstanceOf(BitbucketGoneError);
    expect(isNoIssueTrackerError(gone)).toBe(false);
    const noTracker = await rejection(client().listMilestones("acme", "rocket"));
    expect(noTracker).toBeInstanceOf(BitbucketNotFoundError);
    expect(isNoIssueTrackerError(noTracker)).toBe(true);
    const missing = await rejection(client().listIssuesPage("acme", "missing"));
    expect(missing).toBeInstanceOf(BitbucketNotFoundError);
    expect(isNoIssueTrackerError(missing)).toBe(false);
  });

  it("maps an issue", async () => {
    server.use(
      http.get(`${REPO}/issues`, () =>
        HttpResponse.json({
          values: [
            {
              id: 3,
              title: "Broken",
              content: { raw: "It broke", markup: "creole" },
              kind: "task",
              priority: "minor",
              state: "resolved",
              reporter: ada,
              assignee: null,
              milestone: { id: 1, name: "M1" },
              component: { name: "core" },
              version: null,
              votes: 1,
              watches: 3,
              created_on: "2014-01-01T00:00:00+00:00",
              updated_on: "2014-02-01T00:00:00+00:00",
              edited_on: "2014-01-05T00:00:00+00:00",
            },
          ],
        }),
      ),
    );
    const page = await client().listIssuesPage("acme", "rocket");
    expect(page.values[0]).toMatchObject({
      id: 3,
      content: "It broke",
      markup: "creole",
      kind: "task",
      priority: "minor",
      state: "resolved",
      reporter: { uuid: "{ada}" },
      assignee: null,
      milestone: { id: 1, name: "M1" },
      component: "core",
      version: null,
      votes: 1,
      watches: 3,
      editedOn: "2014-01-05T00:00:00+00:00",
      htmlUrl: null,
    });
  });
});

describe("workspace members page", () => {
  it("lists 100 members per page and continues from next", async () => {
    const next = `${API}/2.0/workspaces/acme/members?pagelen=100&page=2`;
    server.use(
      http.get(`${API}/2.0/workspaces/acme/members`, ({ request }) =>
        new URL(request.url).searchParams.get("page") === "2"
          ? HttpResponse.json({ values: [{ user: { ...ada, uuid: "{bob}", nickname: "bob" } }], size: 2 })
          : HttpResponse.json({ values: [{ user: ada }], next, size: 2 }),
      ),
    );
    const first = await client().listWorkspaceMembersPage("acme");
    const second = await client().listWorkspaceMembersPage("acme", { cursor: first.next });
    expect([...first.values, ...second.values].map((user) => user.nickname)).toEqual(["ada", "bob"]);
    expect(requests.map((url) => url.href)).toEqual([`${API}/2.0/workspaces/acme/members?pagelen=100`, next]);
  });
});

describe("credentials for git", () => {
  it("builds an API-token credential, trimmed and checked", () => {
    expect(apiTokenCredential({ email: " ada@example.com", token: "ATATT-1 \n" })).toEqual({
      kind: "api-token",
      email: "ada@example.com",
      token: "ATATT-1",
    });
    expect(() => apiTokenCredential({ email: "ada", token: "ATATT-1" })).toThrow(TypeError);
    expect(() => apiTokenCredential({ email: "ada@example.com", token: " " })).toThrow(TypeError);
    expect(() => apiTokenCredential({ email: "ada@example.com", token: "a b" })).toThrow(TypeError);
  });

  it("uses Bitbucket's git usernames, reading OAuth tokens on every call", async () => {
    expect(await gitCredentialsFor(credential)).toEqual({ username: "x-bitbucket-api-token-auth", password: "ATATT-secret" });
    let n = 0;
    const oauth: BitbucketCredential = { kind: "oauth", getAccessToken: vi.fn(async () => `tok-${++n}`), refreshAccessToken: vi.fn() };
    const withOauth = createBitbucketClient({ apiUrl: API, credential: oauth });
    expect(await withOauth.gitCredentials()).toEqual({ username: "x-token-auth", password: "tok-1" });
    expect(await withOauth.gitCredentials()).toEqual({ username: "x-token-auth", password: "tok-2" });
  });
});
