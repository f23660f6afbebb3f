import { expect, test, type Browser, type Page } from "@playwright/test";
import { GITHUB_ACCOUNTS } from "../mocks/github/seed.ts";
import { E2E } from "./environment";
import { collectRepositoryNames, query, repositoryRow, signInWithBitbucket, waitForHydration } from "./support";

/**
 * The GitHub import page: connecting GitHub through the sandbox's consent page, the listing across
 * owned, collaborated and organization repositories, filters, importing the showcase with its
 * people mapped by GitHub user id, Re-import, Cancel, Import all, and the page by keyboard at 390 px.
 */

const IMPORT_TIMEOUT = 180_000;

async function github(pathname: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${E2E.githubSandboxUrl}${pathname}`, {
    method: body === undefined ? "GET" : pathname === "/_sandbox/config" ? "PUT" : "POST",
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`GitHub sandbox ${pathname}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** Nobody in Ferry has these GitHub accounts linked (specs share one Ferry). */
async function unlinkGithub(...ids: number[]) {
  await query("DELETE FROM accounts WHERE provider LIKE 'github%' AND (provider_account_id = ANY($1) OR split_part(provider_account_id, ':', 2) = ANY($1))", [ids.map(String)]);
}

test.beforeAll(async () => {
  await github("/_sandbox/reset", {});
  await unlinkGithub(GITHUB_ACCOUNTS.alice.id, GITHUB_ACCOUNTS.carol.id, GITHUB_ACCOUNTS.daniel.id);
});

test.afterAll(async () => {
  await github("/_sandbox/config", { latencyMs: 0 });
});

/** From the GitHub import page: Connect GitHub and authorize as the sandbox account. */
async function connectGithub(page: Page, account: string) {
  await page.goto("/import/github");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Connect GitHub" }).click();
  await expect(page.getByRole("heading", { name: "Authorize Ferry" })).toBeVisible();
  await page.getByLabel(new RegExp(account)).check();
  await page.getByRole("button", { name: "Authorize" }).click();
  await expect(page).toHaveURL(/\/import\/github/);
  await waitForHydration(page);
}

async function listed(page: Page): Promise<string[]> {
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  return collectRepositoryNames(page);
}

async function show(page: Page, filter: string, choice = "All repositories") {
  await page.getByTestId("github-show").selectOption({ label: choice });
  await page.getByLabel("Filter by name or owner/").fill(filter);
  if (filter) await expect(page).toHaveURL(new RegExp(`filter=${encodeURIComponent(filter)}`));
}

/** Alice on the GitHub import page, GitHub connected (an earlier test of the file connects it; a retried worker starts over). */
async function aliceOnGithubPage(page: Page) {
  await signInWithBitbucket(page, { startPath: "/import/github" });
  if (await page.getByRole("button", { name: "Connect GitHub" }).isVisible()) await connectGithub(page, "Alice Andersson");
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
}

async function newBitbucketUser(browser: Browser, account: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInWithBitbucket(page, { startPath: "/import/github", account });
  return page;
}

test("connect GitHub through the consent page; the listing spans owned, collaborated and organization repositories, and filters narrow it", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signInWithBitbucket(page, { startPath: "/import/github" });
  await expect(page.getByRole("heading", { name: "Connect GitHub" })).toBeVisible();
  await connectGithub(page, "Alice Andersson");
  await expect(page.getByTestId("github-access")).toContainText("Importing as GitHub @alice (connected account)");

  const everything = (await (await fetch(`${E2E.githubSandboxUrl}/user/repos?per_page=100`, { headers: { authorization: `token ${GITHUB_ACCOUNTS.alice.token}` } })).json()) as Array<{ full_name: string }>;
  const names = await listed(page);
  expect(names.sort()).toEqual(everything.map((repository) => repository.full_name).sort());
  expect(names).not.toContain("umbrella/research");
  await expect((await repositoryRow(page, "alice/dotfiles")).getByTestId("repository-relation")).toHaveText("Owned");
  await expect((await repositoryRow(page, "acme/rocket")).getByTestId("repository-relation")).toHaveText("Organization");

  await show(page, "NEBULA");
  expect(await listed(page)).toEqual(["acme/nebula-10", "acme/nebula-3", "acme/nebula-7", "acme/nebula-9"]);
  await show(page, "", "Owned");
  expect(await listed(page)).toEqual(["alice/dotfiles", "alice/secret-notes"]);
  await show(page, "rock", "Organization: acme");
  expect(await listed(page)).toEqual(["acme/rocket"]);

  // The identity is on the account page, keyed by GitHub's user id.
  await page.goto("/profile/account");
  const identity = page.locator('[data-testid="identity"][data-provider="github"]');
  await expect(identity.getByTestId("identity-nickname")).toHaveText("@alice");
  await expect(identity.getByTestId("identity-uuid")).toHaveText(String(GITHUB_ACCOUNTS.alice.id));
  await expect(identity.getByRole("button", { name: "Reconnect GitHub @alice" })).toBeVisible();

  // Carol collaborates on acme/rocket without being in acme, and is in umbrella.
  const bob = await newBitbucketUser(browser, "Bob Brown");
  await connectGithub(bob, "Carol Chen");
  expect((await listed(bob)).sort()).toEqual(["acme/rocket", "umbrella/research"]);
  await expect((await repositoryRow(bob, "acme/rocket")).getByTestId("repository-relation")).toHaveText("Collaborator");
  await show(bob, "", "Collaborated");
  expect(await listed(bob)).toEqual(["acme/rocket"]);
  await show(bob, "", "Organization: umbrella");
  expect(await listed(bob)).toEqual(["umbrella/research"]);
  await bob.context().close();
});

