import { expect, test, type Page } from "@playwright/test";
import { SANDBOX_WORKSPACES, generateRepositories } from "../mocks/bitbucket/seed.ts";
import { query, repositoryRow, sandbox, signInWithBitbucket } from "./support";

/**
 * The repository picker: targets and namespace rules, re-import, duplicate paths, Import all with
 * live progress, cancel, and a partially completed import. Repositories used here are chosen so
 * that none matches the Import all filter ("rt").
 */

const IMPORT_TIMEOUT = 120_000;

test.beforeEach(async () => {
  await sandbox("/_sandbox/reset", { method: "POST" });
});

async function showOnly(page: Page, filter: string, fullName: string) {
  await page.getByLabel("Filter by name").fill(filter);
  await expect(page).toHaveURL(new RegExp(`filter=${encodeURIComponent(filter)}`));
  const row = await repositoryRow(page, fullName);
  await expect(row).toBeVisible();
  return row;
}

async function aliceId(): Promise<string> {
  const [alice] = await query<{ id: string }>("SELECT id FROM users WHERE username = 'alice'");
  return alice!.id;
}

test("import one repository into a new group: the group is created with the importer as Owner", async ({ page }) => {
  test.setTimeout(180_000);
  await signInWithBitbucket(page);
  const row = await showOnly(page, "scheduler-cli", "acme/scheduler-cli");
  await expect(row.getByTestId("import-status")).toHaveText("Not started");

  const namespace = row.getByLabel("Target namespace for acme/scheduler-cli");
  const name = row.getByLabel("Project name for acme/scheduler-cli");
  await expect(namespace).toHaveValue("alice");
  await expect(name).toHaveValue("scheduler-cli");
  await namespace.fill("picker-launch");
  await expect(row.getByTestId("new-group-hint")).toHaveText("New group picker-launch: it will be created, with you as Owner.");
  // Live validation with the API's path rules; Import waits for a valid name.
  await name.fill("-scheduler");
  await expect(row.getByTestId("target-problem")).toHaveText("Project path must not start or end with a special character.");
  await expect(row.getByRole("button", { name: "Import acme/scheduler-cli" })).toBeDisabled();
  await name.fill("scheduler-cli");
  await name.press("Enter");

  await expect(row.getByTestId("last-imported")).toHaveText("Last imported to picker-launch/scheduler-cli");
  // The inputs are gone; the keyboard stays on the row, on its new first button.
  await expect(row.getByRole("button").first()).toBeFocused();
  await expect(row.getByTestId("import-status")).toHaveText("Complete", { timeout: IMPORT_TIMEOUT });
  await expect(row.getByRole("button", { name: "Re-import acme/scheduler-cli" })).toBeVisible();

  const [group] = await query<{ kind: string; role: string; user_id: string }>(
    `SELECT n.kind, m.role::text AS role, m.user_id FROM namespaces n JOIN memberships m ON m.namespace_id = n.id WHERE n.full_path = 'picker-launch'`,
  );
  expect(group).toEqual({ kind: "group", role: "owner", user_id: await aliceId() });
  const [project] = await query<{ status: string }>(
    "SELECT i.status::text AS status FROM projects p JOIN project_imports i ON i.project_id = p.id WHERE p.full_path = 'picker-launch/scheduler-cli'",
  );
  expect(project!.status).toBe("finished");
});

test("into a taken namespace: lands in the personal namespace, with the warning on the row and on the project", async ({ page }) => {
  test.setTimeout(180_000);
  await query("INSERT INTO namespaces (kind, name, path, full_path, updated_at) VALUES ('group', 'picker-taken', 'picker-taken', 'picker-taken', now()) ON CONFLICT DO NOTHING");
  await signInWithBitbucket(page);
  const row = await showOnly(page, "routing-engine", "acme/routing-engine");
  await row.getByLabel("Target namespace for acme/routing-engine").fill("picker-taken");
  await row.getByRole("button", { name: "Import acme/routing-engine" }).click();

  const warning = "The namespace picker-taken is taken (you cannot import into it), so the project was imported into your personal namespace alice instead.";
  await expect(row.getByTestId("import-warning")).toHaveText(warning);
  await expect(row.getByTestId("last-imported")).toHaveText("Last imported to alice/routing-engine");
  expect(await query("SELECT 1 FROM projects p JOIN namespaces n ON n.id = p.namespace_id WHERE n.full_path = 'picker-taken'")).toHaveLength(0);

  await row.getByRole("link", { name: "alice/routing-engine", exact: true }).click();
  await expect(page.getByTestId("import-warning")).toHaveText(warning);
});

