import { expect, test } from "@playwright/test";
import { SHOWCASE_REPOSITORY, showcaseExpectations } from "../mocks/bitbucket/showcase.ts";
import { sandbox, signInWithBitbucket } from "./support";

const expected = showcaseExpectations();

test.beforeEach(async () => {
  await sandbox("/_sandbox/reset", { method: "POST" });
  await sandbox("/_sandbox/config", { method: "PUT", body: { issuesRemoved: false } });
});

test("import a repository from the import page and browse what arrived", async ({ page }) => {
  test.setTimeout(180_000);
  await signInWithBitbucket(page);
  await page.getByLabel("Filter by name").fill("rocket-launcher");
  await expect(page).toHaveURL(/filter=rocket-launcher/);
  await expect(page.getByTestId("repository-row")).toHaveCount(2);
  const row = page.locator(`[data-full-name="${SHOWCASE_REPOSITORY}"]`);
  await row.getByRole("button", { name: `Import ${SHOWCASE_REPOSITORY}`, exact: true }).click();
  await expect(row.getByRole("link", { name: "alice/rocket-launcher", exact: true })).toBeVisible();
  await row.getByRole("link", { name: "Import details of alice/rocket-launcher" }).click();

  const details = page.getByTestId("import-details");
  await expect(details).toHaveAttribute("data-status", "finished", { timeout: 120_000 });
  await expect(page.getByTestId("failure-row")).toHaveCount(0);
  await expect(page.locator('[data-testid="progress-row"][data-object-type="pull_request"]')).toContainText(String(expected.pullRequests.length));

  await page.goto("/alice/rocket-launcher");
  await expect(page.getByTestId("project-page")).toContainText("Private");
  await expect(page.getByTestId("project-page")).toContainText(expected.mainbranch);
  await expect(page.getByTestId("ref-counts")).toContainText(String(Object.keys(expected.branches).length));

  await page.goto("/alice/rocket-launcher/-/issues?state=all");
  await expect(page.getByTestId("issue-row")).toHaveCount(Math.min(expected.issues.length, 20));
  await expect(page.getByTestId("imported-badge").first()).toBeVisible();

  const approved = expected.pullRequests.find((pr) => pr.approvedBy.length > 0)!;
  await page.goto(`/alice/rocket-launcher/-/merge_requests/${approved.id}`);
  await expect(page.getByText(/Approved by/)).toBeVisible();
  const withInline = expected.pullRequests.find((pr) => pr.inlineComments > 0)!;
  await page.goto(`/alice/rocket-launcher/-/merge_requests/${withInline.id}`);
  await expect(page.getByTestId("discussion").first()).toBeVisible();

  await page.goto("/alice/rocket-launcher/-/wikis");
  await expect(page.getByTestId("wiki-page-link")).toHaveCount(expected.wikiPages.length);

  // A missing item inside a readable project is a real 404, shown inside the project's shell.
  for (const missing of ["/-/issues/99999", "/-/merge_requests/99999", "/-/wikis/no-such-page"]) {
    const response = await page.goto(`/alice/rocket-launcher${missing}`);
    expect(response?.status(), missing).toBe(404);
    await expect(page.getByText("This page doesn't exist in this project")).toBeVisible();
  }
});

test("a public imported project clones over HTTP from Ferry", async ({ page }) => {
  test.setTimeout(180_000);
  const { execFileSync } = await import("node:child_process");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = await import("node:path");
  await signInWithBitbucket(page);
  await page.getByLabel("Filter by name").fill("classic");
  await expect(page.getByTestId("repository-row")).toHaveCount(1);
  const row = page.locator('[data-full-name="acme/legacy-classic-site"]');
  await row.getByRole("button", { name: "Import acme/legacy-classic-site" }).click();
  await row.getByRole("link", { name: "Import details of alice/legacy-classic-site" }).click();
  await expect(page.getByTestId("import-details")).toHaveAttribute("data-status", "finished", { timeout: 120_000 });

  const target = path.join(mkdtempSync(path.join(tmpdir(), "ferry-clone-")), "clone");
  const baseUrl = test.info().project.use.baseURL!;
  execFileSync("git", ["clone", "--", `${baseUrl}/alice/legacy-classic-site.git`, target], { env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
  const branches = execFileSync("git", ["-C", target, "branch", "-r"], { encoding: "utf8" });
  expect(branches).toMatch(/origin\/develop/);
  // A private project is not served to an anonymous client.
  expect(() =>
    execFileSync("git", ["ls-remote", "--", `${baseUrl}/alice/rocket-launcher.git`], { env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, stdio: "pipe" }),
  ).toThrow();
});