test("import the showcase into a new group with a renamed collaborator mapped, then Re-import it with a new name", async ({ page }) => {
  test.setTimeout(IMPORT_TIMEOUT * 2);
  // bob linked Daniel's GitHub account while it was still called "dan".
  const [bob] = await query<{ id: string }>("SELECT id FROM users WHERE username = 'bob'");
  await query("INSERT INTO accounts (id, user_id, type, provider, provider_account_id, nickname, updated_at) VALUES ('e2e-github-daniel', $1, 'oauth', 'github', $2, 'dan', now())", [
    bob!.id,
    String(GITHUB_ACCOUNTS.daniel.id),
  ]);
  await aliceOnGithubPage(page);
  await show(page, "acme/rocket");
  const row = await repositoryRow(page, "acme/rocket");

  await row.getByRole("button", { name: "Options for acme/rocket" }).click();
  const mapping = row.getByTestId("mapping-summary");
  await expect(mapping).toContainText(/\d+ of \d+ collaborators and contributors mapped to Ferry users/);
  await mapping.getByRole("button").click();
  await expect(mapping.getByTestId("mapped-member").filter({ hasText: "@daniel" })).toHaveText("@daniel → @bob");
  await expect(mapping.getByTestId("unmapped-member").filter({ hasText: "@erin" })).toHaveCount(1);
  // Optional stages are per row: attachments on, collaborators on by default.
  await row.getByLabel("Attachments linked in descriptions and comments").check();
  await expect(row.getByLabel("Collaborators as project members (mapped users only)")).toBeChecked();

  await row.getByLabel("Target namespace for acme/rocket").fill("gh-showcase");
  await expect(row.getByTestId("new-group-hint")).toHaveText("New group gh-showcase: it will be created, with you as Owner.");
  await row.getByRole("button", { name: "Import acme/rocket" }).click();
  await expect(row.getByTestId("last-imported")).toHaveText("Last imported to gh-showcase/rocket");
  await expect(row.getByTestId("import-status")).toHaveText("Complete", { timeout: IMPORT_TIMEOUT });

  // Daniel's pull request #5 is bob's in Ferry: mapped by the GitHub user id, not the login.
  const [pull] = await query<{ username: string }>(
    "SELECT u.username FROM merge_requests m JOIN projects p ON p.id = m.project_id JOIN users u ON u.id = m.author_id WHERE p.full_path = 'gh-showcase/rocket' AND m.iid = 5",
  );
  expect(pull?.username).toBe("bob");

  await row.getByRole("button", { name: "Re-import acme/rocket" }).click();
  await row.getByLabel("Project name for acme/rocket").fill("rocket-again");
  await row.getByRole("button", { name: "Re-import acme/rocket" }).click();
  await expect(row.getByTestId("last-imported")).toHaveText("Last imported to gh-showcase/rocket-again");
  await expect(row.getByTestId("import-status")).toHaveText("Complete", { timeout: IMPORT_TIMEOUT });
  const copies = await query<{ full_path: string }>("SELECT p.full_path FROM projects p JOIN project_imports i ON i.project_id = p.id WHERE i.source = 'github' AND i.source_repository = 'acme/rocket' ORDER BY p.id");
  expect(copies.map((copy) => copy.full_path)).toEqual(expect.arrayContaining(["gh-showcase/rocket", "gh-showcase/rocket-again"]));

  // Pull request #7's page shows its labels, milestone and assignees (its first assignee, carol's
  // GitHub account, is bob's in Ferry: bob connected it in the first test).
  const [bobUser] = await query<{ name: string }>("SELECT name FROM users WHERE username = 'bob'");
  await page.goto("/gh-showcase/rocket/-/merge_requests/7");
  const details = page.getByRole("complementary", { name: "Merge request details" });
  await expect(details.getByTestId("label-chip")).toHaveText(["enhancement", "priority: high"]);
  await expect(details.getByTestId("milestone")).toHaveText("v1.1");
  await expect(details.getByTestId("assignees").getByRole("listitem").first()).toContainText(bobUser!.name);
});

