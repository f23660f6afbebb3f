import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopJobs } from "@/lib/jobs";
import { BENCH_REPOSITORY, commentCount, type BitbucketServerSandbox } from "@/mocks/bitbucket-server";
import { ferryUser, serverConnection, startServerSandbox } from "@/test/bitbucket-server";
import { resetDatabase } from "@/test/db";
import { useCrashableWorkers } from "@/test/import";
import { startBitbucketServerImport } from "../start-bitbucket-server";

const PULL_REQUESTS = 150;

let sandbox: BitbucketServerSandbox;
let stopSandbox: () => Promise<void>;
const { crashMidPullRequestsAndRestart } = useCrashableWorkers();

beforeAll(async () => {
  ({ sandbox, stop: stopSandbox } = await startServerSandbox({ bench: { pullRequests: PULL_REQUESTS, maxActivities: 4 }, knobs: { latencyMs: 15, maxLimit: 50 } }));
  await resetDatabase();
}, 120_000);

afterAll(async () => {
  await stopJobs();
  await stopSandbox?.();
});

it("survives a worker killed in the middle of the pull request stage, without duplicates or gaps", { timeout: 300_000 }, async () => {
  const alice = await ferryUser("alice", { linkTo: "alice" });
  const [projectKey, slug] = BENCH_REPOSITORY.split("/") as [string, string];
  const started = await startBitbucketServerImport(alice, { connection: serverConnection(sandbox), projectKey, slug });
  const finished = await crashMidPullRequestsAndRestart(started, 40, PULL_REQUESTS);
  expect(finished.status).toBe("finished");
  const iids = (await db.mergeRequest.findMany({ where: { projectId: started.projectId }, select: { iid: true } })).map((row) => row.iid);
  expect(new Set(iids).size).toBe(PULL_REQUESTS);
  expect(iids.length).toBe(PULL_REQUESTS);
  const content = sandbox.state.content(sandbox.state.repository(projectKey, slug)!);
  const events = content.pullRequests.reduce((sum, pr) => sum + pr.activities.filter((activity) => activity.action === "MERGED" || activity.action === "DECLINED").length, 0);
  const comments = content.pullRequests.reduce((sum, pr) => sum + commentCount(pr), 0);
  expect(await db.note.count({ where: { projectId: started.projectId } })).toBe(comments + events);
});
