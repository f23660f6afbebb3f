import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { E2E } from "./environment";

export type SandboxRequest = { method: string; path: string; query: Record<string, string | string[]>; status: number; account: string | null };

export async function sandbox(pathname: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const response = await fetch(`${E2E.sandboxUrl}${pathname}`, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!response.ok) throw new Error(`sandbox ${pathname}: ${response.status} ${await response.text()}`);
  return response;
}

export async function sandboxRequests(): Promise<SandboxRequest[]> {
  const body = (await (await sandbox("/_sandbox/requests")).json()) as { requests?: SandboxRequest[] } | SandboxRequest[];
  return Array.isArray(body) ? body : (body.requests ?? []);
}

/** Signs in through the sandbox's consent page, starting from `startPath`. */
export async function signInWithBitbucket(page: Page, { startPath = "/import/bitbucket", account = "Alice Anders" } = {}) {
  await page.goto(startPath);
  await expect(page).toHaveURL(/\/sign-in/);
  // The button starts the OAuth flow from the browser: a click before hydration does nothing.
  await waitForHydration(page);
  await page.getByRole("button", { name: "Sign in with Bitbucket" }).click();
  await expect(page.getByRole("heading", { name: "Authorize Ferry" })).toBeVisible();
  await page.getByLabel(new RegExp(account)).check();
  await page.getByRole("button", { name: "Grant access" }).click();
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
  await waitForHydration(page);
}

/** Client components ignore input until React has hydrated the page (app/providers.tsx sets the marker). */
export async function waitForHydration(page: Page) {
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
}

/** Clicks "Load more" until every page is loaded; returns the full names of all rows (in list order). */
export async function loadAllRepositories(page: Page): Promise<string[]> {
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  // The first step has ended (rows of an earlier filter stay on screen while it loads).
  await expect(page.getByTestId("listing-summary")).not.toContainText("loading");
  const loadMore = page.getByRole("button", { name: /Load more repositories|Loading more/ });
  while (await loadMore.isVisible()) {
    await loadMore.click().catch(() => undefined);
    await page.waitForTimeout(200);
  }
  await expect(page.getByTestId("listing-summary")).not.toContainText(/more to load|loading/);
  return collectRepositoryNames(page);
}

async function nextFrame(page: Page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/**
 * The repository list is virtualized (only rows near the window are in the DOM): scrolls through
 * it, calling `visit` with the rows present at each position, until `visit` returns true or the end
 * is reached. Returns whether `visit` asked to stop.
 */
async function scrollThroughRepositories(page: Page, visit: (names: string[]) => boolean | Promise<boolean>): Promise<boolean> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await nextFrame(page);
  for (;;) {
    const names = await page.getByTestId("repository-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-full-name") ?? ""));
    if (await visit(names)) return true;
    const atEnd = await page.evaluate(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2);
    if (atEnd) return false;
    await page.evaluate(() => window.scrollBy(0, Math.floor(window.innerHeight * 0.8)));
    await nextFrame(page);
  }
}

