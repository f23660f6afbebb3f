import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import {
  createLocalUser,
  expectNoSeriousA11yViolations,
  loadAllRepositories,
  query,
  repositoryRow,
  sandbox,
  signInWithBitbucket,
  signInWithPassword,
} from "./support";

/**
 * The import page's rough edges, on one signed-in session: what the filter finds, the live target
 * checks, Import all's wording, the list's order, keyboard use, accessibility; and the pages around
 * it (an administrator's inbox and settings, a user without Bitbucket).
 */

test.describe.configure({ mode: "serial" });

let page: Page;

test.beforeAll(async ({ browser }) => {
  await sandbox("/_sandbox/reset", { method: "POST" });
  // A page of its own context: axe-core needs one.
  page = await (await browser.newContext()).newPage();
  await signInWithBitbucket(page);
});

test.afterAll(async () => {
  await sandbox("/_sandbox/reset", { method: "POST" });
  await page.context().close();
});

const filterBox = () => page.getByLabel("Filter by name");
const rows = () => page.getByTestId("repository-row");

async function filterFor(text: string) {
  await filterBox().fill(text);
  await expect(page).toHaveURL(new RegExp(`filter=${encodeURIComponent(text).replace(/%20/g, "(\\+|%20)")}`));
  await expect(page.getByTestId("listing-summary")).not.toContainText("loading");
}

test("the filter finds what the list shows: slugs as well as names, and workspace/ narrows to a workspace", async () => {
  await filterFor("shipping-exporter");
  await expect(rows()).toHaveCount(1);
  await expect(rows().first()).toHaveAttribute("data-full-name", "acme/shipping-exporter");

  await filterFor("Ledger Engine");
  await expect(rows()).toHaveCount(2);

  await filterFor("acme/ledger-engine");
  await expect(rows()).toHaveCount(1);
  await expect(rows().first()).toHaveAttribute("data-full-name", "acme/ledger-engine");
  // The summary counts the workspaces the rows come from.
  await expect(page.getByTestId("listing-summary")).toHaveText("1 repository from 1 workspace");

  // Import all follows the filter; Tab stays inside its dialog.
  await page.getByRole("button", { name: "Import all" }).click();
  const dialog = page.getByTestId("import-all-dialog");
  await expect(dialog.getByRole("heading")).toHaveText("Import 1 repository?");
  for (let presses = 0; presses < 3; presses++) {
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest("dialog")))).toBe(true);
  }
  await dialog.getByRole("button", { name: "Cancel" }).click();
});

test("Import all with a filter matching nothing says that nothing matches", async () => {
  await filterFor("zzzz");
  await expect(page.getByText("No repositories match “zzzz”.")).toBeVisible();
  await page.getByRole("button", { name: "Import all" }).click();
  const dialog = page.getByTestId("import-all-dialog");
  await expect(dialog.getByRole("heading")).toHaveText("Nothing to import");
  await expect(dialog).toContainText("No repository matches “zzzz”.");
  await expect(dialog).not.toContainText("imported already");
  await dialog.getByRole("button", { name: "Close" }).click();
});

