import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Gitlab, GitbeakerRequestError } from "@gitbeaker/rest";
import { expect, test } from "@playwright/test";
import { SANDBOX_ACCOUNTS } from "../mocks/bitbucket/seed.ts";
import { SHOWCASE_REPOSITORY, showcaseExpectations, showcaseLfsObjects } from "../mocks/bitbucket/showcase.ts";
import { E2E } from "./environment";
import { cliToken, query, readmeCurlExamples, run, sandbox, signInWithBitbucket } from "./support";

/**
 * Ferry's GitLab-compatible REST API, driven by a real GitLab client (@gitbeaker/rest), curl and
 * git, against the running app and the Bitbucket sandbox. No browser.
 */

test.describe.configure({ mode: "serial" });

const expected = showcaseExpectations();
const { alice, bob } = SANDBOX_ACCOUNTS;
const TARGET = "rockets/launch";
const PROJECT_PATH = `${TARGET}/rocket-launcher`;

type Tokens = { root: string; alice: string; aliceReadOnly: string; eve: string };
const tokens = {} as Tokens;
const usernames = { alice: "", bob: "" };
let projectId = 0;

const api = (token: string) => new Gitlab({ host: E2E.appUrl, token });

async function call(method: string, pathname: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${E2E.appUrl}/api/v4${pathname}`, {
    method,
    headers: { ...(token ? { "private-token": token } : {}), ...(body !== undefined && typeof body !== "string" ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

async function updateInstanceSettings(patch: Record<string, unknown>) {
  await query(
    `INSERT INTO app_settings (key, value, updated_at) VALUES ('instance', $1::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = app_settings.value || $1::jsonb, updated_at = now()`,
    [JSON.stringify(patch)],
  );
}

/** A Ferry user linked to a sandbox account: found by its Bitbucket identity (an earlier sign-in) or created by the admin API. */
async function linkedUser(nickname: "alice" | "bob"): Promise<string> {
  const account = SANDBOX_ACCOUNTS[nickname];
  const found = await call("GET", `/users?provider=bitbucket&extern_uid=${encodeURIComponent(account.uuid)}`, tokens.root);
  const existing = (found.body as unknown as { username: string }[])[0];
  if (existing) return existing.username;
  // Not the Bitbucket account's address: later specs sign in with Bitbucket as these people, and an
  // address already held by another Ferry user refuses that sign-in.
  const created = await api(tokens.root).Users.create({
    username: nickname,
    email: `${nickname}.api-spec@ferry.test`,
    name: account.display_name,
    password: "correct horse battery staple",
    provider: "bitbucket",
    externUid: account.uuid,
  });
  expect(created).toMatchObject({ username: nickname, identities: [{ provider: "bitbucket", extern_uid: account.uuid }] });
  return created.username as string;
}

async function waitForImport(id: number, done: (status: string) => boolean, timeoutMs = 150_000) {
  const client = api(tokens.alice);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await client.ProjectImportExports.showImportStatus(id)) as unknown as Record<string, unknown>;
    if (done(String(status.import_status))) return status;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${String(status.import_status)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function gitEnv() {
  return { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_LFS_SKIP_SMUDGE: "1", GIT_CONFIG_NOSYSTEM: "1", HOME: mkdtempSync(path.join(tmpdir(), "ferry-git-home-")) };
}

function cloneUrl(username: string | null, token: string | null) {
  const url = new URL(`${E2E.appUrl}/${PROJECT_PATH}.git`);
  if (username) url.username = encodeURIComponent(username);
  if (token) url.password = encodeURIComponent(token);
  return url.href;
}

async function tryClone(url: string) {
  const target = path.join(mkdtempSync(path.join(tmpdir(), "ferry-api-clone-")), "clone");
  const result = await run("git", ["clone", "--quiet", "--", url, target], gitEnv());
  return { ok: result.code === 0, stderr: result.stderr, target };
}

let specStartedAt = new Date();

test.beforeAll(async () => {
  // Several `npx ferry` commands start here, each a fresh Node process.
  test.setTimeout(180_000);
  await sandbox("/_sandbox/reset", { method: "POST" });
  await sandbox("/_sandbox/config", { method: "PUT", body: { issuesRemoved: false } });
  specStartedAt = new Date();
  // The first administrator, as the README says: `npx ferry users create --admin`.
  const [root] = await query("SELECT id FROM users WHERE username = 'root'");
  if (!root) {
    await promisify(execFile)(
      "npx",
      ["ferry", "users", "create", "--username", "root", "--email", "root@ferry.test", "--name", "Administrator", "--password", "correct horse battery staple", "--admin"],
      { env: { ...process.env, DATA_DIR: E2E.dataDir }, encoding: "utf8" },
    );
  }
  tokens.root = await cliToken("root");
  usernames.alice = await linkedUser("alice");
  usernames.bob = await linkedUser("bob");
  tokens.alice = await cliToken(usernames.alice);
  tokens.aliceReadOnly = await cliToken(usernames.alice, "read_api");
  const eve = await call("GET", "/users?username=eve", tokens.root);
  if ((eve.body as unknown as unknown[]).length === 0) {
    expect((await call("POST", "/users", tokens.root, { username: "eve", email: "eve@ferry.test", name: "Eve", password: "correct horse battery staple" })).status).toBe(201);
  }
  tokens.eve = await cliToken("eve");
});

test.afterAll(async () => {
  // Later specs import the same repositories from the import page, where a project imported here would show as "Last imported to".
  await query("DELETE FROM projects WHERE created_at >= $1", [specStartedAt]);
  // Other specs expect alice's to be the only Bitbucket identity; drop the link this spec made for bob (never one made by signing in).
  await query(`DELETE FROM accounts WHERE provider = 'bitbucket' AND provider_account_id = $1 AND access_token IS NULL`, [bob.uuid]);
});

test("a token from the CLI authenticates a GitLab client", async () => {
  const me = (await api(tokens.alice).Users.showCurrentUser()) as unknown as Record<string, unknown>;
  expect(me).toMatchObject({ username: usernames.alice, identities: [{ provider: "bitbucket", extern_uid: alice.uuid }] });
  const viaBearer = await fetch(`${E2E.appUrl}/api/v4/user`, { headers: { authorization: `Bearer ${tokens.alice}` } });
  expect(((await viaBearer.json()) as { username: string }).username).toBe(usernames.alice);
});

test("import the showcase with POST /import/bitbucket, follow it to the end, and read it back with gitbeaker", async () => {
  test.setTimeout(240_000);
  const started = await call("POST", "/import/bitbucket", tokens.alice, {
    bitbucket_email: alice.email,
    bitbucket_api_token: alice.apiToken,
    repo_path: SHOWCASE_REPOSITORY,
    target_namespace: TARGET,
  });
  expect(started.status).toBe(201);
  expect(started.body).toMatchObject({
    name: "rocket-launcher",
    full_path: `/${PROJECT_PATH}`,
    full_name: "rockets / launch / rocket-launcher",
    import_source: SHOWCASE_REPOSITORY,
    import_status: "scheduled",
    human_import_status_name: "scheduled",
    provider_link: `${E2E.sandboxUrl}/${SHOWCASE_REPOSITORY}`,
    relation_type: null,
    import_warning: null,
  });
  projectId = started.body!.id as number;

  const status = await waitForImport(projectId, (value) => !["scheduled", "started"].includes(value));
  expect(status).toMatchObject({ import_status: "finished", import_type: "bitbucket", path_with_namespace: PROJECT_PATH, failed_relations: [] });
  const stats = status.stats as Record<string, Record<string, number>>;
  expect(stats.imported!.pull_request).toBe(expected.pullRequests.length);
  expect(stats.imported!.issue).toBe(expected.issues.length);

  const client = api(tokens.alice);
  const project = (await client.Projects.show(projectId)) as unknown as Record<string, unknown>;
  expect(project).toMatchObject({ id: projectId, path_with_namespace: PROJECT_PATH, visibility: "private", default_branch: expected.mainbranch, import_status: "finished" });
  expect((await client.Projects.show(PROJECT_PATH)) as unknown as Record<string, unknown>).toMatchObject({ id: projectId });

  // Git data: branches and tags at the sandbox's commits.
  const branches = (await client.Branches.all(projectId)) as unknown as { name: string; default: boolean; commit: { id: string } }[];
  expect(Object.fromEntries(branches.map((branch) => [branch.name, branch.commit.id]))).toEqual(expected.branches);
  expect(branches.find((branch) => branch.default)?.name).toBe(expected.mainbranch);
  const tags = (await client.Tags.all(projectId)) as unknown as { name: string; commit: { id: string } }[];
  expect(Object.fromEntries(tags.map((tag) => [tag.name, tag.commit.id]))).toEqual(Object.fromEntries(Object.entries(expected.tags).map(([name, tag]) => [name, tag.commit])));

  // Merge requests, their notes, diff discussions and approvals. alice and bob are linked Ferry users; carol is not.
  const mapped = (nickname: string | null) => (nickname === "alice" ? usernames.alice : nickname === "bob" ? usernames.bob : usernames.alice);
  const mergeRequests = (await client.MergeRequests.all({ projectId })) as unknown as Record<string, unknown>[];
  expect(mergeRequests.map((mr) => mr.iid).sort((a, b) => Number(a) - Number(b))).toEqual(expected.pullRequests.map((pr) => pr.id));
  let diffNotes = 0;
  for (const pr of expected.pullRequests) {
    const mr = mergeRequests.find((candidate) => candidate.iid === pr.id)!;
    const state = pr.state === "MERGED" ? "merged" : pr.state === "OPEN" ? "opened" : "closed";
    expect(mr, `!${pr.id}`).toMatchObject({ title: pr.title, state, draft: pr.draft, source_branch: pr.sourceBranch, target_branch: pr.destinationBranch, imported: true, imported_from: "bitbucket" });
    expect((mr.author as { username: string }).username, `!${pr.id} author`).toBe(mapped(pr.author));
    const notes = (await client.MergeRequestNotes.all(projectId, pr.id)) as unknown as Record<string, unknown>[];
    expect(notes.length, `!${pr.id} notes`).toBe(pr.commentCount);
    for (const note of notes) expect(note).toMatchObject({ noteable_type: "MergeRequest", imported: true, imported_from: "bitbucket" });
    const discussions = (await client.MergeRequestDiscussions.all(projectId, pr.id)) as unknown as { notes: Record<string, unknown>[] }[];
    expect(discussions.flatMap((discussion) => discussion.notes).length).toBe(pr.commentCount);
    for (const note of discussions.flatMap((discussion) => discussion.notes).filter((candidate) => candidate.type === "DiffNote")) {
      diffNotes++;
      expect(note.position).toMatchObject({ position_type: "text", new_path: expect.any(String), old_path: expect.any(String), head_sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    }
    const approvals = (await client.MergeRequestApprovals.showConfiguration(projectId, { mergerequestIId: pr.id })) as unknown as {
      approved_by: { user: { username: string } }[];
      imported_approvals: unknown[];
    };
    expect(approvals.imported_approvals.length, `!${pr.id} approvals`).toBe(pr.approvedBy.length);
    const mappedApprovers = pr.approvedBy.filter((nickname) => nickname === "alice" || nickname === "bob").map(mapped).sort();
    expect(approvals.approved_by.map((entry) => entry.user.username).sort()).toEqual(mappedApprovers);
  }
  expect(diffNotes).toBeGreaterThan(0);

  // Issues and their notes, compared with what the sandbox serves.
  const issues = (await client.Issues.all({ projectId, perPage: 5 })) as unknown as Record<string, unknown>[];
  expect(issues.map((issue) => issue.iid).sort((a, b) => Number(a) - Number(b))).toEqual(expected.issues.map((issue) => issue.id));
  const bitbucketAuth = `Basic ${Buffer.from(`${alice.email}:${alice.apiToken}`).toString("base64")}`;
  for (const source of expected.issues) {
    const issue = issues.find((candidate) => candidate.iid === source.id)!;
    const closed = ["resolved", "invalid", "duplicate", "wontfix", "closed"].includes(source.state);
    expect(issue, `#${source.id}`).toMatchObject({ title: source.title, state: closed ? "closed" : "opened", imported: true, imported_from: "bitbucket" });
    expect(issue.labels).toEqual(expect.arrayContaining([source.kind, `priority::${source.priority}`]));
    expect((issue.milestone as { title: string } | null)?.title ?? null).toBe(source.milestone);
    const comments = (await (
      await fetch(`${E2E.sandboxUrl}/2.0/repositories/${SHOWCASE_REPOSITORY}/issues/${source.id}/comments?pagelen=100`, { headers: { authorization: bitbucketAuth } })
    ).json()) as { values: { content: { raw: string | null } }[] };
    const withText = comments.values.filter((comment) => (comment.content.raw ?? "").trim() !== "").length;
    const changes = (await (
      await fetch(`${E2E.sandboxUrl}/2.0/repositories/${SHOWCASE_REPOSITORY}/issues/${source.id}/changes?pagelen=100`, { headers: { authorization: bitbucketAuth } })
    ).json()) as { values: unknown[] };
    const notes = (await client.IssueNotes.all(projectId, source.id)) as unknown as { system: boolean }[];
    // Comments with text become notes; the issue's recorded changes become system notes beside them.
    expect(notes.filter((note) => !note.system).length, `#${source.id} notes`).toBe(withText);
    expect(notes.some((note) => note.system), `#${source.id} change notes`).toBe(changes.values.length > 0);
  }

  // Labels, milestones, wiki, members.
  const labels = ((await client.ProjectLabels.all(projectId)) as unknown as { name: string }[]).map((label) => label.name);
  expect(labels).toEqual(expect.arrayContaining([...new Set(expected.issues.flatMap((issue) => [issue.kind, `priority::${issue.priority}`]))]));
  const milestones = ((await client.ProjectMilestones.all(projectId)) as unknown as { title: string }[]).map((milestone) => milestone.title);
  expect(milestones.sort()).toEqual([...expected.milestones].sort());
  const wikis = (await client.ProjectWikis.all(projectId, { withContent: true })) as unknown as { slug: string; content: string }[];
  expect(wikis.map((page) => page.slug).sort()).toEqual(expected.wikiPages.map((page) => page.replace(/\.[^.]+$/, "")).sort());
  for (const page of wikis) expect(page.content.length, page.slug).toBeGreaterThan(0);
  const members = (await client.ProjectMembers.all(projectId, { includeInherited: true })) as unknown as { username: string; access_level: number }[];
  expect(members).toEqual([expect.objectContaining({ username: usernames.alice, access_level: 50 })]);
});