/** Every row's full name, in list order; ends scrolled back to the top. */
export async function collectRepositoryNames(page: Page): Promise<string[]> {
  const names = new Set<string>();
  await scrollThroughRepositories(page, (visible) => {
    for (const name of visible) names.add(name);
    return false;
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  await nextFrame(page);
  return [...names];
}

/** Scrolls the (virtualized) list until the repository's row is rendered, and returns it. */
export async function repositoryRow(page: Page, fullName: string) {
  const row = page.locator(`[data-testid="repository-row"][data-full-name="${fullName}"]`);
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  // Rows of an earlier filter stay on screen while a new one loads: wait for the step to end.
  await expect(page.getByTestId("listing-summary")).not.toContainText("loading");
  if ((await row.count()) === 0) {
    const found = await scrollThroughRepositories(page, (names) => names.includes(fullName));
    if (!found) throw new Error(`No row for ${fullName}`);
  }
  await row.scrollIntoViewIfNeeded();
  return row;
}

export function runtimeDatabaseUrl(): string {
  return (JSON.parse(readFileSync(path.join(E2E.dataDir, "runtime.json"), "utf8")) as { databaseUrl: string }).databaseUrl;
}

export function encryptionKey(): Buffer {
  const secrets = JSON.parse(readFileSync(path.join(E2E.dataDir, "secrets.json"), "utf8")) as { encryptionKey: string };
  return Buffer.from(secrets.encryptionKey, "base64");
}

export async function query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: runtimeDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export const LOCAL_PASSWORD = "e2e password 123";

/** An administrator's way to make a local user: `npx ferry users create`, against the running Ferry's database. */
export async function createLocalUser(username: string, options: { admin?: boolean } = {}): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: E2E.dataDir };
  delete env.DATABASE_URL;
  const args = ["ferry", "users", "create", "--username", username, "--email", `${username}@example.com`, "--password", LOCAL_PASSWORD, ...(options.admin ? ["--admin"] : [])];
  const { stdout } = await promisify(execFile)("npx", args, { cwd: path.resolve(import.meta.dirname, ".."), env });
  expect(stdout).toContain(`Created ${options.admin ? "administrator" : "user"} ${username}`);
}

export async function signInWithPassword(page: Page, username: string, password = LOCAL_PASSWORD) {
  await page.goto("/sign-in?callbackUrl=/profile/account");
  await waitForHydration(page);
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-user")).toContainText(`@${username}`);
}

/** axe-core on the page as it is now: no serious or critical violation (WCAG 2.x A and AA rules). */
export async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 5).join(", ")}`);
  expect(serious, `accessibility violations on ${page.url()}`).toEqual([]);
}

/** Nothing on the page is wider than the window: it never scrolls sideways. */
export async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, clientWidth, culprits } = await page.evaluate(() => {
    const root = document.documentElement;
    const clipped = (element: HTMLElement) => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX !== "visible") return true;
      }
      return false;
    };
    const wide = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 1 && (!clipped(element) || getComputedStyle(element).position === "absolute"))
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}${element.dataset.testid ? `[data-testid=${element.dataset.testid}]` : ""}.${[...element.classList].slice(0, 4).join(".")}`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits: wide };
  });
  expect(scrollWidth, `${page.url()} scrolls sideways; too wide: ${culprits.join(" | ")}`).toBeLessThanOrEqual(clientWidth);
}
/**
 * `npx ferry tokens create`, against the running app's database (found through DATA_DIR/runtime.json).
 * Asynchronous: a blocked event loop would miss the server closing idle keep-alive sockets.
 */
export async function cliToken(username: string, scopes = "api", expires?: string): Promise<string> {
  const args = ["ferry", "tokens", "create", "--user", username, "--name", `e2e-${randomUUID().slice(0, 8)}`, "--scopes", scopes, ...(expires ? ["--expires", expires] : [])];
  const { stdout } = await promisify(execFile)("npx", args, { env: { ...process.env, DATA_DIR: E2E.dataDir }, encoding: "utf8" });
  const token = stdout.trim().split("\n").pop()!;
  expect(token).toMatch(/^ferry-pat-[A-Za-z0-9_-]{43}$/);
  return token;
}

/** The curl examples (```shell blocks) of the README section under `heading` ("### Importing from Bitbucket Cloud"), up to the next heading. */
export function readmeCurlExamples(heading: string): string[] {
  const readme = readFileSync(path.resolve(import.meta.dirname, "..", "README.md"), "utf8");
  const start = readme.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`README has no section ${heading}`);
  const rest = readme.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/\n#{1,3} /) === -1 ? undefined : rest.search(/\n#{1,3} /));
  return [...section.matchAll(/```shell\n([\s\S]*?)```/g)].map((match) => match[1]!).filter((block) => block.includes("curl"));
}

/** Runs a command without blocking the event loop (which would miss the server closing idle keep-alive sockets). */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
