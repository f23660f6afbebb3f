/**
 * Fixtures for tests that run the import pipeline: a real sandbox server (git included), real
 * PostgreSQL, import workers (in this process, or as `npm run worker` processes), and waiting for
 * an import to end.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { SessionUser } from "@/lib/auth";
import { afterAll, beforeAll, expect } from "vitest";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { cancelImport } from "@/lib/import/control";
import { startBitbucketImport } from "@/lib/import/start";
import { isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { startSync } from "@/lib/import/sync/control";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { SHOWCASE_REPOSITORY, type SANDBOX_ACCOUNTS, type SandboxState } from "@/mocks/bitbucket";
import { resetDatabase } from "@/test/db";
import { createLinkedUser } from "@/test/fixtures";
import { startTestSandbox, type Sandbox } from "@/test/sandbox";

export type { Sandbox };

const root = path.resolve(import.meta.dirname, "..");

/** Starts the sandbox as a real server and points Ferry at it, with a DATA_DIR of this file's own (workers not started). */
export async function startSandbox(options: { state?: SandboxState } = {}): Promise<Sandbox> {
  return (await startTestSandbox(options)).sandbox;
}

/** The sandbox and this process's import workers. */
export async function startPipelineSandbox(options: { state?: SandboxState } = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  await startImportWorkers();
  return sandbox;
}

/** Waits until the import is no longer scheduled or started; returns its row. */
export async function waitForImport(importId: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId } });
    if (!isActiveImportStatus(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`import still ${row.status} at stage ${row.stage}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls `probe` until it gives a value. */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A sync canceled before any of its units ran: started while no worker runs, canceled, then the
 * workers started again. Returns the sync's final row.
 */
export async function cancelSyncBeforeItRuns(importId: number, userId: string) {
  await stopJobs();
  const { id } = await startSync(importId, { trigger: "manual", userId });
  await cancelImport(userId, importId);
  await startImportWorkers();
  return waitFor(async () => {
    const sync = await db.projectSync.findUniqueOrThrow({ where: { id } });
    return sync.status === "started" || sync.status === "scheduled" ? null : sync;
  }, 60_000, `sync ${id}`);
}

/**
 * `npm run worker` as a process of its own, against this test's database, DATA_DIR and sandbox.
 * Node runs the script itself (tsx as a loader, not tsx's CLI, which would run it in a child of
 * its own that a SIGKILL of the CLI leaves running), in a process group of its own.
 */
export function startWorkerProcess(env: Record<string, string> = {}): ChildProcess {
  const worker = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/worker.ts")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  worker.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[worker ${worker.pid}] ${chunk}`));
  return worker;
}

/** SIGKILL to the worker and anything it started (git), as a crash would end them; resolves when it is gone. */
export async function killProcessGroup(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  try {
    process.kill(-worker.pid!, "SIGKILL");
  } catch {
    return; // already gone
  }
  await exited;
}

/**
 * Worker processes for a crash test: jobs a killed worker held expire after a few seconds, so
 * pg-boss gives them to the next worker (this process's jobs expire alike, as the processes share
 * DATA_DIR and the database). Every worker started is killed after the file.
 */
export function useCrashableWorkers() {
  const workers: ChildProcess[] = [];
  beforeAll(() => {
    process.env.JOB_EXPIRY_MAX_SECONDS = "5";
  });
  afterAll(async () => {
    for (const worker of workers) await killProcessGroup(worker);
  });
  function startWorker(): ChildProcess {
    const worker = startWorkerProcess({ IMPORT_CONCURRENCY: "3", JOB_EXPIRY_MAX_SECONDS: "5", JOB_MAINTENANCE_SECONDS: "1" });
    workers.push(worker);
    return worker;
  }
  return {
    startWorker,
    /**
     * Runs the import in a worker killed once `killAt` of its merge requests are in (fewer than
     * `total`: the pull request stage is cut short), then in a new worker; resolves with the ended import.
     */
    async crashMidPullRequestsAndRestart(started: { importId: number; projectId: number }, killAt: number, total: number) {
      const first = startWorker();
      const mergeRequests = () => db.mergeRequest.count({ where: { projectId: started.projectId } });
      await waitFor(async () => (await mergeRequests()) >= killAt, 180_000, "the pull request stage to be under way");
      await killProcessGroup(first);
      expect(await mergeRequests()).toBeLessThan(total);
      startWorker();
      return waitForImport(started.importId, 240_000);
    },
  };
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
  const finished = await waitForImport(started.importId);
  if (finished.status !== "finished") {
    const failures = await db.importFailure.findMany({ where: { importId: started.importId } });
    throw new Error(`The showcase import ended ${finished.status}: ${finished.error ?? JSON.stringify(failures)}`);
  }
  return { alice, linked, importId: started.importId, projectId: started.projectId, projectPath: started.fullPath };
}

/**
 * Imports the showcase once for this test file (a sandbox and workers of its own, `link`ed users
 * mapped) and stops everything after the file. The returned object's fields are set before the
 * file's first test.
 */
export function useImportedShowcase(link: Array<"bob" | "carol"> = []) {
  const showcase = {
    sandbox: undefined as unknown as Sandbox,
    imported: undefined as unknown as ShowcaseImport,
    /** The showcase repository's records in the sandbox. */
    detail: () => showcase.sandbox.state.detail(showcase.sandbox.state.repository("acme", "rocket-launcher")!),
    /** The imported project's web URL. */
    projectUrl: () => `${config().NEXTAUTH_URL}/${showcase.imported.projectPath}`,
  };
  beforeAll(async () => {
    await resetDatabase();
    showcase.sandbox = await startPipelineSandbox();
    showcase.imported = await importShowcaseOnce(showcase.sandbox, link);
  }, 180_000);
  afterAll(async () => {
    await stopJobs();
    await showcase.sandbox?.close();
  });
  return showcase;
}
