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
  sandbox = await startSandbox();
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

  // Nothing twice, nothing lost: each project holds exactly what its source has.
  for (const [index, { projectId }] of started.entries()) {
    const [workspace, slug] = repositories[index]!.split("/") as [string, string];
    const source = sandbox.state.detail(sandbox.state.repository(workspace, slug)!).pullRequests;
    let comments = 0;
    for (let id = 1; id <= source.count; id++) comments += source.comments(id).filter((comment) => !comment.deleted && !comment.pending).length;
    expect(await db.mergeRequest.count({ where: { projectId } }), repositories[index]).toBe(source.count);
    expect(await db.note.count({ where: { projectId, mergeRequestId: { not: null } } }), repositories[index]).toBe(comments);
    expect(await db.issue.count({ where: { projectId } }), repositories[index]).toBe(0);
  }
});
