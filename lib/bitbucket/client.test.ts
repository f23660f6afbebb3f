import { createServer } from "node:net";
import { HttpResponse, delay, http, passthrough } from "msw";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  BitbucketAuthError,
  BitbucketError,
  BitbucketForbiddenError,
  BitbucketGoneError,
  BitbucketNetworkError,
  BitbucketNotFoundError,
  BitbucketRateLimitError,
  BitbucketResponseError,
  BitbucketServerError,
  createBitbucketClient,
  isReconnectRequired,
  nameFilterQuery,
  type BitbucketClientEvent,
  type BitbucketClientOptions,
  type BitbucketCredential,
  type RetryEvent,
} from "./index";
import { rejection, useMockServer } from "@/test/msw";
import { send } from "./http";

const API = "https://api.bitbucket.test";
const { server } = useMockServer();

const apiToken: BitbucketCredential = { kind: "api-token", email: "ada@example.com", token: "ATATT-secret" };

/** A client whose retries never really wait: the sleeps are recorded instead. */
function testClient(overrides: Partial<BitbucketClientOptions> = {}) {
  const sleeps: number[] = [];
  const sleepEnds: number[] = [];
  const events: BitbucketClientEvent[] = [];
  const client = createBitbucketClient({
    apiUrl: API,
    credential: apiToken,
    onEvent: (event) => events.push(event),
    ...overrides,
    retry: {
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      maxTotalWaitMs: 8_000,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
        sleepEnds.push(Date.now() + ms);
      },
      ...overrides.retry,
    },
  });
  return { client, sleeps, sleepEnds, events };
}

function oauthCredential(tokens: { current: string; refreshed: string }) {
  return {
    kind: "oauth" as const,
    getAccessToken: vi.fn(async () => tokens.current),
    refreshAccessToken: vi.fn(async (_rejected: string) => tokens.refreshed),
  };
}

const user = {
  type: "user",
  uuid: "{b1a2c3d4-0000-4000-8000-000000000001}",
  account_id: "557058:ada",
  nickname: "ada",
  display_name: "Ada Lovelace",
  links: { avatar: { href: "https://avatar.test/ada.png" }, html: { href: "https://bitbucket.test/ada" } },
  created_on: "2020-01-01T00:00:00+00:00",
};

function repo(workspace: string, slug: string, extra: Record<string, unknown> = {}) {
  return {
    type: "repository",
    uuid: `{uuid-${slug}}`,
    full_name: `${workspace}/${slug}`,
    name: slug.toUpperCase(),
    slug,
    description: `The ${slug} repository`,
    is_private: true,
    scm: "git",
    size: 12345,
    language: "typescript",
    created_on: "2019-03-01T10:00:00.123456+00:00",
    updated_on: "2026-10-30T08:15:00.000000+00:00",
    has_issues: true,
    has_wiki: false,
    fork_policy: "no_public_forks",
    mainbranch: { type: "branch", name: "main" },
    project: { type: "project", key: "PRJ", name: "Project", uuid: "{p}" },
    workspace: { type: "workspace", slug: workspace, uuid: "{w}", name: "Acme" },
    owner: user,
    links: {
      html: { href: `https://bitbucket.test/${workspace}/${slug}` },
      avatar: { href: "https://avatar.test/repo.png" },
      clone: [
        { name: "https", href: `https://ada@bitbucket.test/${workspace}/${slug}.git` },
        { name: "ssh", href: `git@bitbucket.test:${workspace}/${slug}.git` },
      ],
    },
    ...extra,
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) items.push(item);
    return { items, error: null };
  } catch (error) {
    return { items, error };
  }
}


