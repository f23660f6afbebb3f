import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BENCH_REPOSITORY, SANDBOX_CONSUMER, createSandboxState, startSandboxServer } from "@/mocks/bitbucket";
import { resetConfigForTests } from "@/lib/config";
import { db } from "@/lib/db";
import { stopJobs } from "@/lib/jobs";
import { resetDatabase } from "@/test/db";
import { createLinkedUser } from "@/test/fixtures";
import { startBitbucketImport } from "../start";
import { useOwnDataDir } from "./test-support";

const PULL_REQUESTS = 400;
const COMMENTS = 2;
const root = path.resolve(import.meta.dirname, "../../..");

type Sandbox = Awaited<ReturnType<typeof startSandboxServer>>;
let sandbox: Sandbox;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  // The restarted worker processes share this DATA_DIR (and the secrets in it).
  useOwnDataDir("crash");
  const state = createSandboxState({
    bench: { pullRequests: PULL_REQUESTS, commentsPerPullRequest: COMMENTS, issues: 0, users: 3, commits: 60, branches: 4, lfsObjects: 0 },
    knobs: { latencyMs: 15 },
  });
  sandbox = await startSandboxServer({ port: 0, dataDir: mkdtempSync(path.join(tmpdir(), "ferry-crash-")), state });
  Object.assign(process.env, {
    BITBUCKET_URL: sandbox.url,
    BITBUCKET_API_URL: sandbox.url,
    BITBUCKET_CLIENT_ID: SANDBOX_CONSUMER.key,
    BITBUCKET_CLIENT_SECRET: SANDBOX_CONSUMER.secret,
  });
  resetConfigForTests();
  await resetDatabase();
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) killProcessGroup(worker);
  await stopJobs();
  await sandbox?.close();
});

/**
 * `npm run worker` as a process of its own, against this test's database and sandbox. Node runs
 * the script itself (tsx as a loader, not tsx's CLI, which would run it in a child of its own that
 * a SIGKILL of the CLI leaves running), in a process group of its own.
 */
function startWorker(): ChildProcess {
  const worker = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/worker.ts")], {
    cwd: root,
    env: { ...process.env, IMPORT_CONCURRENCY: "3" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  worker.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[worker ${worker.pid}] ${chunk}`));
  workers.push(worker);
  return worker;
}

/** SIGKILL to the worker and anything it started (git), as a crash would end them. */
function killProcessGroup(worker: ChildProcess): void {
  try {
    process.kill(-worker.pid!, "SIGKILL");
  } catch {
    /* already gone */
  }
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it("survives a worker killed in the middle of the pull request stage", { timeout: 300_000 }, async () => {
  const alice = await createLinkedUser(sandbox.state, "alice");
  const started = await startBitbucketImport(alice, { repository: BENCH_REPOSITORY });

  const first = startWorker();
  await waitFor(
    async () => (await db.mergeRequest.count({ where: { projectId: started.projectId } })) >= 60,
    180_000,
    "the pull request stage to be under way",
  );
  killProcessGroup(first);
  await new Promise((resolve) => first.once("exit", resolve));
  const atCrash = await db.mergeRequest.count({ where: { projectId: started.projectId } });
  expect(atCrash).toBeLessThan(PULL_REQUESTS);
  // Really dead: nothing moves until a worker starts again.
  const notesAtCrash = await db.note.count({ where: { projectId: started.projectId } });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await db.mergeRequest.count({ where: { projectId: started.projectId } })).toBe(atCrash);
  expect(await db.note.count({ where: { projectId: started.projectId } })).toBe(notesAtCrash);

  startWorker();
  const finished = await waitFor(
    async () => {
      const row = await db.projectImport.findUniqueOrThrow({ where: { id: started.importId } });
      return ["scheduled", "started"].includes(row.status) ? null : row;
    },
    240_000,
    "the import to finish after the restart",
  );
  expect(finished.status).toBe("finished");
  expect(await db.mergeRequest.count({ where: { projectId: started.projectId } })).toBe(PULL_REQUESTS);
  const iids = (await db.mergeRequest.findMany({ where: { projectId: started.projectId }, select: { iid: true } })).map((row) => row.iid);
  expect(new Set(iids).size).toBe(PULL_REQUESTS);
  const [workspace, slug] = BENCH_REPOSITORY.split("/") as [string, string];
  const detail = sandbox.state.detail(sandbox.state.repository(workspace, slug)!);
  let expectedNotes = 0;
  for (let id = 1; id <= PULL_REQUESTS; id++) {
    expectedNotes += detail.pullRequests.comments(id).filter((comment) => !comment.deleted && !comment.pending).length;
  }
  expect(expectedNotes).toBeGreaterThan(0);
  expect(await db.note.count({ where: { projectId: started.projectId } })).toBe(expectedNotes);
  const progress = await db.importProgress.findUniqueOrThrow({ where: { importId_objectType: { importId: started.importId, objectType: "pull_request" } } });
  expect(progress.total).toBe(PULL_REQUESTS);
});
