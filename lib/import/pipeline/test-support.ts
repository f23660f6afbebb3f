/**
 * For the pipeline's integration tests: a real sandbox server (git included), real PostgreSQL,
 * in-process import workers, and one import of the showcase repository.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SessionUser } from "@/lib/auth";
import { resetConfigForTests } from "@/lib/config";
import { db } from "@/lib/db";
import { SANDBOX_CONSUMER, SHOWCASE_REPOSITORY, startSandboxServer, type SANDBOX_ACCOUNTS, type SandboxState } from "@/mocks/bitbucket";
import { resetDatabase } from "@/test/db";
import { createLinkedUser } from "@/test/fixtures";
import { startBitbucketImport } from "../start";
import { startImportWorkers } from "../workers";

export type Sandbox = Awaited<ReturnType<typeof startSandboxServer>>;

/**
 * Gives this test file a DATA_DIR of its own. Test files run in parallel with databases of their
 * own, so their project ids collide: in a shared DATA_DIR, two imports would fetch into the
 * same `repositories/1.git`. Call it before anything reads the configuration.
 */
export function useOwnDataDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `ferry-${name}-data-`));
  process.env.DATA_DIR = dir;
  resetConfigForTests();
  return dir;
}

/** Starts the sandbox as a real server, points Ferry's Bitbucket settings at it and starts the import workers. */
export async function startPipelineSandbox(name: string, options: { state?: SandboxState } = {}): Promise<Sandbox> {
  useOwnDataDir(name);
  const sandbox = await startSandboxServer({ port: 0, dataDir: mkdtempSync(path.join(tmpdir(), `ferry-${name}-`)), state: options.state });
  Object.assign(process.env, {
    BITBUCKET_URL: sandbox.url,
    BITBUCKET_API_URL: sandbox.url,
    BITBUCKET_CLIENT_ID: SANDBOX_CONSUMER.key,
    BITBUCKET_CLIENT_SECRET: SANDBOX_CONSUMER.secret,
  });
  resetConfigForTests();
  await startImportWorkers();
  return sandbox;
}

export async function waitForTerminal(importId: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId } });
    if (!["scheduled", "started"].includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`import still ${row.status} at stage ${row.stage}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export type ShowcaseImport = {
  /** The importing user. */
  alice: SessionUser;
  /** Other Ferry users whose Bitbucket identity is linked (mapped authors). */
  linked: Partial<Record<keyof typeof SANDBOX_ACCOUNTS, SessionUser>>;
  importId: number;
  projectId: number;
  projectPath: string;
};

/**
 * A fresh database, then alice imports acme/rocket-launcher with the issue tracker served.
 * `link` names sandbox accounts that are Ferry users too, so their content maps to them.
 */
export async function importShowcaseOnce(sandbox: Sandbox, link: Array<"bob" | "carol"> = []): Promise<ShowcaseImport> {
  await resetDatabase();
  sandbox.state.reset();
  sandbox.state.updateKnobs({ issuesRemoved: false });
  const alice = await createLinkedUser(sandbox.state, "alice");
  const linked: ShowcaseImport["linked"] = {};
  for (const nickname of link) linked[nickname] = await createLinkedUser(sandbox.state, nickname);
  const started = await startBitbucketImport(alice, { repository: SHOWCASE_REPOSITORY });
  const finished = await waitForTerminal(started.importId);
  if (finished.status !== "finished") {
    const failures = await db.importFailure.findMany({ where: { importId: started.importId } });
    throw new Error(`The showcase import ended ${finished.status}: ${finished.error ?? JSON.stringify(failures)}`);
  }
  return { alice, linked, importId: started.importId, projectId: started.projectId, projectPath: started.fullPath };
}