describe("authentication headers", () => {
  it("sends an API token as HTTP Basic email:token and maps /2.0/user", async () => {
    const received: (string | null)[] = [];
    server.use(
      http.get(`${API}/2.0/user`, ({ request }) => {
        received.push(request.headers.get("authorization"));
        expect(request.headers.get("accept")).toBe("application/json");
        return HttpResponse.json(user);
      }),
    );
    const { client } = testClient();
    const me = await client.getCurrentUser();
    expect(received).toEqual([`Basic ${Buffer.from("ada@example.com:ATATT-secret").toString("base64")}`]);
    expect(me).toEqual({
      uuid: user.uuid,
      accountId: "557058:ada",
      nickname: "ada",
      displayName: "Ada Lovelace",
      avatarUrl: "https://avatar.test/ada.png",
    });
  });

  it("sends an OAuth access token as Bearer", async () => {
    const received: (string | null)[] = [];
    server.use(
      http.get(`${API}/2.0/user`, ({ request }) => {
        received.push(request.headers.get("authorization"));
        return HttpResponse.json(user);
      }),
    );
    const credential = oauthCredential({ current: "tok-1", refreshed: "tok-2" });
    const { client } = testClient({ credential });
    await client.getCurrentUser();
    expect(received).toEqual(["Bearer tok-1"]);
    expect(credential.refreshAccessToken).not.toHaveBeenCalled();
  });

  it("serves /2.0 under an apiUrl with a trailing slash", async () => {
    const paths: string[] = [];
    server.use(
      http.get("http://localhost:4010/2.0/user", ({ request }) => {
        paths.push(new URL(request.url).pathname);
        return HttpResponse.json(user);
      }),
    );
    const { client } = testClient({ apiUrl: "http://localhost:4010/" });
    await client.getCurrentUser();
    expect(paths).toEqual(["/2.0/user"]);
  });
});

describe("OAuth token expiry", () => {
  const expired = { type: "error", error: { message: "Access token expired. Use your refresh token to obtain a new access token." } };

  it("refreshes once on 'Access token expired' and retries with the new token", async () => {
    const received: (string | null)[] = [];
    server.use(
      http.get(`${API}/2.0/user`, ({ request }) => {
        const auth = request.headers.get("authorization");
        received.push(auth);
        if (auth === "Bearer old") return HttpResponse.json(expired, { status: 401 });
        if (auth === "Bearer new") return HttpResponse.json(user);
        return HttpResponse.json({ type: "error", error: { message: "Invalid credentials." } }, { status: 401 });
      }),
    );
    const credential = oauthCredential({ current: "old", refreshed: "new" });
    const { client, events, sleeps } = testClient({ credential });
    const me = await client.getCurrentUser();
    expect(me.nickname).toBe("ada");
    expect(received).toEqual(["Bearer old", "Bearer new"]);
    expect(credential.refreshAccessToken).toHaveBeenCalledTimes(1);
    expect(credential.refreshAccessToken).toHaveBeenCalledWith("old");
    expect(sleeps).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(["token-refreshed"]);
  });

  it("gives up with BitbucketAuthError when the refreshed token is rejected too", async () => {
    const received: (string | null)[] = [];
    server.use(
      http.get(`${API}/2.0/user`, ({ request }) => {
        received.push(request.headers.get("authorization"));
        return HttpResponse.json(expired, { status: 401 });
      }),
    );
    const credential = oauthCredential({ current: "old", refreshed: "new" });
    const { client } = testClient({ credential });
    const error = await rejection(client.getCurrentUser());
    expect(error).toBeInstanceOf(BitbucketAuthError);
    expect(error).toMatchObject({ status: 401, reason: "expired", code: "auth_expired" });
    expect(received).toEqual(["Bearer old", "Bearer new"]);
    expect(credential.refreshAccessToken).toHaveBeenCalledTimes(1);
    expect(isReconnectRequired(error)).toBe(true);
  });

  it("does not refresh on 'Invalid credentials'", async () => {
    let hits = 0;
    server.use(
      http.get(`${API}/2.0/user`, () => {
        hits++;
        return HttpResponse.json({ type: "error", error: { message: "Invalid credentials." } }, { status: 401 });
      }),
    );
    const credential = oauthCredential({ current: "old", refreshed: "new" });
    const { client } = testClient({ credential });
    const error = await rejection(client.getCurrentUser());
    expect(error).toBeInstanceOf(BitbucketAuthError);
    expect(error).toMatchObject({ reason: "invalid", code: "auth_invalid", message: "Invalid credentials." });
    expect(credential.refreshAccessToken).not.toHaveBeenCalled();
    expect(hits).toBe(1);
  });

  it("does not try to refresh an API token", async () => {
    let hits = 0;
    server.use(
      http.get(`${API}/2.0/user`, () => {
        hits++;
        return HttpResponse.json(expired, { status: 401 });
      }),
    );
    const { client } = testClient();
    expect(await rejection(client.getCurrentUser())).toBeInstanceOf(BitbucketAuthError);
    expect(hits).toBe(1);
  });
});