test("the target hint says what Import will do, and a taken name is an error before Import, cleared when the name changes", async () => {
  await createLocalUser("hint-other");
  await query(
    `INSERT INTO projects (namespace_id, name, path, full_path, updated_at)
     SELECT id, 'hint-taken', 'hint-taken', 'alice/hint-taken', now() FROM namespaces WHERE full_path = 'alice' ON CONFLICT DO NOTHING`,
  );
  await filterFor("scheduler-cli-2");
  const row = await repositoryRow(page, "acme/scheduler-cli-2");
  const namespace = row.getByLabel("Target namespace for acme/scheduler-cli-2");
  const name = row.getByLabel("Project name for acme/scheduler-cli-2");
  const importButton = row.getByRole("button", { name: "Import acme/scheduler-cli-2" });

  // Another user's namespace: the import would fall back to the personal one, and the hint says so.
  await namespace.fill("hint-other");
  await expect(row.getByTestId("fallback-hint")).toHaveText("You cannot import into hint-other: the project will go to your personal namespace alice.");
  await expect(row.getByTestId("new-group-hint")).toHaveCount(0);
  await namespace.fill("hint-new-group");
  await expect(row.getByTestId("new-group-hint")).toHaveText("New group hint-new-group: it will be created, with you as Owner.");
  expect(await query("SELECT 1 FROM namespaces WHERE full_path = 'hint-new-group'")).toHaveLength(0);

  // A taken name is reported as it is typed, with a free one offered.
  await namespace.fill("alice");
  await name.fill("hint-taken");
  await expect(row.getByTestId("target-problem")).toContainText("A project already exists at alice/hint-taken. Choose another name.");
  await expect(importButton).toBeDisabled();
  await row.getByRole("button", { name: "Use hint-taken-2" }).click();
  await expect(name).toHaveValue("hint-taken-2");
  await expect(row.getByTestId("target-problem")).toBeHidden();

  // An Import the server refuses (the path was taken after the check): its error goes away once the target changes.
  await name.fill("hint-late");
  await expect(row.getByTestId("target-help")).toHaveAttribute("data-checked", "true");
  await expect(importButton).toBeEnabled();
  await query(
    `INSERT INTO projects (namespace_id, name, path, full_path, updated_at)
     SELECT id, 'hint-late', 'hint-late', 'alice/hint-late', now() FROM namespaces WHERE full_path = 'alice' ON CONFLICT DO NOTHING`,
  );
  await name.press("Enter");
  await expect(row.getByTestId("row-error")).toHaveText("A project already exists at alice/hint-late. Choose another name.");
  await name.fill("hint-free");
  await expect(row.getByTestId("row-error")).toBeHidden();
  await expect(importButton).toBeEnabled();
  expect(await query("SELECT 1 FROM project_imports WHERE source_repository = 'acme/scheduler-cli-2'")).toHaveLength(0);
});

test("the options say what the instance default is", async () => {
  await filterFor("scheduler-cli-2");
  const row = await repositoryRow(page, "acme/scheduler-cli-2");
  await row.getByRole("button", { name: "Options for acme/scheduler-cli-2" }).click();
  await expect(row.getByLabel(/Bitbucket users without a Ferry account/).locator("option").first()).toHaveText(
    "Instance default: Attribute to me, naming the original author",
  );
});

test("keyboard: a row is one Tab stop, and the arrows reach each of its actions, every one named", async () => {
  await filterFor("ledger");
  const [first, second] = [rows().nth(0), rows().nth(1)];
  const fullName = (await first.getAttribute("data-full-name"))!;
  const tabStops = first.evaluate(
    (row) => [...row.querySelectorAll<HTMLElement>("a[href], button, input, select")].filter((control) => !control.matches(":disabled") && control.tabIndex >= 0).length,
  );
  expect(await tabStops).toBe(1);

  await first.locator('[tabindex="0"]').focus();
  const focusedRow = () => page.evaluate(() => document.activeElement?.closest('[data-testid="repository-row"]')?.getAttribute("data-full-name"));
  await page.keyboard.press("Tab");
  expect(await focusedRow()).toBe(await second.getAttribute("data-full-name"));
  await page.keyboard.press("Shift+Tab");
  expect(await focusedRow()).toBe(fullName);

  const focusedName = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      return (element.getAttribute("aria-label") ?? element.textContent ?? "").trim();
    });
  const reached = [await focusedName()];
  for (let step = 0; step < 12 && !reached.includes(`Options for ${fullName}`); step++) {
    await page.keyboard.press("ArrowRight");
    reached.push(await focusedName());
    expect(await focusedRow()).toBe(fullName);
  }
  expect(reached).toEqual(expect.arrayContaining([fullName, `Target namespace for ${fullName}`, `Project name for ${fullName}`, `Import ${fullName}`, `Options for ${fullName}`]));
  expect(reached.every((name) => name.length > 0)).toBe(true);
  await page.keyboard.press("ArrowLeft");
  await expect(first.getByRole("button", { name: `Import ${fullName}` })).toBeFocused();
});

