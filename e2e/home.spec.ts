import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { showcaseExpectations } from "../mocks/bitbucket/showcase.ts";
import { importShowcaseInto, removeImport } from "./destination";
import { E2E } from "./environment";
import { expectNoHorizontalScroll, expectNoSeriousA11yViolations, query } from "./support";

/**
 * After an import, the destination: the dashboard lists it, its group has a page, the repository
 * browser shows files with line anchors and commits with their diffs, the merge request's Changes
 * tab shows diff notes at their lines, every link the import wrote resolves, the pages fit 390 px
 * and have no serious accessibility violations. One import (through the API) serves every test.
 */

test.describe.configure({ mode: "serial" });

const expected = showcaseExpectations();
const GROUP = "home-e2e";
const STATE = path.join(tmpdir(), `ferry-home-e2e-${randomUUID()}.json`);
const withInline = expected.pullRequests.find((pr) => pr.inlineComments > 0)!;

test.use({ storageState: STATE });

let projectPath = "";

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  projectPath = await importShowcaseInto(browser, GROUP, STATE);
});

test.afterAll(async () => {
  await removeImport(GROUP, projectPath);
});

test("the dashboard lists the import with its status, and the group page its project and members", async ({ page }) => {
  await page.goto("/");
  const row = page.locator(`[data-testid="project-row"][data-project="${projectPath}"]`);
  await expect(row.getByTestId("import-status")).toHaveText("Complete");
  await expect(page.getByRole("navigation", { name: "Get started" }).getByRole("link", { name: /Import from Bitbucket Cloud/ })).toBeVisible();
  await page.getByLabel("Search your projects").fill("rocket");
  await page.getByLabel("Search your projects").press("Enter");
  await expect(page).toHaveURL(/search=rocket/);
  await expect(row).toBeVisible();
  await page.getByLabel("Search your projects").fill("zzz-nothing");
  await page.getByLabel("Search your projects").press("Enter");
  await expect(page.getByTestId("project-list-empty")).toBeVisible();

  await page.goto("/");
  await page.getByTestId("group-list").getByRole("link", { name: GROUP }).click();
  await expect(page).toHaveURL(new RegExp(`/${GROUP}$`));
  const group = page.getByTestId("group-page");
  await expect(group.locator(`[data-project="${projectPath}"]`)).toBeVisible();
  await expect(group.getByTestId("group-members")).toContainText("Owner");
  await expect(group.getByRole("link", { name: "Placeholders" })).toHaveAttribute("href", `/groups/${GROUP}/-/placeholders`);

  // The project's breadcrumb leads back to its group.
  await page.goto(`/${projectPath}`);
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: GROUP }).click();
  await expect(page.getByTestId("group-page")).toBeVisible();
});

