import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Gitlab } from "@gitbeaker/rest";
import { expect, test } from "@playwright/test";
import { SERVER_USERS } from "../mocks/bitbucket-server/seed.ts";
import { E2E } from "./environment";
import { createLocalUser, signInWithPassword, waitForHydration } from "./support";

/**
 * Importing from Bitbucket Server: the page (connect, list, filter, import into a new group,
 * Complete, a merge request with a threaded inline discussion), the README's curl example and
 * @gitbeaker/rest, against the Bitbucket Server sandbox the demo starts.
 */

test.describe.configure({ mode: "serial" });

const root = path.resolve(import.meta.dirname, "..");

/** An access token of a local user, made the way the README says (`npx ferry tokens create`). */
async function accessToken(username: string): Promise<string> {
  const { stdout } = await promisify(execFile)("npx", ["ferry", "tokens", "create", "--user", username, "--name", "bitbucket-server-e2e", "--scopes", "api"], { cwd: root, env: { ...process.env, DATA_DIR: E2E.dataDir } });
  return stdout.trim().split("\n").pop()!;
}

/** One administrator for the whole file: the page, the curl example (its `root` is a server administrator too) and gitbeaker. */
const USER = "bbs-admin";
let token = "";

test.beforeAll(async () => {
  await createLocalUser(USER, { admin: true });
  token = await accessToken(USER);
});

async function importStatus(token: string, projectId: number): Promise<string> {
  const response = await fetch(`${E2E.appUrl}/api/v4/projects/${projectId}/import`, { headers: { "private-token": token } });
  return ((await response.json()) as { import_status: string }).import_status;
}

async function expectImportFinished(token: string, projectId: number) {
  await expect.poll(() => importStatus(token, projectId), { timeout: 90_000, intervals: [500] }).toBe("finished");
}

test("connect a server, filter, import into a new group and read a threaded inline discussion", async ({ page }) => {
  test.setTimeout(180_000);
  await signInWithPassword(page, USER);
  await page.goto("/import/bitbucket_server");
  await waitForHydration(page);
  await page.getByLabel("Server URL").fill(E2E.bitbucketServerUrl);
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Personal access token").fill(SERVER_USERS.alice.token);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page.getByTestId("bitbucket-server-connection")).toContainText("alice");

  const showcase = page.locator('[data-testid="repository-row"][data-full-name="ACME/showcase"]');
  await expect(showcase).toBeVisible();
  await expect(page.locator('[data-testid="repository-row"][data-full-name="ACME/api-01"]')).toBeVisible();
  await page.getByLabel("Filter by repository name").fill("showcase");
  await expect(page).toHaveURL(/filter=showcase/);
  await expect(page.locator('[data-testid="repository-row"][data-full-name="ACME/api-01"]')).toHaveCount(0);
  await expect(showcase).toBeVisible();

  await showcase.getByLabel("Target namespace for ACME/showcase").fill("server-team");
  await showcase.getByRole("button", { name: "Import ACME/showcase", exact: true }).click();
  await expect(showcase.getByText("Complete")).toBeVisible({ timeout: 120_000 });

  await page.goto("/server-team/showcase/-/merge_requests/1");
  const inline = page.getByTestId("discussion").filter({ hasText: "Why a new file for this?" });
  await expect(inline.getByTestId("diff-position")).toContainText("src/login.ts");
  await expect(inline).toContainText("It keeps app.ts small.");
  await expect(page.getByTestId("discussion").filter({ hasText: "Looks good overall" })).toContainText("The docs need an update.");
});

test("the README's Bitbucket Server curl example runs as written, adjusted only for hosts and token", async () => {
  test.setTimeout(120_000);
  const readme = readFileSync(path.resolve(root, "README.md"), "utf8");
  const example = [...readme.matchAll(/```shell\n([\s\S]*?)```/g)].map((match) => match[1]!).find((block) => block.includes("/import/bitbucket_server"))!;
  const command = example.replaceAll("https://ferry.example.com", E2E.appUrl).replaceAll("YOUR_TOKEN", token).replaceAll("http://localhost:4030", E2E.bitbucketServerUrl);
  const { stdout } = await promisify(execFile)("bash", ["-c", command]);
  const started = JSON.parse(stdout) as { id: number; name: string; import_source: string; import_status: string };
  expect(started).toMatchObject({ name: "NEW-NAME", import_source: "NEW/my-repo", import_status: "scheduled" });
  await expectImportFinished(token, started.id);
});

test("@gitbeaker/rest's importBitbucketServerRepository starts an import that finishes", async () => {
  test.setTimeout(120_000);
  const api = new Gitlab({ host: E2E.appUrl, token });
  const started = (await api.Import.importBitbucketServerRepository(E2E.bitbucketServerUrl, "alice", SERVER_USERS.alice.token, "ACME", "web-02", { newName: "web-copy" })) as unknown as { id: number; import_source: string };
  expect(started.import_source).toBe("ACME/web-02");
  await expectImportFinished(token, started.id);
});
