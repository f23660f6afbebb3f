import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
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
