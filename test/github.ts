/**
 * Fixtures for tests that run GitHub imports: the GitHub sandbox as a real server (git included)
 * with Ferry pointed at it, Ferry users linked to sandbox accounts, and the showcase imported once
 * per test file.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, test } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { scaleGitHubWaitsForTests } from "@/lib/github";
import { startGitHubImport, type StartGitHubImportInput } from "@/lib/import/github-start";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { startGithubServer, type GithubLogin, type GithubServer, type GithubState } from "@/mocks/github";
import { resetDatabase } from "./db";
import { createGithubLinkedUser } from "./github-accounts";

export { createGithubLinkedUser };
import { patchEnv } from "./env";
import { waitForImport } from "./import";

export type GithubSandbox = GithubServer;

/** The showcase's GitHub repository id. */
export const SHOWCASE_REPO_ID = 7001;

/**
 * The GitHub sandbox as a real server, Ferry pointed at it (GITHUB_URL, GITHUB_API_URL) with a
 * DATA_DIR of the file's own, and GitHub's waits (retry-after, backoff) shrunk to milliseconds.
 */
export async function startGithubTestSandbox(options: { state?: GithubState; env?: Record<string, string> } = {}): Promise<{ sandbox: GithubSandbox; stop(): Promise<void> }> {
  const sandbox = await startGithubServer({ port: 0, dataDir: mkdtempSync(path.join(tmpdir(), "ferry-github-sandbox-")), state: options.state });
  const restoreEnv = patchEnv({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "ferry-data-")),
    GITHUB_URL: sandbox.url,
    GITHUB_API_URL: sandbox.url,
    ALLOWED_HOSTS: `127.0.0.1:${sandbox.port}`,
    ...options.env,
  });
  const restoreWaits = scaleGitHubWaitsForTests(5);
  return {
    sandbox,
    stop: async () => {
      restoreWaits();
      await sandbox.close();
      restoreEnv();
    },
  };
}

export type GithubShowcaseImport = { alice: SessionUser; linked: Partial<Record<GithubLogin, SessionUser>>; importId: number; projectId: number; projectPath: string };

/** A fresh database and sandbox state, then alice (linked) imports acme/rocket; `link` names other linked accounts. */
export async function importGithubShowcaseOnce(sandbox: GithubSandbox, link: GithubLogin[] = [], input: Partial<StartGitHubImportInput> = {}): Promise<GithubShowcaseImport> {
  await resetDatabase();
  sandbox.state.reset();
  const alice = await createGithubLinkedUser("alice");
  const linked: GithubShowcaseImport["linked"] = {};
  for (const login of link) linked[login] = await createGithubLinkedUser(login);
  const started = await startGitHubImport(alice, { repoId: SHOWCASE_REPO_ID, optionalStages: { attachments_import: true }, ...input });
  const finished = await waitForImport(started.importId);
  if (finished.status !== "finished") {
    const failures = await db.importFailure.findMany({ where: { importId: started.importId } });
    throw new Error(`The GitHub showcase import ended ${finished.status}: ${finished.error ?? JSON.stringify(failures)}`);
  }
  return { alice, linked, importId: started.importId, projectId: started.projectId, projectPath: started.fullPath };
}

/** The showcase imported once for this test file, with its own sandbox and workers, stopped after the file. */
export function useImportedGithubShowcase(link: GithubLogin[] = []) {
  const showcase = { sandbox: undefined as unknown as GithubSandbox, imported: undefined as unknown as GithubShowcaseImport };
  let stop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    await resetDatabase();
    const started = await startGithubTestSandbox();
    showcase.sandbox = started.sandbox;
    stop = started.stop;
    await startImportWorkers();
    showcase.imported = await importGithubShowcaseOnce(showcase.sandbox, link);
  }, 180_000);
  afterAll(async () => {
    await stopJobs();
    await stop();
  });
  return showcase;
}

/**
 * A test with the GitHub sandbox served for the whole file (`github`) and a fresh database and
 * sandbox state before each test; import workers are not started.
 */
export const githubTest = test
  .extend("github", { scope: "file" }, async ({}, { onCleanup }) => {
    const { sandbox, stop } = await startGithubTestSandbox();
    onCleanup(async () => {
      await stopJobs();
      await stop();
    });
    return sandbox;
  })
  .extend("freshGithub", { auto: true }, async ({ github }) => {
    await resetDatabase();
    github.state.reset();
    return github.state;
  });
