import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Gitlab } from "@gitbeaker/rest";
import { expect, test } from "@playwright/test";
import { GITHUB_ACCOUNTS } from "../mocks/github/seed.ts";
import { showcaseExpectations, showcaseLfsObjects } from "../mocks/github/showcase.ts";
import { E2E } from "./environment";
import { cliToken, query, readmeCurlExamples, run } from "./support";

/**
 * GitHub imports through Ferry's GitLab-compatible API, driven by @gitbeaker/rest, curl and git,
 * against the running app and the GitHub sandbox `npm run demo` starts. No browser.
 */

test.describe.configure({ mode: "serial" });

const expected = showcaseExpectations();
const githubToken = GITHUB_ACCOUNTS.alice.token!;
const tokens = { root: "", alice: "" };
let specStartedAt = new Date();

const api = (token: string) => new Gitlab({ host: E2E.appUrl, token });

async function call(method: string, pathname: string, token: string, body?: unknown) {
  const response = await fetch(`${E2E.appUrl}/api/v4${pathname}`, {
    method,
    headers: { "private-token": token, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

async function waitForImport(id: number, done: (status: string) => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await api(tokens.alice).ProjectImportExports.showImportStatus(id)) as unknown as Record<string, unknown>;
    if (done(String(status.import_status))) return status;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${String(status.import_status)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

test.beforeAll(async () => {
  specStartedAt = new Date();
  const [root] = await query("SELECT id FROM users WHERE username = 'root'");
  if (!root) {
    await promisify(execFile)("npx", ["ferry", "users", "create", "--username", "root", "--email", "root@ferry.test", "--name", "Administrator", "--password", "correct horse battery staple", "--admin"], {
      env: { ...process.env, DATA_DIR: E2E.dataDir },
      encoding: "utf8",
    });
  }
  tokens.root = await cliToken("root");
  // alice links her GitHub account (by its user id) through the admin API, as an administrator would.
  const found = await call("GET", `/users?provider=github&extern_uid=${GITHUB_ACCOUNTS.alice.id}`, tokens.root);
  let username = (found.body as unknown as Array<{ username: string }>)[0]?.username;
  if (!username) {
    const created = await call("POST", "/users", tokens.root, { username: "gh-alice", email: "gh-alice@ferry.test", name: "Alice (GitHub)", password: "correct horse battery staple", provider: "github", extern_uid: String(GITHUB_ACCOUNTS.alice.id) });
    expect(created.status).toBe(201);
    username = "gh-alice";
  }
  tokens.alice = await cliToken(username);
});

test.afterAll(async () => {
  await query("DELETE FROM projects WHERE created_at >= $1", [specStartedAt]);
});

test("@gitbeaker starts a GitHub import, follows it to the end and reads the data back; git clones the private project with LFS", async () => {
  test.setTimeout(150_000);
  const client = api(tokens.alice);
  const started = (await client.Import.importGithubRepository(githubToken, expected.id, "gh-alice", { newName: "rocket-from-github" })) as unknown as Record<string, unknown>;
  expect(started).toMatchObject({ name: "rocket-from-github", import_source: expected.repository, import_status: "scheduled" });
  const id = started.id as number;
  const status = await waitForImport(id, (value) => !["scheduled", "started"].includes(value));
  expect(status).toMatchObject({ import_status: "finished", import_type: "github", failed_relations: [] });
  expect((status.stats as { imported: Record<string, number> }).imported).toMatchObject({ pull_request: expected.pullRequests.length, issue: expected.issues.length, diff_note: expected.reviewComments });

  const issues = (await client.Issues.all({ projectId: id })) as unknown as Array<{ iid: number }>;
  expect(issues.map((issue) => issue.iid).sort((a, b) => a - b)).toEqual(expected.issues);
  const mergeRequests = (await client.MergeRequests.all({ projectId: id })) as unknown as Array<{ iid: number; state: string; draft: boolean }>;
  expect(mergeRequests.map((mr) => mr.iid).sort((a, b) => a - b)).toEqual(expected.pullRequests);
  expect(mergeRequests.find((mr) => mr.iid === 4)?.state).toBe("merged");
  const branches = await call("GET", `/projects/${id}/protected_branches`, tokens.alice);
  expect((branches.body as unknown as Array<{ name: string }>).map((branch) => branch.name)).toEqual(expected.protectedBranches);

  const url = new URL(`${E2E.appUrl}/gh-alice/rocket-from-github.git`);
  url.username = "gh-alice";
  url.password = tokens.alice;
  const target = path.join(mkdtempSync(path.join(tmpdir(), "ferry-github-clone-")), "clone");
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_LFS_SKIP_SMUDGE: "1", GIT_CONFIG_NOSYSTEM: "1", HOME: mkdtempSync(path.join(tmpdir(), "ferry-git-home-")) };
  const clone = await run("git", ["clone", "--quiet", "--", url.href, target], env);
  expect(clone.code, clone.stderr).toBe(0);
  // LFS content comes through the same credentials: every LFS file has the source's bytes.
  const lfsEnv = { ...env, GIT_LFS_SKIP_SMUDGE: "0" };
  expect((await run("git", ["-C", target, "lfs", "install", "--local"], lfsEnv)).code).toBe(0);
  const pulled = await run("git", ["-C", target, "lfs", "pull"], lfsEnv);
  expect(pulled.code, pulled.stderr).toBe(0);
  for (const object of showcaseLfsObjects()) {
    const file = path.join(target, object.path);
    expect(existsSync(file), object.path).toBe(true);
    expect(readFileSync(file).equals(object.bytes()), object.path).toBe(true);
  }
  expect((await run("git", ["--git-dir", path.join(target, ".git"), "ls-remote", "--", url.href, "refs/merge-requests/5/head"], env)).stdout).toMatch(/merge-requests\/5\/head/);
});

test("the README's GitHub curl examples work as written, adjusted only for host and tokens", async () => {
  test.setTimeout(90_000);
  const examples = readmeCurlExamples("### Importing from GitHub");
  expect(examples).toHaveLength(2);
  const runExample = async (block: string, replacements: Record<string, string>) => {
    let command = block.replaceAll("https://ferry.example.com", E2E.appUrl).replaceAll("YOUR_TOKEN", tokens.alice).replaceAll("http://localhost:4020", E2E.githubSandboxUrl);
    for (const [from, to] of Object.entries(replacements)) command = command.replaceAll(from, to);
    const result = await run("bash", ["-c", command]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };
  const [start, cancel] = examples as [string, string];
  // The example's personal access token is the sandbox's, and "group/subgroup" is created for the caller.
  const started = await runExample(start, {});
  expect(started).toMatchObject({ name: "NEW-NAME", full_path: "/group/subgroup/NEW-NAME", import_source: expected.repository, import_status: "scheduled" });
  const canceled = await runExample(cancel, { "12345": String(started.id) });
  expect(canceled.id).toBe(started.id);
  expect(["canceled", "finished"]).toContain(String((await waitForImport(started.id as number, (value) => !["scheduled", "started"].includes(value))).import_status));
});
