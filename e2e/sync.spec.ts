import { expect, test } from "@playwright/test";
import { SHOWCASE_REPOSITORY } from "../mocks/bitbucket/showcase.ts";
import { GITHUB_ACCOUNTS } from "../mocks/github/seed.ts";
import { E2E } from "./environment";
import { query, sandbox, signInWithBitbucket, waitForHydration } from "./support";

/**
 * Sync until cut-over, on one imported project: a change at the source shows in Preview, Sync now
 * brings it, Keep in sync brings a later one by itself (a "minute" is shortened for the run, see
 * playwright.config.ts), and Cut over stops it. And a GitHub import: Sync now brings a comment made
 * at GitHub after the import.
 */

async function comment(content: string) {
  const [workspace, slug] = SHOWCASE_REPOSITORY.split("/");
  await sandbox(`/_sandbox/repositories/${workspace}/${slug}/changes`, { method: "POST", body: { changes: [{ type: "comment", pull_request: 5, content, user: "bob" }] } });
}

test("preview, sync now, keep in sync, cut over", async ({ page }) => {
  test.setTimeout(150_000);
  await sandbox("/_sandbox/reset", { method: "POST" });
  await sandbox("/_sandbox/config", { method: "PUT", body: { issuesRemoved: false } });
  await signInWithBitbucket(page);
  await page.getByLabel("Filter by name").fill("rocket-launcher");
  const row = page.locator(`[data-full-name="${SHOWCASE_REPOSITORY}"]`);
  const importButton = row.getByRole("button", { name: `Import ${SHOWCASE_REPOSITORY}`, exact: true });
  const details = row.getByRole("link", { name: /^Import details of / });
  await expect(importButton.or(details)).toBeVisible();
  if (await importButton.isVisible()) await importButton.click();
  await expect(row.getByRole("button", { name: `Sync ${SHOWCASE_REPOSITORY} now` })).toBeVisible({ timeout: 120_000 });
  const projectPath = ((await details.getAttribute("aria-label")) ?? "").replace("Import details of ", "");
  await details.click();
  await expect(page.getByTestId("import-details")).toHaveAttribute("data-status", /finished|partial/);

  await comment("Written at the source after the import");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("sync-preview")).toContainText("Pull requests: 0 new, 1 updated");

  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("last-sync")).toHaveAttribute("data-status", "finished", { timeout: 60_000 });
  await expect(page.locator('[data-testid="sync-count-row"][data-object-type="pull_request_note"]')).toContainText("1");
  const mergeRequest = `/${projectPath}/-/merge_requests/5`;
  await page.goto(mergeRequest);
  await expect(page.getByText("Written at the source after the import")).toBeVisible();

  await page.goto(`/${projectPath}/-/import`);
  await page.getByLabel("Sync interval in minutes").fill("1");
  await page.getByRole("button", { name: "Keep in sync" }).click();
  await expect(page.getByTestId("sync-schedule")).toContainText("Kept in sync every 1 minute");
  await comment("Written at the source while kept in sync");
  await expect(async () => {
    await page.goto(mergeRequest);
    await expect(page.getByText("Written at the source while kept in sync")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });

  await page.goto(`/${projectPath}/-/import`);
  await page.getByRole("button", { name: "Cut over" }).click();
  await page.getByRole("button", { name: "Confirm cut over" }).click();
  await expect(page.getByTestId("sync-schedule")).toContainText("Cut over");
  await expect(page.getByTestId("sync-controls")).toHaveCount(0);
  const [state] = await query<{ cut_over_at: Date | null; next_sync_at: Date | null; sync_interval_minutes: number | null }>(
    "SELECT cut_over_at, next_sync_at, sync_interval_minutes FROM project_imports i JOIN projects p ON p.id = i.project_id WHERE p.full_path = $1",
    [projectPath],
  );
  expect(state).toMatchObject({ next_sync_at: null, sync_interval_minutes: null });
  expect(state!.cut_over_at).not.toBeNull();
  await sandbox("/_sandbox/reset", { method: "POST" });
});

async function github(pathname: string, body: unknown) {
  const response = await fetch(`${E2E.githubSandboxUrl}${pathname}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`GitHub sandbox ${pathname}: ${response.status} ${await response.text()}`);
}

test("a GitHub import: preview and Sync now bring a comment written at GitHub", async ({ page }) => {
  test.setTimeout(150_000);
  await github("/_sandbox/reset", {});
  // Alice's GitHub account is hers alone in Ferry (other specs link it elsewhere).
  await query("DELETE FROM accounts WHERE provider LIKE 'github%' AND (provider_account_id = $1 OR split_part(provider_account_id, ':', 2) = $1)", [String(GITHUB_ACCOUNTS.alice.id)]);
  // Earlier imports of acme/rocket read with the GitHub link just removed: this test makes its own.
  await query("DELETE FROM projects WHERE id IN (SELECT project_id FROM project_imports WHERE source = 'github' AND source_repository = 'acme/rocket')");
  await signInWithBitbucket(page, { startPath: "/import/github" });
  await waitForHydration(page);
  await page.getByRole("button", { name: "Connect GitHub" }).click();
  await page.getByLabel(/Alice Andersson/).check();
  await page.getByRole("button", { name: "Authorize" }).click();
  await expect(page).toHaveURL(/\/import\/github/);
  await waitForHydration(page);
  await page.getByLabel("Filter by name or owner/").fill("acme/rocket");
  // The filter leaves one row, rendered without scrolling once the filtered listing arrives.
  const row = page.locator('[data-testid="repository-row"][data-full-name="acme/rocket"]');
  await expect(row).toBeVisible({ timeout: 30_000 });
  const importButton = row.getByRole("button", { name: "Import acme/rocket", exact: true });
  const details = row.getByRole("link", { name: /^Import details of / });
  await row.getByLabel("Target namespace for acme/rocket").fill("gh-sync");
  await importButton.click();
  await expect(row.getByRole("button", { name: "Sync acme/rocket now" })).toBeVisible({ timeout: 120_000 });
  const projectPath = ((await details.getAttribute("aria-label")) ?? "").replace("Import details of ", "");
  await details.click();

  await github("/_sandbox/repositories/acme/rocket/changes", { changes: [{ type: "comment", number: 8, body: "Written at GitHub after the import", user: "bob" }] });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("sync-preview")).toContainText("Issues: 0 new, 1 updated");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("last-sync")).toHaveAttribute("data-status", "finished", { timeout: 60_000 });
  await expect(page.locator('[data-testid="sync-count-row"][data-object-type="issue_note"]')).toContainText("1");
  await page.goto(`/${projectPath}/-/issues/8`);
  await expect(page.getByText("Written at GitHub after the import")).toBeVisible();
  await github("/_sandbox/reset", {});
});