test("a rate-limit wait reads the same on the row and on the Import tab, whatever the browser's time zone", async ({ browser }) => {
  const [alice] = await query<{ id: string }>("SELECT id FROM users WHERE username = 'alice'");
  const [project] = await query<{ id: number }>(
    `INSERT INTO projects (namespace_id, name, path, full_path, import_type, import_source, updated_at)
     SELECT id, 'clock-check', 'clock-check', 'alice/clock-check', 'bitbucket', 'acme/shipping-exporter', now() FROM namespaces WHERE full_path = 'alice' RETURNING id`,
  );
  await query(
    `INSERT INTO project_imports (project_id, source, source_repository, user_id, status, stage, waiting_until, started_at, updated_at)
     VALUES ($1, 'bitbucket_cloud', 'acme/shipping-exporter', $2, 'started', 'pull_requests', now() + interval '20 minutes', now(), now())`,
    [project!.id, alice!.id],
  );
  const farAway = await (await browser.newContext({ storageState: await page.context().storageState(), timezoneId: "Pacific/Kiritimati", locale: "de-DE" })).newPage();
  try {
    await farAway.goto("/import/bitbucket?filter=shipping-exporter");
    const progress = (await repositoryRow(farAway, "acme/shipping-exporter")).getByTestId("import-progress");
    await expect(progress).toContainText("resumes about");
    const resumesAt = (await progress.textContent())!.match(/resumes about (.+)$/)![1]!;
    await farAway.goto("/alice/clock-check/-/import");
    await expect(farAway.getByTestId("import-waiting")).toContainText(`resumes about ${resumesAt}`);
  } finally {
    await farAway.context().close();
    await query("DELETE FROM projects WHERE id = $1", [project!.id]);
  }
});

test("rows keep one order, by workspace then name, as pages stream in", async () => {
  await filterBox().fill("");
  await expect(page).not.toHaveURL(/filter=/);
  const names = await loadAllRepositories(page);
  expect(names.length).toBeGreaterThan(100);
  const key = (fullName: string) => fullName.split("/") as [string, string];
  const sorted = [...names].sort((a, b) => {
    const [workspaceA, slugA] = key(a);
    const [workspaceB, slugB] = key(b);
    return workspaceA.localeCompare(workspaceB, "en", { sensitivity: "base" }) || slugA.localeCompare(slugB, "en", { sensitivity: "base" });
  });
  expect(names).toEqual(sorted);
});

test("filtering while Bitbucket is slow keeps the rows on screen instead of skeletons", async () => {
  await filterFor("ledger");
  await expect(rows().first()).toBeVisible();
  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 1500 } });
  await filterBox().fill("customer");
  await expect(page.getByTestId("repository-table")).toHaveAttribute("aria-busy", "true");
  await expect(page.getByTestId("skeleton-row")).toHaveCount(0);
  await expect(rows().first()).toBeVisible();
  await expect(page.getByTestId("repository-table")).not.toHaveAttribute("aria-busy", "true", { timeout: 20_000 });
  await expect(rows().first()).toHaveAttribute("data-full-name", /customer/);
  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 0 } });
});

test("a Bitbucket answering 500 is said to be not answering, with Try again and no counts above the message", async () => {
  await sandbox("/_sandbox/config", { method: "PUT", body: { error5xxRatio: 1 } });
  await page.reload();
  const message = page.getByTestId("listing-error");
  await expect(message).toContainText("Bitbucket is not answering properly (it answered HTTP 500, also when asked again).", { timeout: 30_000 });
  await expect(message).not.toContainText("could not be reached");
  await expect(page.getByTestId("listing-summary")).toHaveText("");
  await sandbox("/_sandbox/config", { method: "PUT", body: { error5xxRatio: 0 } });
  await message.getByRole("button", { name: "Try again" }).click();
  await expect(rows().first()).toBeVisible();
});

test("a Bitbucket that hangs is said to be not answering within seconds, with Try again", async () => {
  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 60_000 } });
  await page.reload();
  const message = page.getByTestId("listing-error");
  await expect(message).toContainText("Bitbucket is not answering (no answer in time", { timeout: 15_000 });
  await sandbox("/_sandbox/config", { method: "PUT", body: { latencyMs: 0 } });
  await message.getByRole("button", { name: "Try again" }).click();
  await expect(rows().first()).toBeVisible();
});

test("a workspace that could not be listed offers Try again", async () => {
  await sandbox("/_sandbox/config", { method: "PUT", body: { brokenPaths: ["/repositories/globex$"] } });
  await page.goto("/import/bitbucket");
  const problems = page.getByTestId("listing-problems");
  await expect(problems).toContainText("Workspace globex could not be listed");
  await sandbox("/_sandbox/config", { method: "PUT", body: { brokenPaths: [] } });
  await problems.getByRole("button", { name: "Try again" }).click();
  await expect(problems).toBeHidden();
  await expect(page.getByTestId("listing-summary")).toContainText("from 4 workspaces");
});