test("lists are paginated with GitLab's headers", async () => {
  const total = expected.issues.length;
  const response = await call("GET", `/projects/${projectId}/issues?per_page=5&page=2&state=all`, tokens.alice);
  expect(response.status).toBe(200);
  expect((response.body as unknown as unknown[]).length).toBe(5);
  const header = (name: string) => response.headers.get(name);
  expect([header("x-total"), header("x-total-pages"), header("x-page"), header("x-per-page"), header("x-next-page"), header("x-prev-page")]).toEqual([
    String(total),
    String(Math.ceil(total / 5)),
    "2",
    "5",
    total > 10 ? "3" : "",
    "1",
  ]);
  expect(header("link")).toContain(`<${E2E.appUrl}/api/v4/projects/${projectId}/issues?per_page=5&page=1&state=all>; rel="prev"`);
  expect(header("link")).toContain('rel="first"');
  expect(header("link")).toContain('rel="last"');
});

test("a private project is a 404 to a non-member and to anonymous callers", async () => {
  expect(await call("GET", `/projects/${projectId}`, tokens.eve)).toMatchObject({ status: 404, body: { message: "404 Project Not Found" } });
  expect((await call("GET", `/projects/${encodeURIComponent(PROJECT_PATH)}/issues`, null)).status).toBe(404);
  const error = await api(tokens.eve).Projects.show(projectId).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GitbeakerRequestError);
  expect((error as GitbeakerRequestError).cause?.response.status).toBe(404);
  const eveProjects = (await api(tokens.eve).Projects.all({ membership: true })) as unknown as unknown[];
  expect(eveProjects).toEqual([]);
});

