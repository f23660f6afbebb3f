import { describe, expect, it } from "vitest";
import { createBitbucketHandlers, createSandboxState, SANDBOX_ACCOUNTS, SANDBOX_REPOSITORIES } from "./index";
import { API, WEB, apiTokenAuth, basic, bearer, bearerFor, collectPages, getJson, useSandboxHandlers, type Json } from "@/test/sandbox";

const { state, server } = useSandboxHandlers();

const get = (path: string, auth: string | null = null) => getJson(path, auth);

async function putConfig(patch: Json): Promise<Json> {
  const response = await fetch(`${WEB}/_sandbox/config`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(patch) });
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

const alice = apiTokenAuth("alice");
const q = (query: string) => encodeURIComponent(query);

describe("authentication", () => {
  it("accepts OAuth bearer tokens and email + API token", async () => {
    const viaToken = await get("/2.0/user", bearerFor(state, "carol"));
    expect(viaToken.status).toBe(200);
    expect(viaToken.body).toMatchObject({
      type: "user",
      uuid: SANDBOX_ACCOUNTS.carol.uuid,
      account_id: SANDBOX_ACCOUNTS.carol.account_id,
      nickname: "carol",
      display_name: "Carol Chen",
    });
    expect(viaToken.body.links.avatar.href).toMatch(/^https:\/\/bitbucket\.org\//);
    const viaApiToken = await get("/2.0/user", alice);
    expect(viaApiToken.body.nickname).toBe("alice");
  });

  it("refuses app passwords (username + password) with Bitbucket's text/plain 401", async () => {
    const { status, response, body } = await get("/2.0/user", basic("alice", "app-password-123"));
    expect(status).toBe(401);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="Bitbucket.org HTTP"');
    expect(body.text).toMatch(/^Login failed/);
    expect((await get("/2.0/user", basic("alice@example.com", "wrong-token"))).status).toBe(401);
  });

  it("answers unknown bearer tokens with Invalid credentials", async () => {
    const { status, body } = await get("/2.0/user", bearer("not-a-token"));
    expect(status).toBe(401);
    expect(body).toEqual({ type: "error", error: { message: "Invalid credentials." } });
  });

  it("needs authentication for /2.0/user", async () => {
    const { status, body } = await get("/2.0/user");
    expect(status).toBe(401);
    expect(body.type).toBe("error");
  });

  it("checks OAuth scopes", async () => {
    const limited = createSandboxState({ consumer: { scopes: ["account"] } });
    server.use(...createBitbucketHandlers(limited, { webUrl: WEB, apiUrl: API }));
    const { status, body } = await get("/2.0/repositories/acme", bearerFor(limited, "alice"));
    expect(status).toBe(403);
    expect(body.error).toMatchObject({ message: "Your credentials lack one or more required privilege scopes.", detail: { required: ["repository"] } });
  });
});

describe("user endpoints", () => {
  it("lists the caller's emails, paginated", async () => {
    const { body } = await get("/2.0/user/emails", bearerFor(state, "bob"));
    expect(body).toMatchObject({ page: 1, pagelen: 10, size: 1 });
    expect(body.values).toEqual([expect.objectContaining({ type: "email", email: "bob@example.com", is_primary: true, is_confirmed: true })]);
  });

  it("lists the caller's workspaces as workspace_access sorted by slug", async () => {
    const { body } = await get("/2.0/user/workspaces", alice);
    expect(body.values.map((value: Json) => value.workspace.slug)).toEqual(["acme", "alice", "globex", "initech"]);
    expect(body.values[0]).toMatchObject({
      type: "workspace_access",
      administrator: true,
      workspace: { type: "workspace_base", slug: "acme", name: "Acme Corporation", uuid: expect.stringMatching(/^\{[0-9a-f-]{36}\}$/) },
    });
    expect(body.values[0].workspace.links.html.href).toBe("https://bitbucket.org/acme/");
    const bob = await get("/2.0/user/workspaces?sort=-slug", apiTokenAuth("bob"));
    expect(bob.body.values.map((value: Json) => [value.workspace.slug, value.administrator])).toEqual([
      ["globex", true],
      ["acme", false],
    ]);
    expect((await get("/2.0/user/workspaces?sort=name", alice)).status).toBe(400);
  });
});

describe("gone endpoints (CHANGE-2770)", () => {
  it.each(["/2.0/workspaces", "/2.0/repositories", "/2.0/user/permissions/workspaces", "/2.0/user/permissions/repositories"])("%s -> 410", async (path) => {
    const { status, body } = await get(`${path}?pagelen=10`, alice);
    expect(status).toBe(410);
    expect(body.type).toBe("error");
    expect(body.error.message).toBe("CHANGE-2770 - Functionality has been deprecated");
  });
});

describe("repository listing", () => {
  it("pages through all 120 acme repositories with absolute next links", async () => {
    const { values, urls } = await collectPages<Json>(`${API}/2.0/repositories/acme?role=member&pagelen=25`, { Authorization: alice });
    expect(values).toHaveLength(120);
    expect(new Set(values.map((repo) => repo.full_name)).size).toBe(120);
    expect(urls).toHaveLength(5);
    for (const url of urls.slice(1)) expect(url).toMatch(/^https:\/\/api\.bitbucket\.org\/2\.0\/repositories\/acme\?.*role=member.*&page=\d$/);
    const last = await get("/2.0/repositories/acme?role=member&pagelen=25&page=5", alice);
    expect(last.body).toMatchObject({ size: 120, page: 5, pagelen: 25 });
    expect(last.body.next).toBeUndefined();
    expect(last.body.previous).toBe("https://api.bitbucket.org/2.0/repositories/acme?role=member&pagelen=25&page=4");
    expect(last.body.values).toHaveLength(20);
  });

  it("uses pagelen 10 by default, 100 at most", async () => {
    const first = await get("/2.0/repositories/acme", alice);
    expect(first.body).toMatchObject({ pagelen: 10, page: 1, size: 120 });
    expect(first.body.values).toHaveLength(10);
    expect((await get("/2.0/repositories/acme?pagelen=100", alice)).body.values).toHaveLength(100);
    const over = await get("/2.0/repositories/acme?pagelen=101", alice);
    expect(over.status).toBe(400);
    expect(over.body).toEqual({ type: "error", error: { message: "Invalid pagelen" } });
    expect((await get("/2.0/repositories/acme?page=0", alice)).status).toBe(400);
    expect((await get("/2.0/repositories/acme?page=99", alice)).status).toBe(404);
  });

  it("represents repositories like Bitbucket", async () => {
    const { body } = await get(`/2.0/repositories/${SANDBOX_REPOSITORIES.privateRepo}`, bearerFor(state, "bob"));
    expect(body).toMatchObject({
      type: "repository",
      full_name: "acme/rocket-launcher",
      slug: "rocket-launcher",
      scm: "git",
      is_private: true,
      has_issues: true,
      has_wiki: true,
      mainbranch: { name: "main", type: "branch" },
      project: { type: "project", key: "WEB", name: "Web" },
      workspace: { type: "workspace", slug: "acme" },
      owner: { type: "team", username: "acme" },
    });
    expect(body.uuid).toMatch(/^\{[0-9a-f-]{36}\}$/);
    expect(body.created_on).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    expect(body.links.html.href).toBe("https://bitbucket.org/acme/rocket-launcher");
    expect(body.links.clone).toEqual([
      { name: "https", href: "https://bob@bitbucket.org/acme/rocket-launcher.git" },
      { name: "ssh", href: "git@bitbucket.org:acme/rocket-launcher.git" },
    ]);
    const fork = await get(`/2.0/repositories/${SANDBOX_REPOSITORIES.fork}`, alice);
    expect(fork.body.parent).toMatchObject({ type: "repository", full_name: "acme/rocket-launcher" });
    const personal = await get(`/2.0/repositories/${SANDBOX_REPOSITORIES.personalPublic}`);
    expect(personal.body.owner).toMatchObject({ type: "user", nickname: "alice" });
    expect(personal.body.links.clone[0].href).toBe("https://bitbucket.org/alice/dotfiles.git");
  });

  it("hides private repositories from anonymous callers and non-members", async () => {
    const anonymous = await get("/2.0/repositories/acme?pagelen=100");
    expect(anonymous.body.size).toBeGreaterThan(0);
    expect(anonymous.body.size).toBeLessThan(120);
    expect(anonymous.body.values.every((repo: Json) => repo.is_private === false)).toBe(true);
    const hidden = await get(`/2.0/repositories/${SANDBOX_REPOSITORIES.privateRepo}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toMatch(/^You may not have access to this repository/);
    expect((await get("/2.0/repositories/initech/tps-reports", apiTokenAuth("bob"))).status).toBe(404);
    expect((await get("/2.0/repositories/initech/tps-reports", apiTokenAuth("carol"))).status).toBe(200);
    const bobInInitech = await get("/2.0/repositories/initech?role=member", apiTokenAuth("bob"));
    expect(bobInInitech.body.size).toBe(0);
  });

  it("404s unknown workspaces with Bitbucket's message", async () => {
    const { status, body } = await get("/2.0/repositories/nope", alice);
    expect(status).toBe(404);
    expect(body).toEqual({ type: "error", error: { message: "No workspace with identifier 'nope'." } });
  });

  it("filters by role", async () => {
    const admin = await get("/2.0/repositories/globex?role=admin", apiTokenAuth("bob"));
    expect(admin.body.size).toBe(6);
    expect((await get("/2.0/repositories/globex?role=admin", alice)).body.size).toBe(0);
    expect((await get("/2.0/repositories/alice?role=owner", alice)).body.size).toBe(5);
    expect((await get("/2.0/repositories/acme?role=superhero", alice)).status).toBe(400);
  });
});

describe("q, sort and fields", () => {
  it("matches a name with double quotes (escaped \\\")", async () => {
    const exact = await get(`/2.0/repositories/acme?q=${q('name = "Legacy \\"classic\\" site"')}`, alice);
    expect(exact.status).toBe(200);
    expect(exact.body.values.map((repo: Json) => repo.slug)).toEqual(["legacy-classic-site"]);
    const contains = await get(`/2.0/repositories/acme?q=${q('name ~ "\\"CLASSIC\\""')}`, alice);
    expect(contains.body.values.map((repo: Json) => repo.slug)).toEqual(["legacy-classic-site"]);
  });

  it("matches backslashes (escaped \\\\)", async () => {
    const { body } = await get(`/2.0/repositories/acme?q=${q('description ~ "C:\\\\inetpub\\\\wwwroot"')}`, alice);
    expect(body.values.map((repo: Json) => repo.slug)).toEqual(["legacy-classic-site"]);
    const none = await get(`/2.0/repositories/acme?q=${q('description ~ "C:inetpub"')}`, alice);
    expect(none.body.size).toBe(0);
  });

  it("matches special characters", async () => {
    const { body } = await get(`/2.0/repositories/acme?q=${q(`name ~ "R&D: 50% + O'Neil (β) #"`)}`, alice);
    expect(body.values.map((repo: Json) => repo.full_name)).toEqual([SANDBOX_REPOSITORIES.specialCharacters]);
  });

  it("supports AND/OR, parentheses, !=, !~, comparisons, booleans, null and dotted fields", async () => {
    const all = (await collectPages<Json>(`${API}/2.0/repositories/acme?pagelen=100`, { Authorization: alice })).values;
    const run = async (query: string) => (await collectPages<Json>(`${API}/2.0/repositories/acme?pagelen=100&q=${q(query)}`, { Authorization: alice })).values;
    expect(await run('project.key = "LEG" OR project.key = "OPS"')).toEqual(all.filter((r) => ["LEG", "OPS"].includes(r.project.key)));
    expect(await run('is_private = false AND (language = "php" OR language = "go")')).toEqual(
      all.filter((r) => !r.is_private && ["php", "go"].includes(r.language)),
    );
    expect(await run('name !~ "service" AND has_issues = true')).toEqual(all.filter((r) => !r.name.toLowerCase().includes("service") && r.has_issues));
    expect(await run("updated_on >= 2025-01-01T00:00:00+00:00")).toEqual(all.filter((r) => Date.parse(r.updated_on) >= Date.parse("2025-01-01T00:00:00Z")));
    expect(await run('created_on < "2016-01-01"')).toEqual(all.filter((r) => Date.parse(r.created_on) < Date.parse("2016-01-01T00:00:00Z")));
    expect(await run("size > 100000000")).toEqual(all.filter((r) => r.size > 100_000_000));
    expect(await run('mainbranch.name != "main"')).toEqual(all.filter((r) => r.mainbranch.name !== "main"));
    expect(await run("parent != null")).toEqual(all.filter((r) => r.parent));
    expect(await run('name ~ "x" and NAME ~ "y"').catch((error: Error) => error.message)).toMatch(/400/);
  });

  it("answers 400 with Bitbucket's envelope for a syntax error or unknown field", async () => {
    for (const query of ['name ~ "unterminated', "name ~", 'name = "a" AND', '(name = "a"', "name = unquoted", 'nope = "x"', 'is_private ~ "x"']) {
      const { status, body } = await get(`/2.0/repositories/acme?q=${q(query)}`, alice);
      expect(status, query).toBe(400);
      expect(body.type).toBe("error");
      expect(body.error.message).toEqual(expect.any(String));
    }
  });

  it("sorts by created_on, -updated_on and name", async () => {
    const run = async (sort: string) => (await get(`/2.0/repositories/acme?pagelen=100&sort=${sort}`, alice)).body.values as Json[];
    const created = (await run("created_on")).map((r) => Date.parse(r.created_on));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const updated = (await run("-updated_on")).map((r) => Date.parse(r.updated_on));
    expect(updated).toEqual([...updated].sort((a, b) => b - a));
    const names = (await run("name")).map((r) => r.name as string);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect((await get("/2.0/repositories/acme?sort=nope", alice)).status).toBe(400);
  });

  it("applies fields: -links, explicit lists and +additions (sent as %2B)", async () => {
    const noLinks = await get(`/2.0/repositories/acme?fields=${q("-values.links")}`, alice);
    expect(noLinks.body.values[0].links).toBeUndefined();
    expect(noLinks.body.values[0].slug).toEqual(expect.any(String));
    expect(noLinks.body.next).toMatch(/fields=-values\.links/);

    const only = await get(`/2.0/repositories/acme?pagelen=5&fields=${q("values.slug,values.project.key,next")}`, alice);
    expect(Object.keys(only.body).sort()).toEqual(["next", "values"]);
    expect(Object.keys(only.body.values[0]).sort()).toEqual(["project", "slug"]);
    expect(Object.keys(only.body.values[0].project)).toEqual(["key"]);

    const plus = await get(`/2.0/repositories/acme?fields=%2Bvalues.mainbranch.name,-values.owner`, alice);
    expect(plus.body.values[0].mainbranch.name).toEqual(expect.any(String));
    expect(plus.body.values[0].owner).toBeUndefined();
    expect(plus.body.values[0].links).toBeDefined();

    const single = await get(`/2.0/repositories/${SANDBOX_REPOSITORIES.publicRepo}?fields=-links`);
    expect(single.body.links).toBeUndefined();
    expect(single.body.full_name).toBe(SANDBOX_REPOSITORIES.publicRepo);
  });
});

describe("workspaces", () => {
  it("lists members of a workspace to its members", async () => {
    const { body } = await get("/2.0/workspaces/acme/members?pagelen=100", bearerFor(state, "carol"));
    expect(body.values.map((value: Json) => value.user.nickname).sort()).toEqual(["alice", "bob", "carol"]);
    expect(body.values[0]).toMatchObject({ type: "workspace_membership", workspace: { slug: "acme", type: "workspace" }, user: { type: "user" } });
    expect((await get("/2.0/workspaces/initech/members", apiTokenAuth("bob"))).status).toBe(403);
    expect((await get("/2.0/workspaces/nope/members", alice)).status).toBe(404);
    expect((await get("/2.0/workspaces/acme", alice)).body).toMatchObject({ type: "workspace", slug: "acme", name: "Acme Corporation" });
  });
});

describe("issues (removed 2026-08-20)", () => {
  it("answers 410 by default and serves trackers when issuesRemoved=false", async () => {
    const withIssues = `/2.0/repositories/${SANDBOX_REPOSITORIES.privateRepo}/issues`;
    expect((await get(withIssues, alice)).status).toBe(410);
    await putConfig({ issuesRemoved: false });
    expect((await get(withIssues, alice)).body).toMatchObject({ size: 12, page: 1, pagelen: 10 });
    const none = await get(`/2.0/repositories/${SANDBOX_REPOSITORIES.fork}/issues`, alice);
    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe("Repository has no issue tracker.");
  });
});

describe("fault injection", () => {
  it("answers 429 like Bitbucket (text/plain, X-RateLimit-*, no Retry-After)", async () => {
    await putConfig({ rateLimit429Ratio: 1, rateLimitResetSeconds: 42 });
    const { status, response, body } = await get("/2.0/user", alice);
    expect(status).toBe(429);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(body.text).toBe("Rate limit for this resource has been exceeded");
    expect(response.headers.get("x-ratelimit-reset")).toBe("42");
    expect(response.headers.get("x-ratelimit-limit")).toBe("1000");
    expect(response.headers.get("retry-after")).toBeNull();
    // Knobs apply to /2.0 only.
    expect((await fetch(`${WEB}/site/oauth2/authorize?client_id=ferry-sandbox&response_type=code`)).status).toBe(200);
  });

  it("injects 5xx and is reproducible for a seed", async () => {
    const statuses = async () => {
      const result: number[] = [];
      for (let i = 0; i < 30; i++) result.push((await get("/2.0/user", alice)).status);
      return result;
    };
    await putConfig({ error5xxRatio: 0.3, rateLimit429Ratio: 0.2, seed: 7 });
    const first = await statuses();
    expect(first).toContain(500);
    expect(first).toContain(429);
    expect(first).toContain(200);
    await putConfig({ seed: 7 });
    expect(await statuses()).toEqual(first);
    const error = await get("/2.0/user", alice);
    if (error.status === 500) expect(error.body.type).toBe("error");
  });

  it("adds latency to API requests only", async () => {
    await putConfig({ latencyMs: 150 });
    let started = performance.now();
    expect((await get("/2.0/user", alice)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    started = performance.now();
    await fetch(`${WEB}/_sandbox/config`);
    expect(performance.now() - started).toBeLessThan(140);
  });

  it("rejects invalid knob values", async () => {
    const response = await fetch(`${WEB}/_sandbox/config`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rateLimit429Ratio: 2 }) });
    expect(response.status).toBe(400);
  });
});

describe("sandbox admin", () => {
  it("logs requests with account, query and status; ?since and DELETE", async () => {
    await get("/2.0/repositories/acme?pagelen=5&q=" + q('name ~ "a"'), alice);
    await get("/2.0/user");
    const response = await fetch(`${WEB}/_sandbox/requests`);
    expect(response.headers.get("x-sandbox-next-index")).toBe("2");
    const log = await response.json();
    expect(log).toHaveLength(2);
    expect(log[0]).toEqual({
      index: 0,
      method: "GET",
      path: "/2.0/repositories/acme",
      query: { pagelen: "5", q: 'name ~ "a"' },
      status: 200,
      account: "alice",
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(log[1]).toMatchObject({ path: "/2.0/user", status: 401, account: null });
    await get("/2.0/workspaces");
    const since = await (await fetch(`${WEB}/_sandbox/requests?since=2`)).json();
    expect(since.map((entry: Json) => entry.path)).toEqual(["/2.0/workspaces"]);
    expect((await fetch(`${WEB}/_sandbox/requests`, { method: "DELETE" })).status).toBe(204);
    expect(await (await fetch(`${WEB}/_sandbox/requests`)).json()).toEqual([]);
    expect(state.requests()).toEqual([]);
    await get("/2.0/user");
    expect((await (await fetch(`${WEB}/_sandbox/requests?since=3`)).json())[0]).toMatchObject({ index: 3, path: "/2.0/user" });
  });

  it("renames an account keeping its uuid", async () => {
    const token = bearerFor(state, "bob");
    const response = await fetch(`${WEB}/_sandbox/accounts/bob/rename`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ nickname: "robert", display_name: "Robert Brown" }),
    });
    expect(response.status).toBe(200);
    const user = (await get("/2.0/user", token)).body;
    expect(user).toMatchObject({ nickname: "robert", display_name: "Robert Brown", uuid: SANDBOX_ACCOUNTS.bob.uuid });
    expect((await get("/2.0/user/workspaces", token)).body.size).toBe(2);
    expect((await fetch(`${WEB}/_sandbox/reset`, { method: "POST" })).status).toBe(204);
    expect(state.accountByNickname("bob")?.display_name).toBe("Bob Brown");
  });
});

describe("scale", () => {
  it("creates 5,000 repositories across 50 workspaces quickly and lazily", async () => {
    const started = performance.now();
    const large = createSandboxState({ scale: "large" });
    expect(large.workspaces).toHaveLength(50);
    expect(large.workspaces.reduce((sum, workspace) => sum + workspace.repositoryCount, 0)).toBe(5000);
    expect(performance.now() - started).toBeLessThan(500);
    server.use(...createBitbucketHandlers(large, { webUrl: WEB, apiUrl: API }));
    const auth = bearerFor(large, "alice");
    const workspaces = await collectPages<Json>(`${API}/2.0/user/workspaces?pagelen=100`, { Authorization: auth });
    expect(workspaces.values).toHaveLength(50);
    const last = await get("/2.0/repositories/scale-50?pagelen=100", auth);
    expect(last.body.size).toBeGreaterThan(100);
    let total = 0;
    for (const workspace of large.workspaces) total += large.repositoriesOf(workspace).length;
    expect(total).toBe(5000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