describe("pagination", () => {
  it("follows absolute next links across 3 pages", async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${API}/2.0/workspaces/acme/members`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        const page = Number(url.searchParams.get("page") ?? "1");
        const member = (n: number) => ({
          type: "workspace_membership",
          user: { ...user, uuid: `{u${n}}`, nickname: `user${n}`, account_id: `acc${n}` },
          workspace: { slug: "acme", uuid: "{w}" },
        });
        return HttpResponse.json({
          pagelen: 100,
          page,
          size: 5,
          values: page === 3 ? [member(5)] : [member(page * 2 - 1), member(page * 2)],
          ...(page < 3 ? { next: `${API}/2.0/workspaces/acme/members?pagelen=100&page=${page + 1}` } : {}),
        });
      }),
    );
    const { client } = testClient();
    const members = await client.listWorkspaceMembers("acme");
    expect(members.map((member) => member.nickname)).toEqual(["user1", "user2", "user3", "user4", "user5"]);
    expect(members[0]).toEqual({
      uuid: "{u1}",
      accountId: "acc1",
      nickname: "user1",
      displayName: "Ada Lovelace",
      avatarUrl: "https://avatar.test/ada.png",
      type: "user",
    });
    expect(requests.map((url) => url.searchParams.get("page"))).toEqual([null, "2", "3"]);
    expect(requests.every((url) => url.searchParams.get("pagelen") === "100")).toBe(true);
  });

  it("refuses a next link on another origin without requesting it", async () => {
    let evilHits = 0;
    server.use(
      http.get(`${API}/2.0/repositories/acme`, () =>
        HttpResponse.json({ values: [repo("acme", "one")], next: "https://evil.test/2.0/repositories/acme?page=2" }),
      ),
      http.get("https://evil.test/*", () => {
        evilHits++;
        return HttpResponse.json({ values: [] });
      }),
    );
    const { client } = testClient();
    const { items, error } = await collect(client.paginate("/2.0/repositories/acme", z.object({ slug: z.string() })));
    expect(items).toEqual([{ slug: "one" }]);
    expect(error).toBeInstanceOf(BitbucketError);
    expect(error).toMatchObject({ code: "unsafe_url" });
    expect(evilHits).toBe(0);

    const direct = await rejection(client.fetchNextPage("https://evil.test/2.0/repositories/acme?page=2"));
    expect(direct).toMatchObject({ code: "unsafe_url" });
    const sneaky = await rejection(client.fetchNextPage(`https://user:pw@api.bitbucket.test/2.0/repositories/acme`));
    expect(sneaky).toMatchObject({ code: "unsafe_url" });
    expect(evilHits).toBe(0);
  });

  it("stops on a pagination loop", async () => {
    let hits = 0;
    server.use(
      http.get(`${API}/2.0/loop`, () => {
        hits++;
        return HttpResponse.json({ values: [hits], next: `${API}/2.0/loop?page=2` });
      }),
    );
    const { client } = testClient();
    const { items, error } = await collect(client.paginate("/2.0/loop", z.number()));
    expect(items).toEqual([1, 2]);
    expect(error).toBeInstanceOf(BitbucketResponseError);
    expect(hits).toBe(2);
  });

  it("stops a listing that never ends at the page cap", async () => {
    let hits = 0;
    server.use(
      http.get(`${API}/2.0/endless`, () => {
        hits++;
        return HttpResponse.json({ values: [hits], next: `${API}/2.0/endless?page=${hits + 1}` });
      }),
    );
    const { client } = testClient({ maxPages: 5 });
    const { items, error } = await collect(client.paginate("/2.0/endless", z.number()));
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(error).toBeInstanceOf(BitbucketResponseError);
    expect((error as Error).message).toMatch(/past 5 pages/);
    expect(hits).toBe(5);
  });

  it("refuses an answer larger than the size cap, declared or streamed", async () => {
    const streamed = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(100)));
          controller.close();
        },
      });
    const answers: Record<string, () => Response> = {
      declared: () => new Response("x".repeat(1001), { headers: { "Content-Length": "1001" } }),
      streamed: () => new Response(streamed()),
      fits: () => new Response("x".repeat(1000)),
    };
    const fetchImpl = async (url: string) => answers[new URL(url).pathname.slice(1)]!();
    const request = (name: string) => send(fetchImpl, { method: "GET", url: `${API}/${name}`, headers: {}, timeoutMs: 5_000, maxBodyBytes: 1000 });
    for (const name of ["declared", "streamed"]) {
      const error = await request(name).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BitbucketResponseError);
      expect((error as Error).message).toMatch(/larger than 1000 bytes/);
    }
    expect((await request("fits")).bodyText).toHaveLength(1000);
  });

  it("encodes + in fields as %2B and keeps the query on later pages via next", async () => {
    const rawQueries: string[] = [];
    server.use(
      http.get(`${API}/2.0/repositories/acme/api/pullrequests`, ({ request }) => {
        const url = new URL(request.url);
        rawQueries.push(url.search);
        if (!url.searchParams.has("page")) {
          return HttpResponse.json({ values: [{ id: 1 }], next: `${API}/2.0/repositories/acme/api/pullrequests${url.search}&page=2` });
        }
        return HttpResponse.json({ values: [{ id: 2 }] });
      }),
    );
    const { client } = testClient();
    const pages = await collect(
      client.paginatePages("/2.0/repositories/acme/api/pullrequests", z.looseObject({ id: z.number() }), {
        pagelen: 50,
        fields: "+values.reviewers",
        query: { state: ["OPEN", "MERGED"], sort: "created_on" },
      }),
    );
    expect(pages.error).toBeNull();
    expect(pages.items.map((page) => page.values.map((value) => value.id))).toEqual([[1], [2]]);
    expect(pages.items[0]?.next).toContain("page=2");
    expect(rawQueries[0]).toBe("?state=OPEN&state=MERGED&sort=created_on&pagelen=50&fields=%2Bvalues.reviewers");
    expect(rawQueries[1]).toBe(`${rawQueries[0]}&page=2`);
  });

  it("rejects a pagelen Bitbucket would refuse, before any request", async () => {
    const { client } = testClient();
    await expect(client.listRepositoriesPage("acme", { pagelen: 101 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe("repositories", () => {
  it("nameFilterQuery escapes backslash and double quote", () => {
    expect(nameFilterQuery("api")).toBe('(name ~ "api" OR slug ~ "api")');
    expect(nameFilterQuery('say "hi"')).toBe('(name ~ "say \\"hi\\"" OR slug ~ "say \\"hi\\"")');
    expect(nameFilterQuery("back\\slash")).toBe('(name ~ "back\\\\slash" OR slug ~ "back\\\\slash")');
    expect(nameFilterQuery('\\"')).toBe('(name ~ "\\\\\\"" OR slug ~ "\\\\\\"")');
  });

  it("listRepositoriesPage sends q, role, pagelen and sort, and maps repositories", async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${API}/2.0/repositories/acme`, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json({
          pagelen: 100,
          page: 1,
          size: 2,
          values: [repo("acme", "a-b"), repo("acme", "empty", { mainbranch: null, language: "", description: "" })],
          next: `${API}/2.0/repositories/acme?page=2`,
        });
      }),
    );
    const { client } = testClient();
    const page = await client.listRepositoriesPage("acme", { nameFilter: ' my "odd" \\ name ', sort: "-updated_on" });
    const url = requests[0]!;
    expect(url.searchParams.get("q")).toBe('(name ~ "my \\"odd\\" \\\\ name" OR slug ~ "my \\"odd\\" \\\\ name")');
    expect(url.searchParams.get("role")).toBe("member");
    expect(url.searchParams.get("pagelen")).toBe("100");
    expect(url.searchParams.get("sort")).toBe("-updated_on");
    // Spaces travel as %20 (never "+", which Bitbucket could read literally); quotes and backslashes percent-encoded.
    expect(url.search).toContain("q=%28name%20%7E%20%22my%20%5C%22odd%5C%22%20%5C%5C%20name%22");
    expect(url.search).not.toContain("+");
    expect(page.next).toBe(`${API}/2.0/repositories/acme?page=2`);
    expect(page).toMatchObject({ page: 1, size: 2 });
    expect(page.values[0]).toEqual({
      uuid: "{uuid-a-b}",
      fullName: "acme/a-b",
      slug: "a-b",
      name: "A-B",
      workspaceSlug: "acme",
      description: "The a-b repository",
      isPrivate: true,
      scm: "git",
      mainBranch: "main",
      hasIssues: true,
      hasWiki: false,
      language: "typescript",
      size: 12345,
      createdOn: "2019-03-01T10:00:00.123456+00:00",
      updatedOn: "2026-10-30T08:15:00.000000+00:00",
      htmlUrl: "https://bitbucket.test/acme/a-b",
      httpsCloneUrl: "https://bitbucket.test/acme/a-b.git",
      project: { key: "PRJ", name: "Project", uuid: "{p}" },
      parentFullName: null,
    });
    expect(page.values[1]).toMatchObject({ mainBranch: null, language: null, description: "" });
  });

  it("omits q for an empty filter and continues with fetchNextPage", async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${API}/2.0/repositories/acme`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        return url.searchParams.get("page") === "2"
          ? HttpResponse.json({ values: [repo("acme", "two")], page: 2 })
          : HttpResponse.json({ values: [repo("acme", "one")], next: `${API}/2.0/repositories/acme?role=member&pagelen=100&page=2` });
      }),
    );
    const { client } = testClient();
    const first = await client.listRepositoriesPage("acme", { nameFilter: "   " });
    expect(requests[0]!.searchParams.has("q")).toBe(false);
    const second = await client.fetchNextPage(first.next!);
    expect(second.values.map((r) => r.slug)).toEqual(["two"]);
    expect(second.next).toBeNull();
    expect(requests[1]!.search).toBe("?role=member&pagelen=100&page=2");
  });

  it("getRepository encodes path segments and refuses dot segments", async () => {
    const paths: string[] = [];
    server.use(
      http.get(`${API}/2.0/repositories/:workspace/:slug`, ({ request }) => {
        paths.push(new URL(request.url).pathname);
        return HttpResponse.json(repo("{ws-uuid}", "x"));
      }),
    );
    const { client } = testClient();
    const repository = await client.getRepository("{ws-uuid}", "x");
    expect(paths).toEqual(["/2.0/repositories/%7Bws-uuid%7D/x"]);
    expect(repository.workspaceSlug).toBe("{ws-uuid}");
    await expect(client.getRepository("acme", "..")).rejects.toBeInstanceOf(TypeError);
    expect(paths).toHaveLength(1);
  });

  it("listWorkspaces reads every page with pagelen=100 and sorts by slug", async () => {
    const requests: URL[] = [];
    const access = (slug: string, administrator: boolean) => ({
      type: "workspace_access",
      administrator,
      workspace: { type: "workspace_base", uuid: `{${slug}}`, slug, links: {} },
    });
    server.use(
      http.get(`${API}/2.0/user/workspaces`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        return url.searchParams.get("page") === "2"
          ? HttpResponse.json({ values: [access("beta", false)] })
          : HttpResponse.json({ values: [access("zeta", true), access("alpha", false)], next: `${API}/2.0/user/workspaces?pagelen=100&page=2` });
      }),
    );
    const { client } = testClient();
    expect(await client.listWorkspaces()).toEqual([
      { slug: "alpha", uuid: "{alpha}", administrator: false },
      { slug: "beta", uuid: "{beta}", administrator: false },
      { slug: "zeta", uuid: "{zeta}", administrator: true },
    ]);
    expect(requests.map((url) => url.searchParams.get("pagelen"))).toEqual(["100", "100"]);
  });

  it("primaryEmail returns the confirmed primary address across pages", async () => {
    server.use(
      http.get(`${API}/2.0/user/emails`, ({ request }) =>
        new URL(request.url).searchParams.get("page") === "2"
          ? HttpResponse.json({ values: [{ type: "email", email: "ada@work.test", is_primary: true, is_confirmed: true }] })
          : HttpResponse.json({
              values: [
                { type: "email", email: "old@home.test", is_primary: false, is_confirmed: true },
                { type: "email", email: "unconfirmed@x.test", is_primary: true, is_confirmed: false },
              ],
              next: `${API}/2.0/user/emails?page=2`,
            }),
      ),
    );
    const { client } = testClient();
    expect(await client.primaryEmail()).toBe("ada@work.test");
    expect(await client.listUserEmails()).toHaveLength(3);
  });
});

