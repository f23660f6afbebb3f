import { HttpResponse, http } from "msw";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  BitbucketForbiddenError,
  BitbucketNotFoundError,
  apiTokenCredential,
  createBitbucketClient,
  type BitbucketCredential,
  type RetryOptions,
} from "@/lib/bitbucket";
import {
  ISSUES_REMOVED_MESSAGE,
  MILESTONES_REMOVED_MESSAGE,
  NO_ISSUE_TRACKER_MESSAGE,
  createBitbucketCloudSource,
  type BitbucketCloudSourceOptions,
} from "./bitbucket-cloud";
import { rejection, useMockServer } from "@/test/msw";
import { SourceFeatureUnavailable, type SourceEvent, type SourcePullRequest } from "./types";

const API = "https://api.bitbucket.test";
const WEB = "https://bitbucket.test";
const REPO = `${API}/2.0/repositories/acme/rocket`;

/** `requests`: every request that reached msw in the current test, in order. */
const { server, requests } = useMockServer();

const apiToken: BitbucketCredential = { kind: "api-token", email: "ada@example.com", token: "ATATT-secret" };

/** Retries never really wait; everything else is BACKGROUND_RETRY (the source's default). */
const sleeps: number[] = [];
const fastRetry: Partial<RetryOptions> = {
  random: () => 0,
  sleep: async (ms) => {
    sleeps.push(ms);
  },
};
beforeEach(() => {
  sleeps.length = 0;
});

function source(overrides: Partial<BitbucketCloudSourceOptions> = {}) {
  const events: SourceEvent[] = [];
  const instance = createBitbucketCloudSource({
    apiUrl: API,
    webUrl: WEB,
    repository: "acme/rocket",
    credential: apiToken,
    retry: fastRetry,
    onEvent: (event) => events.push(event),
    ...overrides,
  } as BitbucketCloudSourceOptions);
  return { source: instance, events };
}


// ---------------------------------------------------------------------------
// Fixtures in Bitbucket's wire format

function user(name: string, n: number) {
  return {
    type: "user",
    uuid: `{00000000-0000-4000-8000-00000000000${n}}`,
    account_id: `557058:${name}`,
    nickname: name,
    display_name: `${name[0]!.toUpperCase()}${name.slice(1)} Example`,
    links: { avatar: { href: `https://avatar.test/${name}.png` }, html: { href: `${WEB}/%7B${n}%7D/` } },
  };
}
const ada = user("ada", 1);
const bob = user("bob", 2);
const cyd = user("cyd", 3);

function sourceUser(raw: ReturnType<typeof user>) {
  return { id: raw.uuid, accountId: raw.account_id, username: raw.nickname, displayName: raw.display_name };
}

const rocketRef = { type: "repository", full_name: "acme/rocket", uuid: "{repo-rocket}", name: "rocket" };

function endpoint(branch: string, hash: string | null, repository: unknown = rocketRef) {
  return {
    branch: { name: branch },
    commit: hash === null ? null : { hash, type: "commit" },
    repository,
  };
}

function pullRequest(id: number, extra: Record<string, unknown> = {}) {
  return {
    type: "pullrequest",
    id,
    title: `PR ${id}`,
    description: `Description of ${id}`,
    summary: { type: "rendered", raw: `Description of ${id}`, markup: "markdown", html: `<p>Description of ${id}</p>` },
    state: "OPEN",
    draft: false,
    author: ada,
    source: endpoint(`feature/${id}`, "aaaaaaaaaaaa"),
    destination: endpoint("main", "bbbbbbbbbbbb"),
    merge_commit: null,
    close_source_branch: false,
    closed_by: null,
    reason: "",
    comment_count: 0,
    task_count: 0,
    created_on: `2026-01-0${Math.min(id, 9)}T10:00:00.000000+00:00`,
    updated_on: `2026-02-0${Math.min(id, 9)}T10:00:00.000000+00:00`,
    reviewers: [],
    participants: [],
    links: { html: { href: `${WEB}/acme/rocket/pull-requests/${id}` }, self: { href: `${REPO}/pullrequests/${id}` } },
    ...extra,
  };
}

function page(values: unknown[], extra: Record<string, unknown> = {}) {
  return { pagelen: values.length, values, ...extra };
}

const EXPECTED_PR_QUERY =
  "state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED&sort=id&pagelen=50&fields=%2Bvalues.participants%2C%2Bvalues.reviewers%2C-values.summary.html";

function repository(extra: Record<string, unknown> = {}) {
  return {
    type: "repository",
    uuid: "{repo-rocket}",
    full_name: "acme/rocket",
    name: "Rocket",
    slug: "rocket",
    description: "Launches things",
    is_private: true,
    scm: "git",
    has_issues: true,
    has_wiki: true,
    mainbranch: { type: "branch", name: "trunk" },
    workspace: { slug: "acme" },
    links: {
      html: { href: `${WEB}/acme/rocket` },
      clone: [
        { name: "https", href: `https://ada@bitbucket.test/acme/rocket.git` },
        { name: "ssh", href: "git@bitbucket.test:acme/rocket.git" },
      ],
    },
    ...extra,
  };
}

