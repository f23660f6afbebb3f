import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { expect, type Browser } from "@playwright/test";
import { SANDBOX_ACCOUNTS } from "../mocks/bitbucket/seed.ts";
import { SHOWCASE_REPOSITORY } from "../mocks/bitbucket/showcase.ts";
import { E2E } from "./environment";
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
  await signInWithBitbucket(await context.newPage(), { startPath: "/" });
  await context.storageState({ path: stateFile });
  await context.close();

  const { stdout } = await promisify(execFile)("npx", ["ferry", "tokens", "create", "--user", "alice", "--name", `showcase-${randomUUID().slice(0, 8)}`, "--scopes", "api"], {
    env: { ...process.env, DATA_DIR: E2E.dataDir },
    encoding: "utf8",
  });
  const token = stdout.trim().split("\n").pop()!;
  const alice = SANDBOX_ACCOUNTS.alice;
  const started = await fetch(`${E2E.appUrl}/api/v4/import/bitbucket`, {
    method: "POST",
    headers: { "private-token": token, "content-type": "application/json" },
    body: JSON.stringify({ bitbucket_email: alice.email, bitbucket_api_token: alice.apiToken, repo_path: SHOWCASE_REPOSITORY, target_namespace: group }),
  });
  expect(started.status).toBe(201);
  const project = `${group}/${SHOWCASE_REPOSITORY.split("/")[1]}`;
  const status = async () => (await query<{ status: string }>("SELECT i.status::text AS status FROM project_imports i JOIN projects p ON p.id = i.project_id WHERE p.full_path = $1", [project]))[0]?.status;
  await expect.poll(status, { timeout: 150_000, intervals: [500] }).toBe("finished");
  return project;
}

/** Removes the project and its group again, so the import page of later specs does not show it as "Last imported to". */
export async function removeImport(group: string, project: string): Promise<void> {
  await query("DELETE FROM projects WHERE full_path = $1", [project]);
  await query("DELETE FROM namespaces WHERE full_path = $1", [group]);
}