describe("error mapping", () => {
  function respondOnce(path: string, response: () => Response) {
    let hits = 0;
    server.use(
      http.get(`${API}${path}`, () => {
        hits++;
        return response();
      }),
    );
    return () => hits;
  }

  it("403 carries the required and granted scopes", async () => {
    const hits = respondOnce("/2.0/user/emails", () =>
      HttpResponse.json(
        {
          type: "error",
          error: {
            message: "Your credentials lack one or more required privilege scopes.",
            detail: { granted: ["account", "repository"], required: ["email"] },
          },
        },
        { status: 403 },
      ),
    );
    const { client } = testClient();
    const error = await rejection(client.primaryEmail());
    expect(error).toBeInstanceOf(BitbucketForbiddenError);
    expect(error).toMatchObject({
      status: 403,
      code: "forbidden",
      message: "Your credentials lack one or more required privilege scopes.",
      requiredScopes: ["email"],
      grantedScopes: ["account", "repository"],
      url: `${API}/2.0/user/emails`,
    });
    expect(hits()).toBe(1);
  });

  it("404 with the JSON envelope", async () => {
    respondOnce("/2.0/repositories/nope/x", () =>
      HttpResponse.json({ type: "error", error: { message: "No workspace with identifier 'nope'." } }, { status: 404 }),
    );
    const { client } = testClient();
    const error = await rejection(client.getRepository("nope", "x"));
    expect(error).toBeInstanceOf(BitbucketNotFoundError);
    expect(error).toMatchObject({ status: 404, code: "not_found", message: "No workspace with identifier 'nope'." });
  });

  it("404 with a text/plain body", async () => {
    respondOnce("/2.0/repositories/acme/x/pullrequests/9", () => HttpResponse.text("Not Found", { status: 404 }));
    const { client } = testClient();
    const error = await rejection(client.getJson("/2.0/repositories/acme/x/pullrequests/9", z.unknown()));
    expect(error).toBeInstanceOf(BitbucketNotFoundError);
    expect(error).toMatchObject({ status: 404, message: "Not Found" });
  });

  it("410 for removed functionality", async () => {
    const hits = respondOnce("/2.0/repositories", () =>
      HttpResponse.json(
        { type: "error", error: { message: "CHANGE-2770 - Functionality has been deprecated" } },
        { status: 410 },
      ),
    );
    const { client } = testClient();
    const error = await rejection(client.getJson("/2.0/repositories", z.unknown()));
    expect(error).toBeInstanceOf(BitbucketGoneError);
    expect(error).toMatchObject({ status: 410, code: "gone", message: "CHANGE-2770 - Functionality has been deprecated" });
    expect(hits()).toBe(1);
  });

  it("400 is a plain BitbucketError with code bad_request and is not retried", async () => {
    const hits = respondOnce("/2.0/user", () =>
      HttpResponse.json({ type: "error", error: { message: "Invalid pagelen" } }, { status: 400 }),
    );
    const { client } = testClient();
    const error = await rejection(client.getCurrentUser());
    expect(error).toBeInstanceOf(BitbucketError);
    expect(error).toMatchObject({ code: "bad_request", message: "Invalid pagelen" });
    expect(hits()).toBe(1);
  });

  it("a response missing a required field names the field", async () => {
    const hits = respondOnce("/2.0/user", () => HttpResponse.json({ ...user, display_name: undefined, uuid: 42 }));
    const { client } = testClient();
    const error = await rejection(client.getCurrentUser());
    expect(error).toBeInstanceOf(BitbucketResponseError);
    expect(error).toMatchObject({ code: "invalid_response", field: "uuid" });
    expect((error as BitbucketResponseError).issues.map((issue) => issue.field)).toEqual(["uuid", "display_name"]);
    expect((error as Error).message).toContain("uuid");
    expect(hits()).toBe(1);
  });

  it("a bad item in a page names its index", async () => {
    respondOnce("/2.0/repositories/acme", () =>
      HttpResponse.json({ values: [repo("acme", "ok"), { ...repo("acme", "bad"), full_name: null }] }),
    );
    const { client } = testClient();
    const error = await rejection(client.listRepositoriesPage("acme"));
    expect(error).toBeInstanceOf(BitbucketResponseError);
    expect(error).toMatchObject({ field: "values[1].full_name" });
  });

  it("a 200 with a non-JSON body is a BitbucketResponseError", async () => {
    const hits = respondOnce("/2.0/user", () => HttpResponse.html("<html>login</html>"));
    const { client } = testClient();
    const error = await rejection(client.getCurrentUser());
    expect(error).toBeInstanceOf(BitbucketResponseError);
    expect(hits()).toBe(1);
  });

  it("unknown fields pass through validation", async () => {
    respondOnce("/2.0/user", () => HttpResponse.json({ ...user, brand_new_field: { x: 1 } }));
    const { client } = testClient();
    await expect(client.getCurrentUser()).resolves.toMatchObject({ nickname: "ada" });
  });
});

