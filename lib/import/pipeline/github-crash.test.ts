import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startGitHubImport } from "@/lib/import/github-start";
import { stopJobs } from "@/lib/jobs";
import { createGithubState } from "@/mocks/github";
import { resetDatabase } from "@/test/db";
import { createGithubLinkedUser, startGithubTestSandbox, type GithubSandbox } from "@/test/github";
import { useCrashableWorkers } from "@/test/import";

const BENCH_REPO_ID = 7100;
const PULL_REQUESTS = 150;
const ISSUES = 20;

let sandbox: GithubSandbox;
let stopSandbox: () => Promise<void>;
const { crashMidPullRequestsAndRestart } = useCrashableWorkers();

beforeAll(async () => {
  const state = createGithubState({
    bench: { pullRequests: PULL_REQUESTS, commentsPerPullRequest: 3, issues: ISSUES, commentsPerIssue: 1, commits: 60, branches: 4, lfsObjects: 0 },
    knobs: { latencyMs: 15 },
  });
  ({ sandbox, stop: stopSandbox } = await startGithubTestSandbox({ state }));
  await resetDatabase();
}, 120_000);

afterAll(async () => {
  await stopJobs();
  await stopSandbox?.();
});

it("survives a worker killed in the middle of the pull request stage, without duplicates or gaps", { timeout: 300_000 }, async () => {
  const alice = await createGithubLinkedUser("alice");
  // Small pages, so the pull request stage is seen half done.
  const started = await startGitHubImport(alice, { repoId: BENCH_REPO_ID, paginationLimit: 20 });
  const finished = await crashMidPullRequestsAndRestart(started, 40, PULL_REQUESTS);
  expect(finished.status).toBe("finished");
  const content = sandbox.state.content(sandbox.state.repositoryById(BENCH_REPO_ID)!);
  const pullNumbers = content.items.filter((item) => item.pull).map((item) => item.number);
  const iids = (await db.mergeRequest.findMany({ where: { projectId: started.projectId }, select: { iid: true }, orderBy: { iid: "asc" } })).map((row) => row.iid);
  expect(pullNumbers).toHaveLength(PULL_REQUESTS);
  expect(iids).toEqual(pullNumbers);
  expect(content.reviewComments.length).toBeGreaterThan(0);
  expect(await db.issue.count({ where: { projectId: started.projectId } })).toBe(ISSUES);
  expect(await db.note.count({ where: { projectId: started.projectId, type: "DiffNote" } })).toBe(content.reviewComments.length);
  expect(await db.note.count({ where: { projectId: started.projectId, system: false, type: null, NOT: { sourceId: { startsWith: "review-" } } } })).toBe(content.issueComments.length);
  const repeatedSources = await db.note.groupBy({ by: ["sourceId"], where: { projectId: started.projectId, sourceId: { not: null } }, _count: { _all: true }, having: { sourceId: { _count: { gt: 1 } } } });
  expect(repeatedSources).toEqual([]);
});
