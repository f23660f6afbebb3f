import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { query, repositoryRow, sandbox, signInWithBitbucket } from "./support";

/**
 * Settings → Import on an existing project: a real Bitbucket issue export (quest-2020, with
 * screenshots) and a wiki bundle (Markdown, Creole, a subdirectory, spaces in names), then the
 * issues with their attachments and system notes, and the wiki pages, as a visitor sees them.
 */

const QUEST = path.resolve(import.meta.dirname, "..", "..", "shared", "samples", "bitbucket-issue-exports", "quest-2020.zip");

function wikiBundle(): string {
  const root = mkdtempSync(path.join(tmpdir(), "ferry-e2e-wiki-"));
  const work = path.join(root, "wiki");
  const files: Record<string, string> = {
    "Home.md": "# Quest wiki\n\nStart with the [Setup Guide](Setup%20Guide).",
    "Setup Guide.md": "Install **Quest** with pip.",
    "docs/Deep Page.md": "A page in a folder.",
    "Legacy Notes.wiki": "= Legacy notes =\n\nWritten in **Creole** with a [[Home|link home]].\n\n* first\n* second",
  };
  mkdirSync(work, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    writeFileSync(path.join(work, file), content);
  }
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=Wiki", "-c", "user.email=wiki@example.com", ...args], { cwd: work, stdio: "pipe" });
  git("init", "--quiet", "--initial-branch=master");
  git("add", "--all");
  git("commit", "--quiet", "-m", "Wiki pages");
  const bundle = path.join(root, "quest-wiki.bundle");
  git("bundle", "create", "--quiet", bundle, "--all");
  return bundle;
}

test.beforeEach(async () => {
  await sandbox("/_sandbox/reset", { method: "POST" });
});

test("import an issue export and a wiki bundle in Settings → Import, then browse them", async ({ page }) => {
  test.setTimeout(180_000);
  await signInWithBitbucket(page);
  const projectPath = `quest-${Date.now().toString(36)}`;
  const [namespace] = await query<{ id: number }>("SELECT id FROM namespaces WHERE full_path = 'alice'");
  await query("INSERT INTO projects (namespace_id, name, path, full_path, visibility, updated_at) VALUES ($1, $2, $2, $3, 'private', now())", [
    namespace!.id,
    projectPath,
    `alice/${projectPath}`,
  ]);
  const base = `/alice/${projectPath}`;

  // The issues page leads Maintainers to the import settings.
  await page.goto(`${base}/-/issues`);
  await page.getByRole("link", { name: "Import from a Bitbucket export" }).click();
  await expect(page).toHaveURL(new RegExp(`${base}/-/settings/import$`));
  await expect(page.getByTestId("no-archive-jobs")).toBeVisible();

  const issuesForm = page.getByTestId("issues-archive-form");
  await issuesForm.getByLabel("Issue export (.zip)").setInputFiles(QUEST);
  await expect(issuesForm.getByTestId("upload-done")).toContainText("quest-2020.zip");
  await issuesForm.getByRole("button", { name: "Import issues" }).click();
  await expect(page.locator('[data-testid="archive-job"][data-kind="bitbucket_issues"]')).toBeVisible();

  const wikiForm = page.getByTestId("wiki-import-form");
  await wikiForm.getByLabel("Bundle file").check();
  await wikiForm.getByLabel("Wiki bundle").setInputFiles(wikiBundle());
  await expect(wikiForm.getByTestId("upload-done")).toContainText("quest-wiki.bundle");
  await wikiForm.getByRole("button", { name: "Import wiki" }).click();

  const issuesJob = page.locator('[data-testid="archive-job"][data-kind="bitbucket_issues"]');
  const wikiJob = page.locator('[data-testid="archive-job"][data-kind="wiki"]');
  await expect(issuesJob).toHaveAttribute("data-state", "completed", { timeout: 120_000 });
  await expect(wikiJob).toHaveAttribute("data-state", "completed", { timeout: 60_000 });
  await expect(issuesJob.getByTestId("job-counts")).toContainText("116 of 116 issues");
  await expect(issuesJob.getByTestId("job-counts")).toContainText("6 attachments");
  await expect(wikiJob.getByTestId("job-counts")).toContainText("4 pages");
  await issuesJob.getByText(/^Messages/).click();
  await expect(issuesJob.getByTestId("job-messages")).toContainText("Read db-2.0.json");

  // Issues: numbers kept, attachments with an image preview, system notes from the change logs.
  await page.goto(`${base}/-/issues?state=all`);
  await expect(page.getByTestId("issue-row")).toHaveCount(20);
  await page.goto(`${base}/-/issues/9`);
  await expect(page.getByRole("heading", { name: "tags for user names" })).toBeVisible();
  const attachment = page.getByTestId("attachment");
  await expect(attachment).toHaveCount(1);
  await expect(attachment).toContainText("Screen Shot 2013-01-13 at 20.28.21 .png");
  const preview = attachment.getByTestId("attachment-preview");
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBeGreaterThan(0);
  const src = await preview.getAttribute("src");
  const served = await page.request.get(src!);
  expect(served.headers()["content-type"]).toBe("image/png");
  expect(served.headers()["x-content-type-options"]).toBe("nosniff");
  const systemNote = page.getByTestId("system-note").filter({ hasText: "changed status from new to resolved" });
  await expect(systemNote).toBeVisible();
  await expect(page.locator('[data-testid="label-chip"][data-label="status::resolved"]')).toBeVisible();

  // A visitor without access gets nothing, not even the image.
  const anonymous = await page.context().browser()!.newContext({ baseURL: test.info().project.use.baseURL });
  expect((await anonymous.request.get(src!)).status()).toBe(404);
  await anonymous.close();

  // Wiki: every page, Markdown and Creole rendered, folders and spaces kept.
  await page.goto(`${base}/-/wikis`);
  await expect(page.getByTestId("wiki-page-link")).toHaveCount(4);
  await page.getByTestId("wiki-page-link").filter({ hasText: "Legacy Notes" }).click();
  const content = page.getByTestId("wiki-content");
  await expect(content).toHaveAttribute("data-format", "creole");
  await expect(content.locator("h1")).toHaveText("Legacy notes");
  await expect(content.locator("strong")).toHaveText("Creole");
  await expect(content.getByRole("listitem")).toHaveCount(2);
  await content.getByRole("link", { name: "link home" }).click();
  await expect(page.getByRole("heading", { name: "Home", exact: true })).toBeVisible();
  await expect(page.getByTestId("wiki-content").locator("h1")).toHaveText("Quest wiki");
  await page.goto(`${base}/-/wikis/docs/Deep%20Page`);
  await expect(page.getByTestId("wiki-content")).toContainText("A page in a folder.");
});