test("tree → blob → a line anchor, raw and LFS content, and a commit with its diff", async ({ page }) => {
  await page.goto(`/${projectPath}`);
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Repository" }).click();
  await expect(page).toHaveURL(new RegExp(`/${projectPath}/-/tree/${expected.mainbranch}$`));
  await page.getByTestId("tree-view").getByRole("link", { name: /^src/ }).click();
  await page.getByTestId("tree-view").getByRole("link", { name: "sequencer.ts" }).click();
  await expect(page).toHaveURL(new RegExp(`/-/blob/${expected.mainbranch}/src/sequencer\\.ts$`));
  await page.getByRole("link", { name: "Line 5", exact: true }).click();
  await expect(page).toHaveURL(/#L5$/);
  const line = page.locator("#L5");
  await expect(line).toBeInViewport();
  expect(await line.evaluate((element) => element.matches(":target"))).toBe(true);
  // Highlighted: tokens carry their own colours.
  await expect(page.getByTestId("code").locator("span[style*='color']").first()).toBeVisible();

  const raw = await page.request.get(`/${projectPath}/-/raw/${expected.mainbranch}/assets/logo.png`);
  expect(raw.status()).toBe(200);
  expect(raw.headers()["content-type"]).toBe("image/png");
  expect((await raw.body()).length).toBe(12_345);
  await page.goto(`/${projectPath}/-/blob/${expected.mainbranch}/assets/logo.png`);
  await expect(page.getByTestId("lfs-badge")).toBeVisible();
  await expect(page.getByTestId("blob-image")).toHaveAttribute("src", `/${projectPath}/-/raw/${expected.mainbranch}/assets/logo.png`);

  await page.getByRole("navigation", { name: "Repository" }).getByRole("link", { name: "Commits" }).click();
  const first = page.getByTestId("commit-row").first();
  await expect(first).toHaveAttribute("data-sha", expected.branches[expected.mainbranch]!);
  await first.getByRole("link").click();
  await expect(page.getByTestId("commit-page")).toBeVisible();
  await expect(page.getByTestId("file-diff").first()).toBeVisible();
  await expect(page.getByTestId("diff-line").first()).toBeVisible();
  await page.getByRole("navigation", { name: "Repository" }).getByRole("link", { name: "Branches" }).click();
  await expect(page.getByTestId("branch-row")).toHaveCount(Object.keys(expected.branches).length);
});

test("a merge request's Changes tab shows its diff notes at their lines, linked from the discussion list", async ({ page }) => {
  await page.goto(`/${projectPath}/-/merge_requests/${withInline.id}`);
  const link = page.getByTestId("diff-position-link").first();
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/-/merge_requests/${withInline.id}/diffs#discussion_`));
  const anchor = decodeURIComponent(new URL(page.url()).hash.slice(1));
  const thread = page.locator(`[id="${anchor}"]`);
  await expect(thread).toBeInViewport();
  // The thread sits right below the line it was written on.
  const [position] = await query<{ position: { path: string; newLine: number | null; oldLine: number | null } }>(
    "SELECT n.position FROM notes n JOIN merge_requests m ON m.id = n.merge_request_id JOIN projects p ON p.id = m.project_id WHERE p.full_path = $1 AND m.iid = $2 AND n.discussion_id = $3 ORDER BY n.id LIMIT 1",
    [projectPath, withInline.id, anchor.replace(/^discussion_/, "")],
  );
  const file = page.locator(`[data-testid="file-diff"][data-path="${position!.position.path}"]`);
  const attribute = position!.position.newLine !== null ? `data-new-line="${position!.position.newLine}"` : `data-old-line="${position!.position.oldLine}"`;
  const lineRow = file.locator(`[data-testid="diff-line"][${attribute}]`);
  await expect(lineRow).toHaveCount(1);
  expect(await lineRow.evaluate((row, id) => row.parentElement?.querySelector(`[id="${id}"]`) !== null, anchor)).toBe(true);

  await page.getByRole("navigation", { name: "Merge request" }).getByRole("link", { name: "Commits" }).click();
  await expect(page.getByTestId("commit-row").first()).toBeVisible();
});

test("every link the import wrote into issues, merge requests and comments resolves", async ({ page }) => {
  const rows = await query<{ body: string }>(
    `SELECT i.description AS body FROM issues i JOIN projects p ON p.id = i.project_id WHERE p.full_path = $1
     UNION ALL SELECT m.description FROM merge_requests m JOIN projects p ON p.id = m.project_id WHERE p.full_path = $1
     UNION ALL SELECT n.body FROM notes n JOIN projects p ON p.id = n.project_id WHERE p.full_path = $1`,
    [projectPath],
  );
  const prefix = `${E2E.appUrl}/${projectPath}`;
  const links = new Set<string>();
  for (const { body } of rows) {
    // Bare URLs end before sentence punctuation, as the markdown renderer links them.
    for (const match of body.matchAll(/https?:\/\/[^\s)<>"\]]+/g)) {
      const url = match[0].replace(/[.,;:!?'*_~]+$/, "");
      if (url.startsWith(prefix)) links.add(url.split("#")[0]!);
    }
  }
  // The showcase links to files, lines, commits, issues and pull requests.
  expect([...links].some((link) => link.includes("/-/blob/"))).toBe(true);
  expect([...links].some((link) => link.includes("/-/merge_requests/"))).toBe(true);
  const failures: string[] = [];
  for (const link of links) {
    const response = await page.request.get(link);
    if (response.status() !== 200) failures.push(`${response.status()} ${link}`);
  }
  expect(failures).toEqual([]);
});

test("the Changes tab with its discussions fits 390 px; a project page and a merge request page have no serious accessibility violations", async ({ page }) => {
  // Every other page of the destination is walked at 390 px by narrow.spec.ts (e2e/pages.ts).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/${projectPath}/-/merge_requests/${withInline.id}/diffs`);
  await expect(page.getByTestId("diff-discussion").first()).toBeVisible();
  await expectNoHorizontalScroll(page);

  await page.setViewportSize({ width: 1280, height: 900 });
  await query("UPDATE projects SET visibility = 'public' WHERE full_path = $1", [projectPath]);
  await page.goto("/explore");
  await expect(page.locator(`[data-project="${projectPath}"]`)).toBeVisible();
  for (const url of [`/${projectPath}`, `/${projectPath}/-/merge_requests/${withInline.id}/diffs`]) {
    await page.goto(url);
    await expectNoSeriousA11yViolations(page);
  }
});