// ---------------------------------------------------------------------------

describe("repository()", () => {
  it("maps the repository with clone, wiki and LFS URLs built on webUrl, without user info, reading it once", async () => {
    server.use(http.get(REPO, () => HttpResponse.json(repository())));
    const { source: bitbucket } = source({ webUrl: `${WEB}/` });
    const first = await bitbucket.repository();
    expect(first).toEqual({
      fullName: "acme/rocket",
      name: "Rocket",
      slug: "rocket",
      description: "Launches things",
      isPrivate: true,
      defaultBranch: "trunk",
      hasIssues: true,
      hasWiki: true,
      webUrl: `${WEB}/acme/rocket`,
      cloneUrl: `${WEB}/acme/rocket.git`,
      wikiCloneUrl: `${WEB}/acme/rocket.git/wiki`,
      lfsBatchUrl: `${WEB}/acme/rocket.git/info/lfs/objects/batch`,
    });
    expect(await bitbucket.repository()).toEqual(first);
    expect(requests.map((url) => url.pathname)).toEqual(["/2.0/repositories/acme/rocket"]);
  });

  it("has no wiki clone URL without a wiki, and an empty repository has no default branch", async () => {
    server.use(http.get(REPO, () => HttpResponse.json(repository({ has_wiki: false, mainbranch: null, description: null }))));
    const repo = await source().source.repository();
    expect(repo.wikiCloneUrl).toBeNull();
    expect(repo.defaultBranch).toBeNull();
    expect(repo.description).toBe("");
  });

  it("does not cache a failure", async () => {
    let calls = 0;
    server.use(
      http.get(REPO, () => {
        calls++;
        return calls === 1
          ? HttpResponse.json({ type: "error", error: { message: "Forbidden" } }, { status: 403 })
          : HttpResponse.json(repository());
      }),
    );
    const { source: bitbucket } = source();
    expect(await rejection(bitbucket.repository())).toBeInstanceOf(BitbucketForbiddenError);
    expect((await bitbucket.repository()).fullName).toBe("acme/rocket");
  });

  it("refuses a repository that is not workspace/slug", () => {
    for (const bad of ["acme", "acme/rocket/x", "/rocket", "acme/", "acme/.."]) {
      expect(() => source({ repository: bad })).toThrow(TypeError);
    }
  });
});

describe("gitCredentials()", () => {
  it("uses x-bitbucket-api-token-auth with an API token", async () => {
    const { source: bitbucket } = source({ credential: apiTokenCredential({ email: " ada@example.com ", token: "ATATT-xyz\n" }) });
    expect(await bitbucket.gitCredentials()).toEqual({ username: "x-bitbucket-api-token-auth", password: "ATATT-xyz" });
    expect(requests).toEqual([]);
  });

  it("uses x-token-auth with the OAuth token, read fresh on every call", async () => {
    const tokens = ["tok-1", "tok-2"];
    const credential: BitbucketCredential = {
      kind: "oauth",
      getAccessToken: vi.fn(async () => tokens.shift() ?? "none"),
      refreshAccessToken: vi.fn(async () => "unused"),
    };
    const { source: bitbucket } = source({ credential });
    expect(await bitbucket.gitCredentials()).toEqual({ username: "x-token-auth", password: "tok-1" });
    expect(await bitbucket.gitCredentials()).toEqual({ username: "x-token-auth", password: "tok-2" });
    expect(credential.getAccessToken).toHaveBeenCalledTimes(2);
  });

  it("refreshes the OAuth token when git refused it (it expired although believed valid)", async () => {
    const credential: BitbucketCredential = {
      kind: "oauth",
      getAccessToken: vi.fn(async () => "tok-expired"),
      refreshAccessToken: vi.fn(async (rejected: string) => (rejected === "tok-expired" ? "tok-fresh" : "tok-other")),
    };
    const { source: bitbucket } = source({ credential });
    const first = await bitbucket.gitCredentials();
    expect(await bitbucket.gitCredentials(first)).toEqual({ username: "x-token-auth", password: "tok-fresh" });
    expect(credential.refreshAccessToken).toHaveBeenCalledWith("tok-expired");
  });

  it("works with a ready client too", async () => {
    const client = createBitbucketClient({ apiUrl: API, credential: apiToken });
    const bitbucket = createBitbucketCloudSource({ client, webUrl: WEB, repository: "acme/rocket" });
    expect(await bitbucket.gitCredentials()).toEqual({ username: "x-bitbucket-api-token-auth", password: "ATATT-secret" });
  });
});