test("a denied consent says so and offers signing in again", async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/import/bitbucket");
  await visitor.getByRole("button", { name: "Sign in with Bitbucket" }).click();
  await visitor.getByRole("button", { name: "Deny" }).click();
  await expect(visitor).toHaveURL(/\/sign-in\?error=ConsentDenied/);
  await expect(visitor.getByText("You denied Ferry access on Bitbucket's consent page")).toBeVisible();
  await expect(visitor.getByRole("button", { name: "Sign in with Bitbucket" })).toBeVisible();
  await visitor.context().close();
});

test("keyboard: a skip link leads to the content; the import page has no serious accessibility violations", async () => {
  await page.goto("/import/bitbucket");
  await expect(rows().first()).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  await expectNoSeriousA11yViolations(page);
  await page.goto("/profile/account");
  await expect(page.getByRole("heading").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test("an administrator: settings offer only sources Ferry can import from, the inbox lists only groups they own, and the import page invites to connect Bitbucket", async ({ browser }) => {
  // A group alice owns and one she does not, both with placeholders.
  const [alice] = await query<{ id: string }>("SELECT id FROM users WHERE username = 'alice'");
  for (const group of ["inbox-mine", "inbox-theirs"]) {
    await query(`INSERT INTO namespaces (kind, name, path, full_path, updated_at) VALUES ('group', $1, $1, $1, now()) ON CONFLICT DO NOTHING`, [group]);
    await query(
      `INSERT INTO users (id, kind, username, name, placeholder_namespace_id, placeholder_source_key, updated_at)
       SELECT $1, 'placeholder', $1, 'Ghost', id, $2, now() FROM namespaces WHERE full_path = $3 ON CONFLICT DO NOTHING`,
      [`placeholder-${group}`, `bitbucket:{${group}}`, group],
    );
  }
  await query(`INSERT INTO memberships (user_id, namespace_id, role) SELECT $1, id, 'owner' FROM namespaces WHERE full_path = 'inbox-mine' ON CONFLICT DO NOTHING`, [alice!.id]);
  await page.goto("/inbox");
  const owned = page.getByRole("link", { name: /inbox-/ });
  await expect(owned).toHaveCount(1);
  await expect(owned).toHaveText("inbox-mine");

  await createLocalUser("inbox-root", { admin: true });
  const admin = await (await browser.newContext()).newPage();
  await signInWithPassword(admin, "inbox-root");
  await admin.goto("/inbox");
  await expect(admin.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(admin.getByRole("link", { name: /inbox-/ })).toHaveCount(0);

  const stageTable = readFileSync(path.resolve(import.meta.dirname, "../lib/import/pipeline/stages/index.ts"), "utf8");
  const adapters = [...stageTable.slice(stageTable.indexOf("SOURCE_STAGES")).matchAll(/^\s+(\w+): \[/gm)].map((match) => match[1]);
  expect(adapters).toContain("bitbucket_cloud");
  await admin.goto("/admin/settings");
  const sources = admin.getByRole("group", { name: "Import sources" }).getByRole("checkbox");
  await expect(sources).toHaveCount(adapters.length);
  await expect(admin.getByRole("checkbox", { name: "Bitbucket Cloud" })).toBeVisible();
  for (const [key, label] of [["github", "GitHub"], ["bitbucket_server", "Bitbucket Server"]] as const) {
    await expect(sources.and(admin.getByRole("checkbox", { name: label, exact: true }))).toHaveCount(adapters.includes(key) ? 1 : 0);
  }

  // Never connected to Bitbucket: an invitation to connect, not an alert to reconnect.
  await admin.goto("/import/bitbucket");
  await expect(admin.getByRole("button", { name: "Connect Bitbucket" })).toBeVisible();
  await expect(admin.getByRole("button", { name: "Reconnect Bitbucket" })).toHaveCount(0);
  await expect(admin.getByTestId("listing-error")).toHaveAttribute("role", "status");
  await admin.context().close();
});