test("git clone of the private project with username + token over HTTP Basic, refused without or with a revoked or expired token", async () => {
  test.setTimeout(120_000);
  const cloned = await tryClone(cloneUrl(usernames.alice, tokens.alice));
  expect(cloned.ok, cloned.stderr).toBe(true);
  const heads = (await run("git", ["-C", cloned.target, "for-each-ref", "--format=%(refname:strip=3) %(objectname)", "refs/remotes/origin/"])).stdout;
  const cloneBranches = Object.fromEntries(heads.trim().split("\n").map((line) => line.split(" ")).filter(([name]) => name !== "HEAD"));
  expect(cloneBranches).toEqual(expected.branches);

  // LFS content comes through the same credentials: every LFS file checked out has the source's bytes.
  const lfsEnv = { ...gitEnv(), GIT_LFS_SKIP_SMUDGE: "0" };
  expect((await run("git", ["-C", cloned.target, "lfs", "install", "--local"], lfsEnv)).code).toBe(0);
  const pulled = await run("git", ["-C", cloned.target, "lfs", "pull"], lfsEnv);
  expect(pulled.code, pulled.stderr).toBe(0);
  const checkedOut = showcaseLfsObjects().filter((object) => existsSync(path.join(cloned.target, object.path)));
  expect(checkedOut.length).toBeGreaterThan(0);
  for (const object of checkedOut) {
    const content = readFileSync(path.join(cloned.target, object.path));
    expect(content.equals(object.bytes()), `${object.path}: ${content.subarray(0, 120).toString("latin1")} ${pulled.stderr}`).toBe(true);
  }

  const anonymous = await tryClone(cloneUrl(null, null));
  expect(anonymous.ok).toBe(false);
  expect(anonymous.stderr).toMatch(/Authentication failed|could not read Username|terminal prompts disabled/i);

  const wrong = await tryClone(cloneUrl(usernames.alice, "ferry-pat-not-a-real-token"));
  expect(wrong.ok).toBe(false);

  const stranger = await tryClone(cloneUrl("eve", tokens.eve));
  expect(stranger.ok).toBe(false);
  expect(stranger.stderr).toMatch(/not found/i);

  const revoked = await cliToken(usernames.alice, "read_api");
  expect((await tryClone(cloneUrl(usernames.alice, revoked))).ok).toBe(true);
  await query(`UPDATE personal_access_tokens SET revoked_at = now() WHERE token_prefix = $1`, [revoked.slice(0, 14)]);
  expect((await tryClone(cloneUrl(usernames.alice, revoked))).ok).toBe(false);

  const expiring = await cliToken(usernames.alice, "api", "2099-01-01");
  await query(`UPDATE personal_access_tokens SET expires_at = '2020-01-01' WHERE token_prefix = $1`, [expiring.slice(0, 14)]);
  expect((await tryClone(cloneUrl(usernames.alice, expiring))).ok).toBe(false);
  expect((await call("GET", "/user", expiring)).body).toMatchObject({ error: "invalid_token" });
  expect((await call("GET", "/user", revoked)).body).toMatchObject({ error: "invalid_token" });
});