test("re-import with a new name: a second project, the first untouched", async ({ page }) => {
  test.setTimeout(240_000);
  await signInWithBitbucket(page);
  const row = await showOnly(page, "asset-engine", "acme/asset-engine");
  await row.getByRole("button", { name: "Import acme/asset-engine" }).click();
  await expect(row.getByTestId("import-status")).toHaveText("Complete", { timeout: IMPORT_TIMEOUT });
  const [before] = await query<{ id: number; updated_at: Date; merge_requests: number }>(
    "SELECT p.id, p.updated_at, (SELECT count(*)::int FROM merge_requests m WHERE m.project_id = p.id) AS merge_requests FROM projects p WHERE full_path = 'alice/asset-engine'",
  );

  const reimport = row.getByRole("button", { name: "Re-import acme/asset-engine" });
  await reimport.click();
  const note = row.getByTestId("reimport-note");
  await expect(note).toHaveText("Re-import creates a new copy and does not sync with the existing project.");
  const name = row.getByLabel("Project name for acme/asset-engine");
  await expect(name).toBeFocused();
  // The last target is taken (by the first import): the form offers a free name.
  await expect(name).toHaveValue("asset-engine-2");
  await expect(row.getByTestId("target-problem")).toBeHidden();
  // Escape closes the form and gives the focus back.
  await page.keyboard.press("Escape");
  await expect(note).toBeHidden();
  await expect(reimport).toBeFocused();

  await reimport.click();
  // A display name: the project path is derived from it.
  await name.fill("Asset Engine (copy)");
  await expect(row.getByTestId("derived-path")).toHaveText("Project path: Asset-Engine-copy");
  await reimport.click();
  await expect(row.getByTestId("last-imported")).toHaveText("Last imported to alice/Asset-Engine-copy");
  await expect(row.getByTestId("import-status")).toHaveText("Complete", { timeout: IMPORT_TIMEOUT });

  const projects = await query<{ full_path: string; status: string }>(
    "SELECT p.full_path, i.status::text AS status FROM projects p JOIN project_imports i ON i.project_id = p.id WHERE p.import_source = 'acme/asset-engine' ORDER BY p.id",
  );
  expect(projects).toEqual([
    { full_path: "alice/asset-engine", status: "finished" },
    { full_path: "alice/Asset-Engine-copy", status: "finished" },
  ]);
  const [after] = await query<{ id: number; updated_at: Date; merge_requests: number }>(
    "SELECT p.id, p.updated_at, (SELECT count(*)::int FROM merge_requests m WHERE m.project_id = p.id) AS merge_requests FROM projects p WHERE full_path = 'alice/asset-engine'",
  );
  expect(after).toEqual(before);
});

test("a project path already taken is an error on the row, and nothing is imported", async ({ page }) => {
  await signInWithBitbucket(page);
  // alice's namespace exists once she has signed in.
  await query(
    `INSERT INTO projects (namespace_id, name, path, full_path, updated_at)
     SELECT id, 'ledger-engine', 'ledger-engine', 'alice/ledger-engine', now() FROM namespaces WHERE full_path = 'alice'
     ON CONFLICT DO NOTHING`,
  );
  const row = await showOnly(page, "Ledger", "acme/ledger-engine");
  await row.getByRole("button", { name: "Import acme/ledger-engine" }).click();
  await expect(row.getByTestId("row-error")).toHaveText("A project already exists at alice/ledger-engine. Choose another name.");
  await expect(row.getByTestId("import-status")).toHaveText("Not started");
  expect(await query("SELECT 1 FROM project_imports WHERE source_repository = 'acme/ledger-engine'")).toHaveLength(0);
});

test("Import all of 30 filtered repositories, with live progress reaching Complete for all", async ({ page }) => {
  test.setTimeout(600_000);
  const filter = "rt";
  const matching = SANDBOX_WORKSPACES.filter((workspace) => workspace.members.some((member) => member.nickname === "alice"))
    .flatMap((workspace) => generateRepositories(workspace))
    .filter((repository) => repository.name.toLowerCase().includes(filter) || repository.slug.toLowerCase().includes(filter))
    .map((repository) => repository.full_name);
  expect(matching).toHaveLength(30);
  expect(await query("SELECT 1 FROM project_imports WHERE source_repository = ANY($1)", [matching])).toHaveLength(0);

  // Tall enough that every row is on screen (the list is virtualized, and only rows on screen are polled).
  await page.setViewportSize({ width: 1400, height: 3600 });
  await signInWithBitbucket(page);
  await page.getByLabel("Filter by name").fill(filter);
  await expect(page).toHaveURL(/filter=rt/);
  await expect(page.getByTestId("repository-row")).toHaveCount(30);
  const workspaces = new Set(matching.map((fullName) => fullName.split("/")[0])).size;
  await expect(page.getByTestId("listing-summary")).toContainText(`30 repositories from ${workspaces} workspaces`);
  // Two of them share the slug feature-portal-next: one row gets its own target, which Import all keeps.
  const twin = page.locator('[data-full-name="initech/feature-portal-next"]');
  await twin.getByLabel("Target namespace for initech/feature-portal-next").fill("picker-initech");

  await page.getByRole("button", { name: "Import all" }).click();
  const dialog = page.getByTestId("import-all-dialog");
  await expect(dialog.getByRole("heading")).toHaveText("Import 30 repositories?");
  await dialog.getByRole("button", { name: "Import 30 repositories" }).click();

  const summary = page.getByTestId("import-all-summary");
  await expect(summary).toContainText("(of 30)");
  // Live: rows move through Pending / Importing… with a progress bar before they complete.
  await expect(page.getByRole("progressbar").first()).toBeVisible();
  // Counts per object type, as the Import tab shows them, not only the stage's name.
  await expect(page.getByTestId("import-type-counts").first()).toContainText(/(Repository|Labels|Milestones|Users|Pull requests) \d/);
  await expect(summary).toHaveText("Import all: 30 complete (of 30)", { timeout: 540_000 });
  const rows = page.getByTestId("repository-row");
  await expect(rows.filter({ has: page.getByTestId("import-status").getByText("Complete", { exact: true }) })).toHaveCount(30);
  const statuses = await query<{ status: string }>("SELECT i.status::text AS status FROM project_imports i WHERE i.source_repository = ANY($1)", [matching]);
  expect(statuses.map((row) => row.status)).toEqual(Array(30).fill("finished"));
  expect(await query("SELECT 1 FROM projects WHERE full_path = 'picker-initech/feature-portal-next'")).toHaveLength(1);
  await expect(page.getByRole("progressbar")).toHaveCount(0);
});

