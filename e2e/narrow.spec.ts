import { expect, test, type Browser, type Page } from "@playwright/test";
import { SHOWCASE_REPOSITORY } from "../mocks/bitbucket/showcase.ts";
import { APP_PAGES, PAGES_ADMIN, PAGES_GROUP, PAGES_PROJECT, type AppPage } from "./pages";
import { createLocalUser, expectNoHorizontalScroll, query, repositoryRow, sandbox, signInWithBitbucket, signInWithPassword } from "./support";

/** A phone held upright. */
const NARROW = { width: 390, height: 844 };

async function narrowPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: NARROW });
  return context.newPage();
}

async function visitAll(page: Page, who: AppPage["as"]) {
  for (const entry of APP_PAGES.filter((candidate) => candidate.as === who)) {
    await test.step(`${entry.name} (${entry.path})`, async () => {
      const response = await page.goto(entry.path);
      expect(response?.status(), entry.path).toBeLessThan(400);
      await expectNoHorizontalScroll(page);
    });
  }
}

test("every page fits 390 px without scrolling sideways, the header included", async ({ browser }) => {
  test.setTimeout(360_000);
  await sandbox("/_sandbox/reset", { method: "POST" });
  await sandbox("/_sandbox/config", { method: "PUT", body: { issuesRemoved: false } });

  const anonymous = await narrowPage(browser);
  await visitAll(anonymous, "anonymous");

  // The picker at 390 px: a row's cells stack, its inputs stay usable.
  const alice = await narrowPage(browser);
  await signInWithBitbucket(alice);
  await expect(alice.getByRole("link", { name: "Inbox" })).toBeVisible();
  await expect(alice.getByRole("button", { name: "Sign out" })).toBeInViewport();
  await alice.getByLabel("Filter by name").fill("rocket-launcher");
  await expect(alice).toHaveURL(/filter=rocket-launcher/);
  await expect(alice.getByTestId("repository-row")).toHaveCount(2);
  const row = await repositoryRow(alice, SHOWCASE_REPOSITORY);
  // Another spec may have imported it already: then it is a re-import.
  const reimport = row.getByRole("button", { name: `Re-import ${SHOWCASE_REPOSITORY}` });
  const again = await reimport.isVisible();
  if (again) await reimport.click();
  const namespace = row.getByLabel(`Target namespace for ${SHOWCASE_REPOSITORY}`);
  expect((await namespace.boundingBox())!.width).toBeGreaterThan(120);
  await expectNoHorizontalScroll(alice);
  await namespace.fill(PAGES_GROUP);
  await row.getByLabel(`Project name for ${SHOWCASE_REPOSITORY}`).fill("rocket-launcher");
  await row.getByRole("button", { name: `Options for ${SHOWCASE_REPOSITORY}` }).click();
  await row.getByLabel(/Bitbucket users without a Ferry account/).selectOption("placeholders");
  await (again ? reimport : row.getByRole("button", { name: `Import ${SHOWCASE_REPOSITORY}`, exact: true })).click();
  await expect(row.getByTestId("last-imported")).toHaveText(`Last imported to ${PAGES_PROJECT}`);
  await expect
    .poll(async () => (await query<{ status: string }>("SELECT i.status::text AS status FROM project_imports i JOIN projects p ON p.id = i.project_id WHERE p.full_path = $1", [PAGES_PROJECT]))[0]?.status, {
      timeout: 120_000,
    })
    .toBe("finished");
  await visitAll(alice, "alice");

  // A placeholder's comment is marked once as imported (the author as a placeholder, the comment as imported).
  await alice.goto(`/${PAGES_PROJECT}/-/merge_requests/1`);
  const byPlaceholder = alice.getByRole("article", { name: "Comment by Bob Brown" }).first();
  await expect(byPlaceholder.getByTestId("placeholder-marker")).toHaveText("Placeholder");
  await expect(byPlaceholder.locator("header").getByText("Imported", { exact: true })).toHaveCount(1);

  await createLocalUser(PAGES_ADMIN, { admin: true });
  const admin = await narrowPage(browser);
  await signInWithPassword(admin, PAGES_ADMIN);
  await visitAll(admin, "admin");
});