test("keyboard only, 390 px wide: every row action is reachable and labelled", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await aliceOnGithubPage(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.getByLabel("Filter by name or owner/").focus();
  await page.keyboard.type("pulsar-6");
  await expect(page.getByTestId("repository-row")).toHaveCount(1);
  const reached: string[] = [];
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent?.trim() ?? "");
  const inRow = () => page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="repository-row"]')));
  // Tab reaches the row once; the arrows walk its controls.
  for (let step = 0; step < 30 && !reached.includes("Options for acme/pulsar-6"); step++) {
    await page.keyboard.press((await inRow()) ? "ArrowRight" : "Tab");
    reached.push(await focused());
  }
  expect(reached).toEqual(expect.arrayContaining(["Target namespace for acme/pulsar-6", "Project name for acme/pulsar-6", "Import acme/pulsar-6", "Options for acme/pulsar-6"]));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("GitHub users without a Ferry account")).toBeFocused();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // Back to the row's Import button, and import by keyboard.
  await page.keyboard.press("Shift+Tab");
  for (let step = 0; step < 10 && (await focused()) !== "Import acme/pulsar-6"; step++) await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Enter");
  const row = page.locator('[data-testid="repository-row"][data-full-name="acme/pulsar-6"]');
  await expect(row.getByTestId("last-imported")).toHaveText("Last imported to alice/pulsar-6");
  await context.close();
});

test("cancel one import, then Import all over a filter of 10", async ({ page }) => {
  test.setTimeout(IMPORT_TIMEOUT * 2);
  await aliceOnGithubPage(page);
  await show(page, "pulsar-4");
  const pulsar = await repositoryRow(page, "acme/pulsar-4");
  await github("/_sandbox/config", { latencyMs: 1500 });
  await pulsar.getByRole("button", { name: "Import acme/pulsar-4" }).click();
  const cancel = pulsar.getByRole("button", { name: "Cancel import of acme/pulsar-4" });
  await expect(cancel).toBeVisible({ timeout: 30_000 });
  await cancel.click();
  await expect(pulsar.getByTestId("import-status")).toHaveText("Cancelled", { timeout: 60_000 });
  await github("/_sandbox/config", { latencyMs: 0 });

  // acme's twelve generated repositories, less the one cancelled above and the one imported by keyboard.
  await show(page, "-", "Organization: acme");
  await page.getByRole("button", { name: /^Import all/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Import 10 repositories" }).click();
  const summary = page.getByTestId("import-all-summary");
  await expect(summary).toContainText("(of 10)");
  // Every one of them ends, complete or with its failed items listed; the ledger says what a partial one missed.
  await expect(summary).toHaveText(/^Import all: \d+ complete(, \d+ partially completed)? \(of 10\)$/, { timeout: IMPORT_TIMEOUT });
  const statuses = await query<{ repository: string; status: string }>(
    "SELECT i.source_repository AS repository, i.status::text AS status FROM project_imports i WHERE i.source = 'github' AND i.source_repository LIKE 'acme/%-%' AND i.source_repository NOT IN ('acme/pulsar-4', 'acme/pulsar-6')",
  );
  expect(statuses).toHaveLength(10);
  expect(statuses.filter((entry) => entry.status !== "finished" && entry.status !== "partial")).toEqual([]);
  const failures = await query<{ repository: string; type: string; message: string }>(
    "SELECT i.source_repository AS repository, f.object_type AS type, f.message FROM import_failures f JOIN project_imports i ON i.id = f.import_id WHERE i.source = 'github' AND i.status = 'partial'",
  );
  for (const failure of failures) test.info().annotations.push({ type: "partial import", description: `${failure.repository} ${failure.type}: ${failure.message}` });
});