describe("rate limits and retries", () => {
  it("429 with X-RateLimit-Reset: 3 waits at least 3 s (fake sleep), then succeeds", async () => {
    const served: number[] = [];
    server.use(
      http.get(`${API}/2.0/user`, () => {
        served.push(Date.now());
        if (served.length === 1) {
          return HttpResponse.text("Rate limit for this resource has been exceeded", {
            status: 429,
            headers: { "X-RateLimit-Reset": "3", "X-RateLimit-Limit": "1000" },
          });
        }
        return HttpResponse.json(user);
      }),
    );
    const { client, sleeps, sleepEnds, events } = testClient();
    const me = await client.getCurrentUser();
    expect(me.nickname).toBe("ada");
    expect(served).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    // The retry starts no earlier than 3 s after the 429 was served...
    expect(sleepEnds[0]!).toBeGreaterThanOrEqual(served[0]! + 3_000);
    // ...and not much later (jitter is at most baseDelayMs).
    expect(sleeps[0]!).toBeLessThanOrEqual(3_000 + 100 + 5);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "rate-limited", attempt: 1, status: 429, code: "rate_limited", method: "GET" });
    const event = events[0] as RetryEvent;
    expect(event.resumeAt.getTime()).toBeGreaterThanOrEqual(served[0]! + 3_000);
  });

  it("429 without retries left exposes resetAt ≈ now + 3 s", async () => {
    server.use(
      http.get(`${API}/2.0/user`, () =>
        HttpResponse.text("Rate limit for this resource has been exceeded", { status: 429, headers: { "X-RateLimit-Reset": "3" } }),
      ),
    );
    const { client, sleeps } = testClient({ retry: { maxAttempts: 1 } });
    const before = Date.now();
    const error = await rejection(client.getCurrentUser());
    const after = Date.now();
    expect(error).toBeInstanceOf(BitbucketRateLimitError);
    const resetAt = (error as BitbucketRateLimitError).resetAt!;
    expect(resetAt.getTime()).toBeGreaterThanOrEqual(before + 3_000);
    expect(resetAt.getTime()).toBeLessThanOrEqual(after + 3_000);
    expect(error).toMatchObject({ status: 429, message: "Rate limit for this resource has been exceeded" });
    expect(sleeps).toEqual([]);
  });

  it("429 with an epoch X-RateLimit-Reset beyond the wait budget throws at once with resetAt", async () => {
    const epoch = Math.floor(Date.now() / 1000) + 3_600;
    let hits = 0;
    server.use(
      http.get(`${API}/2.0/user`, () => {
        hits++;
        return HttpResponse.text("Rate limit for this resource has been exceeded", {
          status: 429,
          headers: { "X-RateLimit-Reset": String(epoch) },
        });
      }),
    );
    const { client, sleeps } = testClient();
    const error = await rejection(client.getCurrentUser());
    expect(error).toBeInstanceOf(BitbucketRateLimitError);
    expect((error as BitbucketRateLimitError).resetAt?.getTime()).toBe(epoch * 1000);
    expect(hits).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const retryAt = new Date(Math.ceil((Date.now() + 5_000) / 1000) * 1000);
    const served: number[] = [];
    server.use(
      http.get(`${API}/2.0/user`, () => {
        served.push(Date.now());
        return served.length === 1
          ? new HttpResponse(null, { status: 429, headers: { "Retry-After": retryAt.toUTCString() } })
          : HttpResponse.json(user);
      }),
    );
    const { client, sleepEnds } = testClient();
    await client.getCurrentUser();
    expect(served).toHaveLength(2);
    expect(sleepEnds[0]!).toBeGreaterThanOrEqual(retryAt.getTime());
  });

  it("retries 500 and 503, then succeeds", async () => {
    const statuses = [500, 503];
    let hits = 0;
    server.use(
      http.get(`${API}/2.0/user`, () => {
        const status = statuses[hits++];
        return status ? HttpResponse.text("Internal Server Error", { status }) : HttpResponse.json(user);
      }),
    );
    const { client, sleeps, events } = testClient();
    await expect(client.getCurrentUser()).resolves.toMatchObject({ nickname: "ada" });
    expect(hits).toBe(3);
    // Full jitter with random() = 0.5: 0.5 × 100 ms, then 0.5 × 200 ms.
    expect(sleeps).toEqual([50, 100]);
    expect(events.map((event) => [event.type, "status" in event ? event.status : null])).toEqual([
      ["retrying", 500],
      ["retrying", 503],
    ]);
  });

  it("throws BitbucketServerError when 5xx exhausts the attempts", async () => {
    let hits = 0;
    server.use(
      http.get(`${API}/2.0/user`, () => {
        hits++;
        return HttpResponse.text("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" });
      }),
    );
    const { client, sleeps } = testClient();
    const error = await rejection(client.getCurrentUser());
    expect(error).toBeInstanceOf(BitbucketServerError);
    expect(error).toMatchObject({ status: 502, code: "server_error", message: "Bitbucket responded with HTTP 502 Bad Gateway" });
    expect(hits).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it("maps a refused connection to BitbucketNetworkError (and retries it)", async () => {
    const port = await closedPort();
    server.use(http.all(`http://127.0.0.1:${port}/*`, () => passthrough()));
    const { client, sleeps } = testClient({ apiUrl: `http://127.0.0.1:${port}` });
    const error = await rejection(client.getCurrentUser());
    expect(error).toBeInstanceOf(BitbucketNetworkError);
    expect(error).toMatchObject({ code: "network_error", status: null, timedOut: false });
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(JSON.stringify(causeCodes(error))).toContain("ECONNREFUSED");
    expect(sleeps).toHaveLength(2);
  });

  it("times out a request that takes too long", async () => {
    server.use(
      http.get(`${API}/2.0/user`, async () => {
        await delay(5_000);
        return HttpResponse.json(user);
      }),
    );
    const { client } = testClient({ timeoutMs: 50, retry: { maxAttempts: 1 } });
    const started = Date.now();
    const error = await rejection(client.getCurrentUser());
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(BitbucketNetworkError);
    expect(error).toMatchObject({ code: "timeout", timedOut: true });
  });

  it("a caller's abort rejects with its reason and is not retried", async () => {
    let hits = 0;
    server.use(
      http.get(`${API}/2.0/user`, async () => {
        hits++;
        await delay(5_000);
        return HttpResponse.json(user);
      }),
    );
    const { client, sleeps } = testClient();
    const controller = new AbortController();
    const promise = client.getCurrentUser({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user navigated away")), 20);
    const error = await rejection(promise);
    expect(error).toMatchObject({ message: "user navigated away" });
    expect(error).not.toBeInstanceOf(BitbucketError);
    expect(hits).toBe(1);
    expect(sleeps).toEqual([]);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      if (address === null || typeof address === "string") return reject(new Error("no port"));
      probe.close(() => resolve(address.port));
    });
  });
}

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== "object" || depth > 6) return;
    const record = value as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === "string") codes.push(record.code);
    if (Array.isArray(record.errors)) record.errors.forEach((inner) => visit(inner, depth + 1));
    visit(record.cause, depth + 1);
  };
  visit(error, 0);
  return codes;
}
