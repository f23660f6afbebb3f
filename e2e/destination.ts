import { expect, type Browser } from "@playwright/test";
import { SANDBOX_ACCOUNTS } from "../mocks/bitbucket/seed.ts";
import { SHOWCASE_REPOSITORY } from "../mocks/bitbucket/showcase.ts";
import { query, sandbox, signInWithBitbucket } from "./support";

/** Helpers for the pages people reach after an import (dashboard, groups, repository, merge request tabs). */

/**
 * alice signs in (her session saved to `stateFile`) and imports the showcase into the group
 * `group` through the API, which is waited for until it finishes.
 */
export async function importShowcaseInto(browser: Browser, group: string, stateFile: string): Promise<string> {
  await sandbox("/_sandbox/reset", { method: "POST" });
  await sandbox("/_sandbox/config", { method: "PUT", body: { issuesRemoved: false } });
  const context = await browser.newContext({ storageState: undefined });
  const page = await context.newPage();
  await signInWithBitbucket(page, { startPath: "/" });
  await context.storageState({ path: stateFile });
  // The signed-in session may write to the API from Ferry's own pages.
  const alice = SANDBOX_ACCOUNTS.alice;
  const body = { bitbucket_email: alice.email, bitbucket_api_token: alice.apiToken, repo_path: SHOWCASE_REPOSITORY, target_namespace: group };
  const status = await page.evaluate(async (json) => (await fetch("/api/v4/import/bitbucket", { method: "POST", headers: { "content-type": "application/json" }, body: json })).status, JSON.stringify(body));
  expect(status).toBe(201);
  await context.close();
  const project = `${group}/${SHOWCASE_REPOSITORY.split("/")[1]}`;
  const importStatus = async () => (await query<{ status: string }>("SELECT i.status::text AS status FROM project_imports i JOIN projects p ON p.id = i.project_id WHERE p.full_path = $1", [project]))[0]?.status;
  await expect.poll(importStatus, { timeout: 150_000, intervals: [500] }).toBe("finished");
  return project;
}

/** Removes the project and its group again, so the import page of later specs does not show it as "Last imported to". */
export async function removeImport(group: string, project: string): Promise<void> {
  await query("DELETE FROM projects WHERE full_path = $1", [project]);
  await query("DELETE FROM namespaces WHERE full_path = $1", [group]);
}