describe("membersPage()", () => {
  it("maps members (id = uuid, username = nickname) with pagelen 100, total and a resumable cursor", async () => {
    const next = `${API}/2.0/workspaces/acme/members?pagelen=100&page=2`;
    server.use(
      http.get(`${API}/2.0/workspaces/acme/members`, ({ request }) => {
        const url = new URL(request.url);
        if (url.searchParams.get("page") === "2") return HttpResponse.json(page([{ user: cyd, workspace: {} }], { size: 3, page: 2 }));
        return HttpResponse.json(page([{ type: "workspace_membership", user: ada }, { user: bob }], { size: 3, page: 1, next }));
      }),
    );
    const { source: bitbucket } = source();
    const first = await bitbucket.membersPage(null);
    expect(first).toEqual({ items: [sourceUser(ada), sourceUser(bob)], next, total: 3, following: [next] });
    expect(requests[0]!.search).toBe("?pagelen=100");
    const second = await source().source.membersPage(first.next);
    expect(second).toEqual({ items: [sourceUser(cyd)], next: null, total: 3 });
    expect(requests[1]!.href).toBe(next);
  });
});

describe("pullRequestsPage()", () => {
  it("asks for every state, oldest first, 50 per page, with participants and reviewers in the listing (%2B)", async () => {
    server.use(http.get(`${REPO}/pullrequests`, () => HttpResponse.json(page([pullRequest(1)], { size: 1 }))));
    const result = await source().source.pullRequestsPage(null);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.pathname).toBe("/2.0/repositories/acme/rocket/pullrequests");
    expect(requests[0]!.search).toBe(`?${EXPECTED_PR_QUERY}`);
    expect(requests[0]!.searchParams.getAll("state")).toEqual(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]);
    expect(requests[0]!.searchParams.get("fields")).toBe("+values.participants,+values.reviewers,-values.summary.html");
    expect(result.total).toBe(1);
    expect(result.next).toBeNull();
  });

  it("maps every field of a same-repository pull request, with participants, approvals and reviewers", async () => {
    const merged = pullRequest(7, {
      title: "Add thrusters",
      description: "Adds **thrusters**",
      state: "MERGED",
      draft: true,
      author: ada,
      source: endpoint("feature/thrusters", "0123456789ab"),
      destination: endpoint("main", "ba9876543210"),
      merge_commit: { hash: "cafebabe1234", type: "commit" },
      closed_by: bob,
      comment_count: 5,
      created_on: "2026-03-01T09:00:00.000000+00:00",
      updated_on: "2026-03-02T09:00:00.000000+00:00",
      reviewers: [bob, cyd],
      participants: [
        { type: "participant", user: bob, role: "REVIEWER", approved: true, state: "approved", participated_on: "2026-03-01T12:00:00.000000+00:00" },
        { type: "participant", user: cyd, role: "REVIEWER", approved: false, state: "changes_requested", participated_on: "2026-03-01T13:00:00.000000+00:00" },
        { type: "participant", user: ada, role: "PARTICIPANT", approved: false, state: null, participated_on: null },
      ],
    });
    server.use(http.get(`${REPO}/pullrequests`, () => HttpResponse.json(page([merged]))));
    const result = await source().source.pullRequestsPage(null);
    expect(result.total).toBeNull();
    expect(result.items).toEqual([
      {
        id: 7,
        title: "Add thrusters",
        description: "Adds **thrusters**",
        state: "merged",
        draft: true,
        author: sourceUser(ada),
        sourceBranch: "feature/thrusters",
        sourceCommit: "0123456789ab",
        sourceRepository: "acme/rocket",
        sourceCloneUrl: null,
        targetBranch: "main",
        targetCommit: "ba9876543210",
        mergeCommit: "cafebabe1234",
        closedBy: sourceUser(bob),
        reviewers: [sourceUser(bob), sourceUser(cyd)],
        participants: [
          { user: sourceUser(bob), role: "reviewer", approved: true, at: "2026-03-01T12:00:00.000000+00:00" },
          { user: sourceUser(cyd), role: "reviewer", approved: false, at: "2026-03-01T13:00:00.000000+00:00" },
          { user: sourceUser(ada), role: "participant", approved: false, at: null },
        ],
        commentCount: 5,
        createdAt: "2026-03-01T09:00:00.000000+00:00",
        updatedAt: "2026-03-02T09:00:00.000000+00:00",
        webUrl: `${WEB}/acme/rocket/pull-requests/7`,
      } satisfies SourcePullRequest,
    ]);
    expect(requests).toHaveLength(1);
  });

  it("maps all four states", async () => {
    server.use(
      http.get(`${REPO}/pullrequests`, () =>
        HttpResponse.json(
          page([
            pullRequest(1, { state: "OPEN" }),
            pullRequest(2, { state: "MERGED" }),
            pullRequest(3, { state: "DECLINED", reason: "not now", closed_by: cyd }),
            pullRequest(4, { state: "SUPERSEDED" }),
          ]),
        ),
      ),
    );
    const { items } = await source().source.pullRequestsPage(null);
    expect(items.map((item) => [item.id, item.state])).toEqual([
      [1, "open"],
      [2, "merged"],
      [3, "declined"],
      [4, "superseded"],
    ]);
    expect(items[2]!.closedBy).toEqual(sourceUser(cyd));
  });

  it("gives readable forks a clone URL on webUrl and leaves deleted forks without one", async () => {
    const fork = { type: "repository", full_name: "bob/rocket-fork", uuid: "{repo-fork}", name: "rocket-fork" };
    server.use(
      http.get(`${REPO}/pullrequests`, () =>
        HttpResponse.json(
          page([
            pullRequest(1, { source: endpoint("fix", "111111111111", fork) }),
            pullRequest(2, { source: endpoint("gone", "222222222222", null) }),
            pullRequest(3, { source: { branch: { name: "gone-too" }, commit: null } }),
            // Same repository under a different spelling: not a fork.
            pullRequest(4, { source: endpoint("x", null, { ...rocketRef, full_name: "ACME/Rocket" }) }),
          ]),
        ),
      ),
    );
    const { items } = await source().source.pullRequestsPage(null);
    expect(items.map(({ sourceRepository, sourceCloneUrl, sourceBranch, sourceCommit }) => ({ sourceRepository, sourceCloneUrl, sourceBranch, sourceCommit }))).toEqual([
      { sourceRepository: "bob/rocket-fork", sourceCloneUrl: `${WEB}/bob/rocket-fork.git`, sourceBranch: "fix", sourceCommit: "111111111111" },
      { sourceRepository: null, sourceCloneUrl: null, sourceBranch: "gone", sourceCommit: "222222222222" },
      { sourceRepository: null, sourceCloneUrl: null, sourceBranch: "gone-too", sourceCommit: null },
      { sourceRepository: "ACME/Rocket", sourceCloneUrl: null, sourceBranch: "x", sourceCommit: null },
    ]);
  });

  it("falls back to summary.raw, derives reviewers from participants and builds a missing web URL", async () => {
    const bare = pullRequest(9, {
      description: undefined,
      reviewers: undefined,
      links: undefined,
      author: null,
      participants: [{ user: bob, role: "REVIEWER", approved: true, participated_on: "2026-01-09T00:00:00+00:00" }],
    });
    server.use(http.get(`${REPO}/pullrequests`, () => HttpResponse.json(page([bare]))));
    const [item] = (await source().source.pullRequestsPage(null)).items;
    expect(item).toMatchObject({
      description: "Description of 9",
      author: null,
      reviewers: [sourceUser(bob)],
      participants: [{ user: sourceUser(bob), role: "reviewer", approved: true, at: "2026-01-09T00:00:00+00:00" }],
      webUrl: `${WEB}/acme/rocket/pull-requests/9`,
    });
  });

  it("fetches a pull request on its own only when the listing lacked its participants", async () => {
    server.use(
      http.get(`${REPO}/pullrequests`, () =>
        HttpResponse.json(page([pullRequest(1), pullRequest(2, { participants: undefined, reviewers: undefined })])),
      ),
      http.get(`${REPO}/pullrequests/2`, () =>
        HttpResponse.json(pullRequest(2, { reviewers: [bob], participants: [{ user: bob, role: "REVIEWER", approved: true, participated_on: null }] })),
      ),
    );
    const { items } = await source().source.pullRequestsPage(null);
    expect(requests.map((url) => url.pathname)).toEqual([
      "/2.0/repositories/acme/rocket/pullrequests",
      "/2.0/repositories/acme/rocket/pullrequests/2",
    ]);
    expect(items[1]!.participants).toEqual([{ user: sourceUser(bob), role: "reviewer", approved: true, at: null }]);
    expect(items[1]!.reviewers).toEqual([sourceUser(bob)]);
  });

  it("resumes exactly from a persisted cursor, in a new source", async () => {
    const next = `${REPO}/pullrequests?${EXPECTED_PR_QUERY}&page=2`;
    server.use(
      http.get(`${REPO}/pullrequests`, ({ request }) => {
        const url = new URL(request.url);
        if (url.searchParams.get("page") === "2") return HttpResponse.json(page([pullRequest(51)], { size: 51, page: 2 }));
        return HttpResponse.json(page([pullRequest(1)], { size: 51, page: 1, next }));
      }),
    );
    const first = await source().source.pullRequestsPage(null);
    expect(first.next).toBe(next);
    // The cursor is persisted as a string and the import restarts with a fresh source.
    const persisted: string = JSON.parse(JSON.stringify(first.next));
    const second = await source().source.pullRequestsPage(persisted);
    expect(second.items.map((item) => item.id)).toEqual([51]);
    expect(second).toMatchObject({ next: null, total: 51 });
    expect(requests.map((url) => url.href)).toEqual([`${REPO}/pullrequests?${EXPECTED_PR_QUERY}`, next]);
  });

  it("tells every later page's cursor on the first page, so pages can be fetched in parallel", async () => {
    const next = `${REPO}/pullrequests?${EXPECTED_PR_QUERY}&page=2`;
    server.use(
      http.get(`${REPO}/pullrequests`, ({ request }) => {
        const number = Number(new URL(request.url).searchParams.get("page") ?? 1);
        const more = number < 3 ? { next: next.replace("page=2", `page=${number + 1}`) } : {};
        return HttpResponse.json({ ...page([pullRequest(number)], { size: 120, page: number, ...more }), pagelen: 50 });
      }),
    );
    const first = await source().source.pullRequestsPage(null);
    expect(first.following).toEqual([next, next.replace("page=2", "page=3")]);
    const third = await source().source.pullRequestsPage(first.following![1]!);
    expect(third.items.map((item) => item.id)).toEqual([3]);
    expect(third.following).toBeUndefined();
  });

  it("leaves later pages to the next links when the total is unknown", async () => {
    const next = `${REPO}/pullrequests?${EXPECTED_PR_QUERY}&page=2`;
    server.use(http.get(`${REPO}/pullrequests`, () => HttpResponse.json(page([pullRequest(1)], { page: 1, next }))));
    const first = await source().source.pullRequestsPage(null);
    expect(first.following).toBeUndefined();
    expect(first.next).toBe(next);
  });

  it("puts back listing parameters a next link lost, keeping its position", async () => {
    server.use(http.get(`${REPO}/pullrequests`, () => HttpResponse.json(page([pullRequest(3)]))));
    await source().source.pullRequestsPage(`${REPO}/pullrequests?state=OPEN&page=abc%2B%2F`);
    const sent = requests[0]!;
    expect(sent.searchParams.get("page")).toBe("abc+/");
    expect(sent.searchParams.getAll("state")).toEqual(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"]);
    expect(sent.searchParams.get("fields")).toBe("+values.participants,+values.reviewers,-values.summary.html");
    expect(sent.searchParams.get("pagelen")).toBe("50");
    expect(sent.searchParams.get("sort")).toBe("id");
  });

  it("refuses a cursor of another origin or another listing without sending it", async () => {
    const { source: bitbucket } = source();
    for (const cursor of [
      `https://evil.test/2.0/repositories/acme/rocket/pullrequests?page=2`,
      `https://user:pw@api.bitbucket.test/2.0/repositories/acme/rocket/pullrequests?page=2`,
      `${API}/2.0/repositories/acme/other/pullrequests?page=2`,
      `${REPO}/issues?page=2`,
      `${REPO}/pullrequests/../issues?page=2`,
    ]) {
      const error = await rejection(bitbucket.pullRequestsPage(cursor));
      expect(error, cursor).toMatchObject({ code: "unsafe_url" });
    }
    expect(requests).toEqual([]);
  });
});

