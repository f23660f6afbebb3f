import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { stopJobs } from "@/lib/jobs";
import { SANDBOX_WORKSPACES, generateRepositories } from "@/mocks/bitbucket/seed";
import { resetDatabase } from "@/test/db";
import { createLinkedUser } from "@/test/fixtures";
import { killProcessGroup, startSandbox, startWorkerProcess, waitFor, type Sandbox } from "@/test/import";
import { startBitbucketImport } from "../start";

/**
 * The production topology: no workers in this (web) process, two `npm run worker` processes
 * sharing its PostgreSQL (the test run's server, not one a worker starts) and its DATA_DIR.
 */
let sandbox: Sandbox;
const workers: Array<{ process: ChildProcess; jobs: string[] }> = [];

beforeAll(async () => {
  sandbox = await startSandbox("topology");
  // Jobs of a killed worker go to the other one after a few seconds.
  process.env.JOB_EXPIRY_MAX_SECONDS = "8";
  await resetDatabase();
}, 120_000);

afterAll(async () => {
  for (const worker of workers) await killProcessGroup(worker.process);
  await stopJobs();
  await sandbox?.close();
});

function startWorker() {
  const worker = { process: startWorkerProcess({ IMPORT_CONCURRENCY: "3", JOB_EXPIRY_MAX_SECONDS: "8", JOB_MAINTENANCE_SECONDS: "1", JOB_LOG: "1" }), jobs: [] as string[] };
  let pending = "";
  worker.process.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("[jobs] import-unit ")) worker.jobs.push(line.split(" ")[2]!);
  });
  workers.push(worker);
  return worker;
}

it("spreads ten imports over two worker processes, and one of them dying loses nothing", { timeout: 300_000 }, async () => {
  const alice = await createLinkedUser(sandbox.state, "alice");
  const repositories = SANDBOX_WORKSPACES.filter((workspace) => workspace.members.some((member) => member.nickname === "alice"))
    .flatMap((workspace) => generateRepositories(workspace))
    .slice(0, 10)
    .map((repository) => repository.full_name);
  expect(repositories).toHaveLength(10);
  const started = await Promise.all(repositories.map((repository) => startBitbucketImport(alice, { repository })));
  const first = startWorker();
  const second = startWorker();

  // Both take work; then the second dies with units in hand.
  await waitFor(async () => first.jobs.length >= 3 && second.jobs.length >= 3 && (await db.mergeRequest.count()) > 0, 120_000, "both workers to take work");
  await killProcessGroup(second.process);
  const takenBySecond = new Set(second.jobs);

  const finished = await waitFor(
    async () => {
      const rows = await db.projectImport.findMany({ where: { id: { in: started.map((entry) => entry.importId) } } });
      return rows.every((row) => !isActiveImportStatus(row.status)) ? rows : null;
    },
    240_000,
    "every import to end",
  );
  expect(finished.map((row) => row.status)).toEqual(Array(10).fill("finished"));
  expect(takenBySecond.size).toBeGreaterThan(0);
  expect(first.jobs.length).toBeGreaterThan(0);
  expect(await db.importFailure.count()).toBe(0);

  // Nothing twice: each project holds what its source listed, and the counters match the rows.
  for (const { importId, projectId } of started) {
    const progress = new Map((await db.importProgress.findMany({ where: { importId } })).map((entry) => [entry.objectType, entry]));
    const mergeRequests = await db.mergeRequest.count({ where: { projectId } });
    const issues = await db.issue.count({ where: { projectId } });
    const notes = await db.note.count({ where: { projectId } });
    expect(mergeRequests).toBe(progress.get("pull_request")?.total ?? 0);
    expect(progress.get("pull_request")?.imported ?? 0).toBe(mergeRequests);
    expect(issues).toBe(progress.get("issue")?.imported ?? 0);
    expect(notes).toBe((progress.get("pull_request_note")?.imported ?? 0) + (progress.get("issue_note")?.imported ?? 0));
    expect(progress.get("repository")).toMatchObject({ total: 1, fetched: 1, imported: 1 });
  }
});
