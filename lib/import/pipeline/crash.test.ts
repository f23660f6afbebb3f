import { afterAll, beforeAll, expect, it } from "vitest";
import { BENCH_REPOSITORY, createSandboxState } from "@/mocks/bitbucket";
import { db } from "@/lib/db";
import { isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { stopJobs } from "@/lib/jobs";
import { resetDatabase } from "@/test/db";
import { createLinkedUser } from "@/test/fixtures";
import { killProcessGroup, startSandbox, useCrashableWorkers, waitFor, type Sandbox } from "@/test/import";
import { startBitbucketImport } from "../start";

const PULL_REQUESTS = 400;
const COMMENTS = 2;

let sandbox: Sandbox;
const { startWorker } = useCrashableWorkers();

beforeAll(async () => {
  const state = createSandboxState({
    bench: { pullRequests: PULL_REQUESTS, commentsPerPullRequest: COMMENTS, issues: 0, users: 3, commits: 60, branches: 4, lfsObjects: 0 },
    knobs: { latencyMs: 15 },
  });
  sandbox = await startSandbox({ state });
  await resetDatabase();
}, 120_000);

afterAll(async () => {
  await stopJobs();
  await sandbox?.close();
});

it("survives a worker killed in the middle of the pull request stage", { timeout: 300_000 }, async () => {
  const alice = await createLinkedUser(sandbox.state, "alice");
  const started = await startBitbucketImport(alice, { repository: BENCH_REPOSITORY });

  const first = startWorker();
  await waitFor(
    async () => (await db.mergeRequest.count({ where: { projectId: started.projectId } })) >= 60,
    180_000,
    "the pull request stage to be under way",
  );
  await killProcessGroup(first);
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
      return isActiveImportStatus(row.status) ? null : row;
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