describe("pullRequestCommentsPage()", () => {
  function comment(id: number, extra: Record<string, unknown> = {}) {
    return {
      type: "pullrequest_comment",
      id,
      content: { type: "rendered", raw: `Comment ${id}`, markup: "markdown", html: `<p>Comment ${id}</p>` },
      user: bob,
      deleted: false,
      pending: false,
      created_on: "2026-03-01T10:00:00.000000+00:00",
      updated_on: "2026-03-01T11:00:00.000000+00:00",
      links: { html: { href: `${WEB}/acme/rocket/pull-requests/7/_/diff#comment-${id}` } },
      pullrequest: { type: "pullrequest", id: 7 },
      ...extra,
    };
  }

  it("asks for 100 per page by id without rendered HTML, and maps threads, inline positions and deletions", async () => {
    server.use(
      http.get(`${REPO}/pullrequests/7/comments`, () =>
        HttpResponse.json(
          page(
            [
              comment(100),
              comment(101, { parent: { id: 100 }, user: cyd }),
              comment(102, { inline: { path: "src/a.ts", from: null, to: 12 } }),
              comment(103, { inline: { path: "src/a.ts", from: 8, to: null, outdated: true } }),
              comment(104, { inline: { path: "src/b.ts", from: 3, to: 4 } }),
              comment(105, { deleted: true, content: { raw: "", markup: "markdown", html: "" }, user: null }),
              comment(106, { pending: true, content: { raw: "draft", markup: "markdown" } }),
              comment(107, { updated_on: null, links: undefined }),
            ],
            { size: 8 },
          ),
        ),
      ),
    );
    const result = await source().source.pullRequestCommentsPage(7, null);
    expect(requests[0]!.search).toBe("?sort=id&fields=-values.content.html&pagelen=100");
    expect(result.total).toBe(8);
    expect(result.items.map((item) => item.id)).toEqual([100, 101, 102, 103, 104, 105, 107]);
    expect(result.items[0]).toEqual({
      id: 100,
      body: "Comment 100",
      markup: "markdown",
      author: sourceUser(bob),
      parentId: null,
      inline: null,
      deleted: false,
      createdAt: "2026-03-01T10:00:00.000000+00:00",
      updatedAt: "2026-03-01T11:00:00.000000+00:00",
      webUrl: `${WEB}/acme/rocket/pull-requests/7/_/diff#comment-100`,
    });
    expect(result.items[1]).toMatchObject({ parentId: 100, author: sourceUser(cyd) });
    expect(result.items[2]!.inline).toEqual({ path: "src/a.ts", oldLine: null, newLine: 12 });
    expect(result.items[3]!.inline).toEqual({ path: "src/a.ts", oldLine: 8, newLine: null });
    expect(result.items[4]!.inline).toEqual({ path: "src/b.ts", oldLine: 3, newLine: 4 });
    expect(result.items[5]).toMatchObject({ deleted: true, body: "", author: null });
    expect(result.items[6]).toMatchObject({ updatedAt: "2026-03-01T10:00:00.000000+00:00", webUrl: null });
  });

  it("resumes from an opaque next link", async () => {
    const next = `${REPO}/pullrequests/7/comments?sort=id&fields=-values.content.html&pagelen=100&page=Zm9v`;
    server.use(
      http.get(`${REPO}/pullrequests/7/comments`, ({ request }) =>
        new URL(request.url).searchParams.get("page") === "Zm9v"
          ? HttpResponse.json(page([comment(2)]))
          : HttpResponse.json(page([comment(1)], { next })),
      ),
    );
    const { source: bitbucket } = source();
    const first = await bitbucket.pullRequestCommentsPage(7, null);
    const second = await bitbucket.pullRequestCommentsPage(7, first.next);
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual([1, 2]);
    expect(requests[1]!.href).toBe(next);
    // Another pull request's cursor is not accepted for this one.
    expect(await rejection(bitbucket.pullRequestCommentsPage(8, next))).toMatchObject({ code: "unsafe_url" });
  });
});