test("the README's curl examples work as written, adjusted only for host and token", async () => {
  test.setTimeout(120_000);
  // Slow the sandbox down so that the import is still running when the cancel example runs.
  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 300 } });
  try {
    const examples = readmeCurlExamples("### Importing from Bitbucket Cloud");
    expect(examples).toHaveLength(3);
    const runExample = async (block: string, replacements: Record<string, string> = {}) => {
      let command = block.replaceAll("https://ferry.example.com", E2E.appUrl).replaceAll("YOUR_TOKEN", tokens.alice);
      for (const [from, to] of Object.entries(replacements)) command = command.replaceAll(from, to);
      const result = await run("bash", ["-c", command]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    const [start, follow, cancel] = examples as [string, string, string];

    const started = await runExample(start);
    expect(started).toMatchObject({ name: "new_project_name", full_path: "/my_group/my_subgroup/new_project_name", import_source: SHOWCASE_REPOSITORY, import_status: "scheduled" });
    const status = await runExample(follow);
    expect(status).toMatchObject({ id: started.id, path_with_namespace: "my_group/my_subgroup/new_project_name", import_type: "bitbucket", stats: expect.any(Object), failed_relations: [] });
    expect(["scheduled", "started"]).toContain(status.import_status);
    const canceled = await runExample(cancel, { PROJECT_ID: String(started.id) });
    expect(canceled).toMatchObject({ id: started.id, name: "new_project_name" });
    await waitForImport(started.id as number, (value) => value === "canceled", 60_000);
  } finally {
    await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 0 } });
  }
});

