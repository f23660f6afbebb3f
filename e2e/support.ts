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

/** Clicks "Load more" until every page is loaded; returns the full names of all rows. */
export async function loadAllRepositories(page: Page): Promise<string[]> {
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  const loadMore = page.getByRole("button", { name: /Load more repositories|Loading more/ });
  while (await loadMore.isVisible()) {
    await loadMore.click().catch(() => undefined);
    await page.waitForTimeout(200);
  }
  await expect(page.getByTestId("listing-summary")).not.toContainText("more to load");
  return page.getByTestId("repository-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-full-name") ?? ""));
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