describe("issues", () => {
  const gone = () =>
    HttpResponse.json({ type: "error", error: { message: "Issues have been removed from Bitbucket Cloud." } }, { status: 410 });
  const noTracker = () => HttpResponse.json({ type: "error", error: { message: "Repository has no issue tracker." } }, { status: 404 });

  function issue(id: number, extra: Record<string, unknown> = {}) {
    return {
      type: "issue",
      id,
      title: `Issue ${id}`,
      content: { raw: `Body ${id}`, markup: "markdown", html: `<p>Body ${id}</p>` },
      kind: "enhancement",
      priority: "critical",
      state: "on hold",
      reporter: ada,
      assignee: bob,
      milestone: { id: 3, name: "v2.0" },
      component: { id: 4, name: "engine" },
      version: { id: 5, name: "1.9" },
      votes: 4,
      watches: 2,
      created_on: "2015-05-01T10:00:00.000000+00:00",
      updated_on: "2016-05-01T10:00:00.000000+00:00",
      edited_on: null,
      links: { html: { href: `${WEB}/acme/rocket/issues/${id}` } },
      ...extra,
    };
  }

  it("maps every issue field, asking for 100 per page by ascending id", async () => {
    const unsetFields = { priority: null, reporter: null, assignee: null, milestone: null, component: null, version: null };
    server.use(
      http.get(`${REPO}/issues`, () =>
        HttpResponse.json(
          page(
            [
              issue(1),
              issue(2, { kind: "weird", ...unsetFields, votes: undefined, links: undefined }),
            ],
            { size: 2 },
          ),
        ),
      ),
    );
    const result = await source().source.issuesPage(null);
    expect(requests[0]!.search).toBe("?sort=id&fields=-values.content.html&pagelen=100");
    expect(result.total).toBe(2);
    expect(result.items[0]).toEqual({
      id: 1,
      title: "Issue 1",
      body: "Body 1",
      markup: "markdown",
      kind: "enhancement",
      priority: "critical",
      state: "on hold",
      reporter: sourceUser(ada),
      assignee: sourceUser(bob),
      milestone: "v2.0",
      component: "engine",
      version: "1.9",
      votes: 4,
      createdAt: "2015-05-01T10:00:00.000000+00:00",
      updatedAt: "2016-05-01T10:00:00.000000+00:00",
      webUrl: `${WEB}/acme/rocket/issues/1`,
    });
    expect(result.items[1]).toMatchObject({
      kind: "bug",
      ...unsetFields,
      votes: 0,
      webUrl: `${WEB}/acme/rocket/issues/2`,
    });
  });

  it("maps issue comments", async () => {
    server.use(
      http.get(`${REPO}/issues/1/comments`, () =>
        HttpResponse.json(
          page([
            {
              type: "issue_comment",
              id: 11,
              content: { raw: "Me too", markup: "markdown" },
              user: cyd,
              created_on: "2015-05-02T10:00:00+00:00",
              updated_on: null,
              links: { html: { href: `${WEB}/acme/rocket/issues/1#comment-11` } },
            },
            { type: "issue_comment", id: 12, content: { raw: null }, user: null, created_on: "2015-05-03T10:00:00+00:00" },
          ]),
        ),
      ),
    );
    const result = await source().source.issueCommentsPage(1, null);
    expect(requests[0]!.search).toBe("?sort=id&fields=-values.content.html&pagelen=100");
    expect(result.items).toEqual([
      {
        id: 11,
        body: "Me too",
        markup: "markdown",
        author: sourceUser(cyd),
        parentId: null,
        inline: null,
        deleted: false,
        createdAt: "2015-05-02T10:00:00+00:00",
        updatedAt: "2015-05-02T10:00:00+00:00",
        webUrl: `${WEB}/acme/rocket/issues/1#comment-11`,
      },
      {
        id: 12,
        body: "",
        markup: null,
        author: null,
        parentId: null,
        inline: null,
        deleted: false,
        createdAt: "2015-05-03T10:00:00+00:00",
        updatedAt: "2015-05-03T10:00:00+00:00",
        webUrl: null,
      },
    ]);
  });

  it("maps issue changes, every changed field with names for its values, 100 per page by id", async () => {
    server.use(
      http.get(`${REPO}/issues/1/changes`, () =>
        HttpResponse.json(
          page([
            {
              type: "issue_change",
              id: 21,
              created_on: "2015-05-04T10:00:00+00:00",
              user: cyd,
              changes: { state: { old: "new", new: "on hold" }, assignee: { old: "", new: "bob" }, milestone: { old: { name: "v1" }, new: null }, version: null, component: "odd" },
              message: { raw: "", markup: "markdown" },
            },
            { type: "issue_change", id: 22, created_on: "2015-05-05T10:00:00+00:00", user: null, changes: { priority: { old: "minor", new: "major" } } },
          ]),
        ),
      ),
    );
    const result = await source().source.issueChangesPage!(1, null);
    expect(requests[0]!.search).toBe("?sort=id&fields=-values.message.html%2C-values.issue&pagelen=100");
    expect(result.items).toEqual([
      {
        id: 21,
        author: sourceUser(cyd),
        createdAt: "2015-05-04T10:00:00+00:00",
        fields: [
          { field: "state", from: "new", to: "on hold" },
          { field: "assignee", from: "", to: "bob" },
          { field: "milestone", from: "v1", to: null },
        ],
      },
      { id: 22, author: null, createdAt: "2015-05-05T10:00:00+00:00", fields: [{ field: "priority", from: "minor", to: "major" }] },
    ]);
  });

  it("reports removed issues (410) as unavailable, with the removal message", async () => {
    server.use(http.get(`${REPO}/issues`, gone), http.get(`${REPO}/issues/1/comments`, gone), http.get(`${REPO}/milestones`, gone));
    const { source: bitbucket } = source();
    for (const [promise, feature, message] of [
      [bitbucket.issuesPage(null), "issues", ISSUES_REMOVED_MESSAGE],
      [bitbucket.issueCommentsPage(1, null), "issues", ISSUES_REMOVED_MESSAGE],
      [bitbucket.milestones(), "milestones", MILESTONES_REMOVED_MESSAGE],
    ] as const) {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(SourceFeatureUnavailable);
      expect(error).toMatchObject({ feature, message });
    }
    expect(ISSUES_REMOVED_MESSAGE).toBe("Bitbucket no longer serves issues for this repository");
    // 410 is final: no retries.
    expect(requests).toHaveLength(3);
  });

  it("reports a disabled tracker (404 'Repository has no issue tracker.') with a different message", async () => {
    server.use(http.get(`${REPO}/issues`, noTracker), http.get(`${REPO}/milestones`, noTracker));
    const { source: bitbucket } = source();
    const issues = await rejection(bitbucket.issuesPage(null));
    expect(issues).toBeInstanceOf(SourceFeatureUnavailable);
    expect(issues).toMatchObject({ feature: "issues", message: NO_ISSUE_TRACKER_MESSAGE });
    expect(NO_ISSUE_TRACKER_MESSAGE).not.toBe(ISSUES_REMOVED_MESSAGE);
    expect(await rejection(bitbucket.milestones())).toMatchObject({ feature: "milestones", message: NO_ISSUE_TRACKER_MESSAGE });
  });

  it("knows without a request that a repository with has_issues false has no tracker", async () => {
    server.use(http.get(REPO, () => HttpResponse.json(repository({ has_issues: false }))));
    const { source: bitbucket } = source();
    expect((await bitbucket.repository()).hasIssues).toBe(false);
    const issues = await rejection(bitbucket.issuesPage(null));
    expect(issues).toBeInstanceOf(SourceFeatureUnavailable);
    expect(issues).toMatchObject({ feature: "issues", message: NO_ISSUE_TRACKER_MESSAGE });
    expect(await rejection(bitbucket.milestones())).toMatchObject({ feature: "milestones", message: NO_ISSUE_TRACKER_MESSAGE });
    expect(requests.map((url) => url.pathname)).toEqual(["/2.0/repositories/acme/rocket"]);
  });

  it("does not hide a missing repository or a missing scope behind 'unavailable'", async () => {
    server.use(
      http.get(`${REPO}/issues`, () =>
        HttpResponse.json({ type: "error", error: { message: "You may not have access to this repository or it no longer exists in this workspace." } }, { status: 404 }),
      ),
      http.get(`${REPO}/milestones`, () =>
        HttpResponse.json(
          { type: "error", error: { message: "Your credentials lack one or more required privilege scopes.", detail: { required: ["issue"], granted: [] } } },
          { status: 403 },
        ),
      ),
    );
    const { source: bitbucket } = source();
    const missing = await rejection(bitbucket.issuesPage(null));
    expect(missing).toBeInstanceOf(BitbucketNotFoundError);
    expect(missing).not.toBeInstanceOf(SourceFeatureUnavailable);
    expect(await rejection(bitbucket.milestones())).toBeInstanceOf(BitbucketForbiddenError);
  });

  it("lists every milestone across pages", async () => {
    server.use(
      http.get(`${REPO}/milestones`, ({ request }) =>
        new URL(request.url).searchParams.get("page") === "2"
          ? HttpResponse.json(page([{ type: "milestone", id: 3, name: "v3" }]))
          : HttpResponse.json(page([{ type: "milestone", id: 1, name: "v1" }, { id: 2, name: "v2" }], { next: `${REPO}/milestones?pagelen=100&page=2` })),
      ),
    );
    expect(await source().source.milestones()).toEqual([
      { id: "1", title: "v1" },
      { id: "2", title: "v2" },
      { id: "3", title: "v3" },
    ]);
    expect(requests.map((url) => url.search)).toEqual(["?pagelen=100", "?pagelen=100&page=2"]);
  });
});