test("import errors: parameters, credentials, scopes, disabled source, missing repository, rate limit, body size", async () => {
  const start = { bitbucket_email: alice.email, bitbucket_api_token: alice.apiToken, repo_path: SHOWCASE_REPOSITORY, target_namespace: "errors" };
  expect(await call("POST", "/import/bitbucket", null, start)).toMatchObject({ status: 401, body: { message: "401 Unauthorized" } });
  expect(await call("POST", "/import/bitbucket", tokens.aliceReadOnly, start)).toMatchObject({ status: 403, body: { error: "insufficient_scope" } });
  expect(await call("POST", "/import/bitbucket", tokens.alice, { target_namespace: "errors" })).toMatchObject({ status: 400, body: { error: "repo_path is missing" } });
  expect(await call("POST", "/import/bitbucket", tokens.alice, { ...start, repo_path: 12, target_namespace: { path: "x" } })).toMatchObject({
    status: 400,
    body: { error: "repo_path is invalid (must be a string), target_namespace is invalid (must be a string)" },
  });
  expect(await call("POST", "/import/bitbucket", tokens.alice, { ...start, bitbucket_email: undefined, bitbucket_api_token: undefined, bitbucket_username: "alice", bitbucket_app_password: "app-password" })).toMatchObject({
    status: 401,
    body: { error: "Unable to authorize with Bitbucket. Check your credentials" },
  });
  expect(await call("POST", "/import/bitbucket", tokens.alice, { ...start, bitbucket_api_token: bob.apiToken })).toMatchObject({ status: 401 });
  expect(await call("POST", "/import/bitbucket", tokens.alice, { ...start, repo_path: "acme/does-not-exist" })).toMatchObject({
    status: 422,
    body: { error: "Project acme/does-not-exist could not be found" },
  });
  expect(await call("POST", "/import/bitbucket", tokens.alice, { ...start, target_namespace: TARGET })).toMatchObject({ status: 422 });
  expect(await call("POST", "/import/bitbucket", tokens.alice, { ...start, target_namespace: "eve", taken_namespace: "reject" })).toMatchObject({
    status: 403,
    body: { error: "You are not allowed to import projects in the namespace eve." },
  });

  const big = JSON.stringify({ ...start, padding: "x".repeat(1024 * 1024) });
  expect(await call("POST", "/import/bitbucket", tokens.alice, big, { "content-type": "application/json" })).toMatchObject({ status: 413 });

  await updateInstanceSettings({ importSources: { bitbucket_cloud: false, bitbucket_server: true, github: true } });
  try {
    expect(await call("POST", "/import/bitbucket", tokens.alice, start)).toMatchObject({ status: 403, body: { error: "Importing from Bitbucket Cloud is disabled on this Ferry." } });
  } finally {
    await updateInstanceSettings({ importSources: { bitbucket_cloud: true, bitbucket_server: true, github: true } });
  }

  // With a limit of 1 a minute, a second import within the minute is refused.
  await updateInstanceSettings({ importRateLimitPerMinute: 1 });
  try {
    const small = { ...start, repo_path: "acme/legacy-classic-site", target_namespace: "rate-limited" };
    expect([201, 429]).toContain((await call("POST", "/import/bitbucket", tokens.alice, { ...small, new_name: "first" })).status);
    const limited = await call("POST", "/import/bitbucket", tokens.alice, { ...small, new_name: "second" });
    expect(limited).toMatchObject({ status: 429, body: { error: expect.stringMatching(/too many times/) } });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  } finally {
    await updateInstanceSettings({ importRateLimitPerMinute: 60 });
  }
  expect(await query(`SELECT 1 FROM namespaces WHERE full_path = 'errors'`)).toEqual([]);
});