test("cancel a running import, then Resume on its Import tab continues it to the end", async ({ page }) => {
  test.setTimeout(240_000);
  await signInWithBitbucket(page);
  const row = await showOnly(page, "scheduler-worker", "acme/scheduler-worker");
  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 1500 } });
  await row.getByRole("button", { name: "Import acme/scheduler-worker" }).click();
  const cancel = row.getByRole("button", { name: "Cancel import of acme/scheduler-worker" });
  await expect(cancel).toBeVisible({ timeout: 30_000 });
  await expect(row.getByTestId("import-status")).toHaveText(/Pending|Importing…/);
  await cancel.click();
  await expect(row.getByTestId("import-status")).toHaveText("Cancelled", { timeout: 60_000 });
  const [cancelled] = await query<{ status: string }>("SELECT status::text AS status FROM project_imports WHERE source_repository = 'acme/scheduler-worker'");
  expect(cancelled!.status).toBe("canceled");

  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 0 } });
  await expect(row.getByRole("button", { name: "Import acme/scheduler-worker" })).toBeVisible();
  await row.getByRole("link", { name: "Import details of alice/scheduler-worker" }).click();
  await page.getByRole("button", { name: "Resume import" }).click();
  await expect(page.getByTestId("import-details")).toHaveAttribute("data-status", "finished", { timeout: IMPORT_TIMEOUT });
  const imports = await query<{ status: string; full_path: string }>(
    "SELECT i.status::text AS status, p.full_path FROM project_imports i JOIN projects p ON p.id = i.project_id WHERE i.source_repository = 'acme/scheduler-worker'",
  );
  expect(imports).toEqual([{ status: "finished", full_path: "alice/scheduler-worker" }]);
});

test("a Partially completed row links to its failures", async ({ page }) => {
  test.setTimeout(180_000);
  await sandbox("/_sandbox/config", { method: "PUT", body: { brokenPaths: ["/repositories/acme/catalog-app/pullrequests/1/comments$"] } });
  await signInWithBitbucket(page);
  const row = await showOnly(page, "catalog-app", "acme/catalog-app");
  await row.getByRole("button", { name: "Import acme/catalog-app" }).click();
  await expect(row.getByTestId("import-status")).toHaveText("Partially completed", { timeout: IMPORT_TIMEOUT });
  const failures = row.getByRole("link", { name: "1 failed item" });
  await expect(failures).toHaveAttribute("href", "/alice/catalog-app/-/import");
  await failures.click();
  await expect(page.getByTestId("import-details")).toHaveAttribute("data-status", "partial");
  await expect(page.getByTestId("failure-row")).toHaveCount(1);
  await expect(page.getByTestId("failure-row")).toContainText("pull_request:1");

  // Retry keeps the progress of every object type on screen, and cannot be pressed again while it runs.
  const types = await page.getByTestId("progress-row").count();
  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 400 } });
  const retry = page.getByRole("button", { name: /Retry failed items|Retrying…/ });
  await retry.click();
  await expect(page.getByTestId("import-details")).toHaveAttribute("data-status", "started");
  await expect(retry).toBeDisabled();
  await expect(retry).toHaveText("Retrying…");
  await expect(page.getByTestId("progress-row")).toHaveCount(types);
  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 0 } });
  await expect(page.getByTestId("import-details")).toHaveAttribute("data-status", "partial", { timeout: IMPORT_TIMEOUT });
});