test("attach an issue export and a wiki bundle to a row on the import page, import, then browse them", async ({ page }) => {
  test.setTimeout(240_000);
  const repository = "acme/notification-lib";
  await signInWithBitbucket(page);
  await page.getByLabel("Filter by name").fill("notification-lib");
  await expect(page).toHaveURL(/filter=notification-lib/);
  const row = await repositoryRow(page, repository);
  const projectPath = `notifications-${Date.now().toString(36)}`;
  await row.getByLabel(`Project name for ${repository}`).fill(projectPath);
  await row.getByRole("button", { name: `Options for ${repository}` }).click();

  const attachments = page.locator(`[data-testid="import-attachments"][data-repository="${repository}"]`);
  await attachments.locator("summary").click();
  await attachments.getByLabel(`Issue export for ${repository} (.zip)`).setInputFiles(QUEST);
  await expect(attachments.getByTestId("upload-done").first()).toContainText("quest-2020.zip");
  await attachments.getByLabel("Bundle file").check();
  await attachments.getByLabel(`Wiki bundle for ${repository}`).setInputFiles(wikiBundle());
  await expect(attachments.getByTestId("upload-done")).toHaveCount(2);
  await expect(attachments.locator("summary")).toContainText("issues and wiki attached");

  await row.getByRole("button", { name: `Import ${repository}` }).click();
  await expect(row.getByTestId("import-status")).toHaveText("Complete", { timeout: 120_000 });

  // The archive jobs start once the Bitbucket import has ended.
  const base = `/alice/${projectPath}`;
  const [project] = await query<{ id: number }>("SELECT id FROM projects WHERE full_path = $1", [base.slice(1)]);
  await expect
    .poll(async () => (await query<{ kind: string; state: string }>("SELECT kind::text AS kind, state::text AS state FROM archive_import_jobs WHERE project_id = $1 ORDER BY kind", [project!.id])), { timeout: 120_000 })
    .toEqual([
      { kind: "bitbucket_issues", state: "completed" },
      { kind: "wiki", state: "completed" },
    ]);

  await page.goto(`${base}/-/issues/9`);
  await expect(page.getByRole("heading", { name: "tags for user names" })).toBeVisible();
  await expect(page.getByTestId("attachment")).toContainText("Screen Shot 2013-01-13 at 20.28.21 .png");
  await expect(page.getByTestId("system-note").filter({ hasText: "changed status from new to resolved" })).toBeVisible();
  await page.goto(`${base}/-/wikis`);
  await expect(page.getByTestId("wiki-page-link")).toHaveCount(4);
});
