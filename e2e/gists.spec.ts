import { expect, test, type Page } from "@playwright/test";
import { GITHUB_ACCOUNTS, GITHUB_GISTS } from "../mocks/github/seed.ts";
import { E2E } from "./environment";
import { cliToken, signInWithBitbucket } from "./support";

/**
 * GitHub gists → Ferry snippets against the demo's GitHub sandbox: in the browser (Profile →
 * Snippets, Import my gists, the results, a snippet's page), then through the REST API with a
 * personal access token (a repeated import that adds no copies).
 */

test.describe.configure({ mode: "serial" });

const aliceGists = GITHUB_GISTS.filter((gist) => gist.owner === "alice");
const [deployGist, , elevenFiles] = aliceGists;
let username = "";

/** Profile → Snippets → Import my gists with a GitHub token typed in, until the run is Complete. */
async function importGistsInBrowser(page: Page, token: string) {
  await signInWithBitbucket(page, { startPath: "/profile/snippets" });
  await expect(page.getByRole("heading", { name: "Snippets", level: 1 })).toBeVisible();
  const tokenField = page.getByLabel("GitHub personal access token");
  // A GitHub account connected earlier is used by default; these runs type a sandbox token.
  if (!(await tokenField.isVisible())) await page.getByRole("button", { name: "Use a personal access token instead" }).click();
  await tokenField.fill(token);
  await page.getByRole("button", { name: "Import my gists" }).click();
  await expect(page.getByTestId("gists-import-status")).toHaveText("Complete", { timeout: 30_000 });
}

test("imports my gists from Profile → Snippets and opens one", async ({ page }) => {
  await importGistsInBrowser(page, GITHUB_ACCOUNTS.alice.token!);
  username = ((await (await page.request.get("/api/v4/user")).json()) as { username: string }).username;
  const imported = page.getByTestId("gists-imported");
  await expect(imported.getByRole("listitem")).toHaveCount(2);
  await expect(imported).toContainText("Deploy helpers");
  await expect(imported).toContainText("notes.txt");
  await expect(page.getByTestId("gists-skipped")).toContainText(elevenFiles!.description!);
  await expect(page.getByTestId("gists-skipped")).toContainText("11 files; a snippet holds at most 10");
  await expect(page.getByTestId("snippet-row")).toHaveCount(2);

  await imported.getByRole("link", { name: "Deploy helpers" }).click();
  await expect(page.getByRole("heading", { name: "Deploy helpers", level: 1 }).first()).toBeVisible();
  await expect(page.getByTestId("visibility-badge")).toHaveText("Public");
  const files = page.getByTestId("snippet-file");
  await expect(files).toHaveCount(2);
  await expect(page.getByRole("region", { name: "deploy.sh" })).toContainText('echo deploy "$1"');
  // README.md is rendered as Markdown.
  await expect(page.getByRole("region", { name: "README.md" }).getByRole("heading", { name: "Deploy helpers" })).toBeVisible();
});

test("imports gists through the API and reads the snippets back", async () => {
  const token = await cliToken(username);
  const call = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${E2E.appUrl}/api/v4${pathname}`, {
      method,
      headers: { "private-token": token, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, text: await response.text() };
  };

  const started = await call("POST", "/import/github/gists", { personal_access_token: GITHUB_ACCOUNTS.alice.token });
  expect(started.status).toBe(202);
  await expect.poll(async () => (JSON.parse((await call("GET", "/import/github/gists")).text) as { status: string }).status, { timeout: 30_000 }).toBe("finished");
  const last = JSON.parse((await call("GET", "/import/github/gists")).text) as { imported: unknown[]; skipped: Array<{ gist_id: string; reason: string }> };
  expect(last.imported).toHaveLength(2);
  expect(last.skipped).toEqual([{ gist_id: elevenFiles!.id, title: elevenFiles!.description, reason: expect.stringContaining("at most 10") }]);

  const snippets = JSON.parse((await call("GET", "/snippets")).text) as Array<{ id: number; title: string; visibility: string; files: Array<{ path: string; raw_url: string }> }>;
  expect(snippets.map((snippet) => [snippet.title, snippet.visibility]).sort()).toEqual([
    ["Deploy helpers", "public"],
    ["notes.txt", "private"],
  ]);
  const deploy = snippets.find((snippet) => snippet.title === "Deploy helpers")!;
  const rawUrl = deploy.files.find((file) => file.path === "deploy.sh")!.raw_url;
  const raw = await fetch(rawUrl, { headers: { "private-token": token } });
  expect(await raw.text()).toBe(deployGist!.revisions.at(-1)!.files.find((file) => file.filename === "deploy.sh")!.content);
});

test("shows a snippet's markup as text: no script of a gist runs", async ({ page }) => {
  const markup = GITHUB_GISTS.find((gist) => gist.owner === "carol")!;
  await importGistsInBrowser(page, GITHUB_ACCOUNTS.carol.token!);

  await page.getByTestId("gists-imported").getByRole("link", { name: markup.description! }).click();
  await expect(page.getByRole("region", { name: "page.html" })).toContainText("<script>window.__gistXss = 4</script>");
  const notes = page.getByRole("region", { name: "notes.md" });
  await expect(notes.getByRole("heading", { name: "Notes", exact: true })).toBeVisible();
  await expect(notes.locator("script, [onerror], a[href^='javascript:']")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __gistXss?: number }).__gistXss)).toBeUndefined();
});
