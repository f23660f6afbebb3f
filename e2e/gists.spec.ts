import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { GITHUB_ACCOUNTS, GITHUB_GISTS } from "../mocks/github/seed.ts";
import { E2E } from "./environment";
import { cliToken, readmeCurlExamples, signInWithBitbucket } from "./support";

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
  const useToken = page.getByRole("button", { name: "Use a personal access token instead" });
  // A GitHub account connected earlier is used by default; these runs type a sandbox token.
  await expect(tokenField.or(useToken)).toBeVisible();
  if (await useToken.isVisible()) await useToken.click();
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

test("the README's gists curl examples run as written (host and token adjusted), and the snippets read back", async () => {
  const token = await cliToken(username);
  const curl = async (block: string) => {
    const command = block.replaceAll("https://ferry.example.com", E2E.appUrl).replaceAll("YOUR_TOKEN", token);
    return JSON.parse((await promisify(execFile)("bash", ["-c", command], { encoding: "utf8" })).stdout) as { status: string; imported: unknown[]; skipped: unknown[] };
  };
  const [start, follow] = readmeCurlExamples("### Importing GitHub gists as snippets") as [string, string];

  expect(["scheduled", "started"]).toContain((await curl(start)).status);
  await expect.poll(async () => (await curl(follow)).status, { timeout: 30_000 }).toBe("finished");
  const last = await curl(follow);
  expect(last.imported).toHaveLength(2);
  expect(last.skipped).toEqual([{ gist_id: elevenFiles!.id, title: elevenFiles!.description, reason: expect.stringContaining("at most 10") }]);

  const read = async (url: string) => fetch(url.startsWith("http") ? url : `${E2E.appUrl}/api/v4${url}`, { headers: { "private-token": token } });
  const snippets = (await (await read("/snippets")).json()) as Array<{ title: string; visibility: string; files: Array<{ path: string; raw_url: string }> }>;
  // The repeated import updated the snippets of the first one: still one per gist.
  expect(snippets.map((snippet) => [snippet.title, snippet.visibility]).sort()).toEqual([
    ["Deploy helpers", "public"],
    ["notes.txt", "private"],
  ]);
  const deploy = snippets.find((snippet) => snippet.title === "Deploy helpers")!;
  const raw = await read(deploy.files.find((file) => file.path === "deploy.sh")!.raw_url);
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