describe("rate limits and retries", () => {
  it("waits out a rate limit (BACKGROUND_RETRY by default) and forwards it as an event", async () => {
    let calls = 0;
    server.use(
      http.get(`${REPO}/pullrequests`, () => {
        calls++;
        if (calls === 1) {
          return new HttpResponse("Rate limit for this resource has been exceeded", {
            status: 429,
            headers: { "Content-Type": "text/plain", "X-RateLimit-Reset": "1800" },
          });
        }
        return HttpResponse.json(page([pullRequest(1)]));
      }),
    );
    const before = Date.now();
    const { source: bitbucket, events } = source();
    const result = await bitbucket.pullRequestsPage(null);
    expect(result.items).toHaveLength(1);
    // Half an hour is far beyond the interactive budget (8 s): only the background policy waits it out.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1_799_000);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe("rate-limited");
    const resumeAt = events[0]!.resumeAt.getTime();
    expect(resumeAt).toBeGreaterThanOrEqual(before + 1_799_000);
    expect(resumeAt).toBeLessThan(Date.now() + 1_802_000);
  });

  it("retries server errors more often than an interactive request would, forwarding each retry", async () => {
    let calls = 0;
    server.use(
      http.get(`${REPO}/pullrequests/3/comments`, () => {
        calls++;
        if (calls <= 5) return HttpResponse.json({ type: "error", error: { message: "Something went wrong" } }, { status: 500 });
        return HttpResponse.json(page([]));
      }),
    );
    const { source: bitbucket, events } = source();
    await bitbucket.pullRequestCommentsPage(3, null);
    expect(calls).toBe(6);
    expect(events.map((event) => event.type)).toEqual(["retrying", "retrying", "retrying", "retrying", "retrying"]);
    expect(events.map((event) => (event.type === "retrying" ? event.attempt : null))).toEqual([1, 2, 3, 4, 5]);
    for (const event of events) expect(event.resumeAt).toBeInstanceOf(Date);
  });

  it("keeps working when the event listener throws", async () => {
    let calls = 0;
    server.use(
      http.get(REPO, () => {
        calls++;
        return calls === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json(repository());
      }),
    );
    const { source: bitbucket } = source({
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    expect((await bitbucket.repository()).fullName).toBe("acme/rocket");
  });
});
