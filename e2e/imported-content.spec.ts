import { expect, test, type BrowserContext } from "@playwright/test";
import { SANDBOX_ACCOUNTS } from "../mocks/bitbucket/seed.ts";
import { SHOWCASE_REPOSITORY } from "../mocks/bitbucket/showcase.ts";
import { E2E } from "./environment";
import { cliToken, query, sandbox, signInWithBitbucket } from "./support";

/**
 * What imported text looks like once it is in Ferry: Creole issue descriptions, wiki links,
 * references between issues, an issue's change history, and a wiki Bitbucket no longer serves.
 * The showcase is imported once (through the API, so the picker stays out of it) and browsed.
 */

test.describe.configure({ mode: "serial" });

const NAMESPACE = "imported-content";
const SHOWCASE = `${NAMESPACE}/rocket-launcher`;
const WIKI_REMOVED = `${NAMESPACE}/catalog-app`;
const { alice } = SANDBOX_ACCOUNTS;
let specStartedAt = new Date();
let token = "";
let cookies: Awaited<ReturnType<BrowserContext["cookies"]>> = [];

const api = (method: string, pathname: string, body?: unknown) =>
  fetch(`${E2E.appUrl}/api/v4${pathname}`, {
    method,
    headers: { "private-token": token, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

/** Starts importing a repository of alice's into NAMESPACE; returns the project id. */
async function startImport(repository: string): Promise<number> {
  const started = await api("POST", "/import/bitbucket", { bitbucket_email: alice.email, bitbucket_api_token: alice.apiToken, repo_path: repository, target_namespace: NAMESPACE });
  expect(started.status).toBe(201);
  return ((await started.json()) as { id: number }).id;
}

async function importFinished(projectId: number): Promise<void> {
  await expect
    .poll(async () => ((await (await api("GET", `/projects/${projectId}/import`)).json()) as { import_status: string }).import_status, { timeout: 120_000, intervals: [500] })
    .toBe("finished");
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  specStartedAt = new Date();
  await sandbox("/_sandbox/reset", { method: "POST" });
  await sandbox("/_sandbox/config", { method: "PUT", body: { issuesRemoved: false, wikisRemoved: false } });
  const context = await browser.newContext();
  await signInWithBitbucket(await context.newPage());
  cookies = await context.cookies();
  await context.close();
  const [user] = await query<{ username: string }>(
    "SELECT u.username FROM users u JOIN accounts a ON a.user_id = u.id WHERE a.provider = 'bitbucket' AND a.provider_account_id = $1",
    [alice.uuid],
  );
  token = await cliToken(user!.username);
  const showcase = await startImport(SHOWCASE_REPOSITORY);
  // Once the showcase has its wiki, Bitbucket removes wikis: the next repository's wiki URL answers 404.
  await expect
    .poll(async () => (await query("SELECT 1 FROM import_progress p JOIN project_imports i ON i.id = p.import_id WHERE i.project_id = $1 AND p.object_type = 'wiki' AND p.imported = 1", [showcase])).length, { timeout: 60_000, intervals: [250] })
    .toBe(1);
  await sandbox("/_sandbox/config", { method: "PUT", body: { wikisRemoved: true } });
  const wikiRemoved = await startImport("acme/catalog-app");
  await importFinished(showcase);
  await importFinished(wikiRemoved);
});

test.afterAll(async () => {
  await sandbox("/_sandbox/config", { method: "PUT", body: { wikisRemoved: false } });
  // Later specs import the same repositories from the import page, where these projects would show as "Last imported to".
  await query("DELETE FROM projects WHERE created_at >= $1", [specStartedAt]);
});

test.beforeEach(async ({ context }) => {
  await context.addCookies(cookies);
});

test("a Creole issue description reads as formatted text", async ({ page }) => {
  await page.goto(`/${SHOWCASE}/-/issues/10`);
  const description = page.getByRole("region", { name: "Description" });
  await expect(description.getByRole("heading", { name: "Steps" })).toBeVisible();
  await expect(description.getByRole("listitem")).toHaveText(["upgrade the runtime", "run the full test suite"]);
  await expect(description.locator("pre code")).toHaveText("nvm install 20\n");
  await expect(description).not.toContainText("==");
  await expect(description).not.toContainText("{{{");
});

test("a wiki link [[Setup Guide]] opens that page, and issue #3 links to the issue", async ({ page }) => {
  await page.goto(`/${SHOWCASE}/-/wikis/Home`);
  await expect(page.getByTestId("wiki-content")).not.toContainText("[[");
  await expect(page.getByTestId("wiki-content").getByRole("link", { name: "issue #3" })).toHaveAttribute("href", `/${SHOWCASE}/-/issues/3`);
  await page.getByTestId("wiki-content").getByRole("link", { name: "Setup Guide" }).click();
  await expect(page).toHaveURL(new RegExp(`/${SHOWCASE}/-/wikis/Setup%20Guide$`));
  await expect(page.locator("#wiki-title")).toHaveText("Setup Guide");
});

test("an issue shows its change history as system notes, its state as a status label, and #1 links to issue 1", async ({ page }) => {
  await page.goto(`/${SHOWCASE}/-/issues/8`);
  await expect(page.getByTestId("system-note")).toContainText("changed status from new to duplicate");
  await expect(page.locator('[data-testid="label-chip"][data-label="status::duplicate"]')).toBeVisible();
  await page.getByRole("link", { name: "#1", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/${SHOWCASE}/-/issues/1$`));
  await expect(page.getByRole("heading", { level: 1, name: "Countdown skips the last second" })).toBeVisible();
});

test("a wiki Bitbucket no longer serves is a skip on the Import tab, not a failure", async ({ page }) => {
  await page.goto(`/${WIKI_REMOVED}/-/import`);
  await expect(page.getByTestId("import-details")).toHaveAttribute("data-status", "finished");
  const wiki = page.locator('[data-testid="progress-row"][data-object-type="wiki"]');
  await expect(wiki.getByRole("cell")).toHaveText(["1", "0", "0", "0", "1"]);
  await expect(page.getByTestId("import-messages")).toContainText("Wiki skipped: Bitbucket no longer serves the wiki of this repository.");
  await expect(page.getByTestId("failures-empty")).toBeVisible();
  await expect(page.getByRole("button", { name: "Retry failed items" })).toHaveCount(0);
});