test("gitbeaker: GitHub refuses a bad GitHub token with 401; a Bitbucket Server on a host Ferry may not reach is a 400", async () => {
  const client = api(tokens.alice);
  const github = await client.Import.importGithubRepository("ghp_token", 12345, "root").catch((error: unknown) => error);
  expect(github).toBeInstanceOf(GitbeakerRequestError);
  expect((github as GitbeakerRequestError).cause?.response.status).toBe(401);
  expect((github as GitbeakerRequestError).cause?.description).toMatch(/Access denied to your GitHub account/);
  const server = await client.Import.importBitbucketServerRepository("https://bitbucket.example.com", "root", "token", "PROJ", "repo").catch((error: unknown) => error);
  expect((server as GitbeakerRequestError).cause?.response.status).toBe(400);
  expect((server as GitbeakerRequestError).cause?.description).toMatch(/not allowed/);
});

test("Profile → Access tokens: create a token (shown once), use it, revoke it", async ({ page }) => {
  await signInWithBitbucket(page, { startPath: "/profile/access_tokens" });
  await expect(page.getByRole("heading", { name: "Access tokens" })).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toContainText(usernames.alice);

  // The browser session reads the API; a write with the session alone, from outside Ferry's pages, is refused.
  const viaSession = await page.request.get("/api/v4/user");
  expect(((await viaSession.json()) as { username: string }).username).toBe(usernames.alice);
  const crossSite = await page.request.post("/api/v4/import/bitbucket/cancel", { data: { project_id: projectId }, headers: { origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(401);

  await page.getByLabel("Token name").fill("browser token");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "could not be created" })).toContainText("Scopes must include api or read_api");

  await page.getByLabel(/^read_api/).check();
  await page.getByLabel(/Expiration date/).fill("2099-12-31");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByLabel("New personal access token");
  await expect(shown).toHaveValue(/^ferry-pat-[A-Za-z0-9_-]{43}$/);
  const token = await shown.inputValue();
  const row = page.getByTestId("token-row").filter({ hasText: "browser token" });
  await expect(row).toHaveAttribute("data-state", "active");
  await expect(row).toContainText("read_api");
  await expect(row).toContainText("2099-12-31");

  expect(await call("GET", "/user", token)).toMatchObject({ status: 200, body: { username: usernames.alice } });
  expect(await call("POST", "/import/bitbucket/cancel", token, { project_id: projectId })).toMatchObject({ status: 403, body: { error: "insufficient_scope" } });

  // Shown once: after a reload only its prefix remains.
  await page.reload();
  await expect(page.getByLabel("New personal access token")).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await expect(row).toContainText(token.slice(0, 14));

  await row.getByRole("button", { name: "Revoke browser token" }).click();
  await row.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(row).toHaveAttribute("data-state", "revoked");
  expect(await call("GET", "/user", token)).toMatchObject({ status: 401, body: { error: "invalid_token" } });
});
