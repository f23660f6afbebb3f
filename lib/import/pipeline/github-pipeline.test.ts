import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { createGithubState, minimumImportRequests, type GithubState } from "@/mocks/github";
import { resetDatabase } from "@/test/db";
import { createGithubLinkedUser, startGithubTestSandbox, type GithubSandbox } from "@/test/github";
import { waitFor, waitForImport } from "@/test/import";
import { cancelImport } from "../control";
import { startGitHubImport } from "../github-start";

const BENCH_REPO_ID = 7100;
const SIZES = { pullRequests: 40, commentsPerPullRequest: 3, issues: 40, commentsPerIssue: 2, commits: 40, branches: 3, lfsObjects: 0 };

let sandbox: GithubSandbox;
let stop: () => Promise<void>;
let state: GithubState;

beforeAll(async () => {
  state = createGithubState({ repositories: 0, bench: SIZES });
  ({ sandbox, stop } = await startGithubTestSandbox({ state }));
  await startImportWorkers();
}, 120_000);

afterAll(async () => {
  await stopJobs();
  await stop();
});

async function counts(projectId: number) {
  const [mergeRequests, issues, diffNotes, notes] = await Promise.all([
    db.mergeRequest.count({ where: { projectId } }),
    db.issue.count({ where: { projectId } }),
    db.note.count({ where: { projectId, type: "DiffNote" } }),
    db.note.count({ where: { projectId, system: false, type: null, NOT: { sourceId: { startsWith: "review-" } } } }),
  ]);
  return { mergeRequests, issues, diffNotes, notes };
}

function expectedCounts() {
  const content = state.content(state.repositoryById(BENCH_REPO_ID)!);
  return {
    mergeRequests: content.items.filter((item) => item.pull).length,
    issues: content.items.filter((item) => !item.pull).length,
    diffNotes: content.reviewComments.length,
    notes: content.issueComments.length,
  };
}

describe("GitHub imports under faults", () => {
  it("loses and duplicates nothing with 30% secondary limits, 5% server errors and a token revoked midway (the account reconnected)", { timeout: 120_000 }, async () => {
    await resetDatabase();
    state.reset();
    const alice = await createGithubLinkedUser("alice");
    state.clearRequests();
    state.updateKnobs({ secondaryRateLimitRatio: 0.3, error5xxRatio: 0.05, retryAfterSeconds: 1 });
    const started = await startGitHubImport(alice, { repoId: BENCH_REPO_ID, paginationLimit: 10 });
    await waitFor(async () => (await db.mergeRequest.count({ where: { projectId: started.projectId } })) >= 10, 60_000, "pull requests to arrive");
    state.revokeTokensOf(1001);
    await db.account.updateMany({ where: { userId: alice.id, provider: "github" }, data: { access_token: encryptSecret(state.issueToken(1001)) } });
    const finished = await waitForImport(started.importId, 100_000);
    expect(finished.status, JSON.stringify(await db.importFailure.findMany({ where: { importId: started.importId } }))).toBe("finished");
    expect(await counts(started.projectId)).toEqual(expectedCounts());
    const duplicates = await db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM (SELECT source_id FROM notes WHERE project_id = ${started.projectId} GROUP BY merge_request_id, issue_id, source_id HAVING count(*) > 1) d`;
    expect(Number(duplicates[0]!.n)).toBe(0);
    expect(state.requests().some((entry) => entry.status === 429 || entry.status === 403)).toBe(true);
    // Answered requests, the refused ones (limits, errors, the revoked token) aside: about the minimum for the data.
    const answered = state.requests().filter((entry) => entry.status === 200 && !entry.path.includes(".git") && !entry.path.startsWith("/_"));
    const budget = minimumImportRequests(state, state.repositoryById(BENCH_REPO_ID)!, { perPage: 10 });
    expect(answered.length).toBeLessThanOrEqual(Math.ceil(budget.minimum * 1.05));
  });

  it("waits for an exhausted primary limit until it resets, showing when, and can be cancelled meanwhile", { timeout: 60_000 }, async () => {
    await resetDatabase();
    state.reset();
    const alice = await createGithubLinkedUser("alice");
    const started = await startGitHubImport(alice, { repoId: BENCH_REPO_ID });
    state.setRateLimit("alice", { remaining: 0, resetInSeconds: 3600 });
    const exhaustedAt = state.requestCount;
    const waiting = await waitFor(async () => (await db.projectImport.findUniqueOrThrow({ where: { id: started.importId } })).waitingUntil, 30_000, "the rate-limit wait").catch(async (error) => {
      console.log(JSON.stringify(await db.projectImport.findUniqueOrThrow({ where: { id: started.importId } })), JSON.stringify(await db.importFailure.findMany()), JSON.stringify(state.requests().slice(-5)));
      throw error;
    });
    expect(Math.abs(waiting.getTime() - (Date.now() + 3600_000))).toBeLessThan(60_000);
    await cancelImport(alice.id, started.importId);
    const ended = await waitForImport(started.importId, 30_000);
    expect(ended.status).toBe("canceled");
    // Units already in flight may each meet the limit once; none asks again while it waits.
    const afterExhaustion = state.requests(exhaustedAt).map((entry) => `${entry.method} ${entry.path} ${JSON.stringify(entry.query)}`);
    expect(new Set(afterExhaustion).size).toBe(afterExhaustion.length);
  });

  it("reads comments item by item with single_endpoint_notes_import, to the same notes", { timeout: 60_000 }, async () => {
    await resetDatabase();
    state.reset();
    const alice = await createGithubLinkedUser("alice");
    state.clearRequests();
    const started = await startGitHubImport(alice, { repoId: BENCH_REPO_ID, optionalStages: { single_endpoint_notes_import: true } });
    expect((await waitForImport(started.importId)).status).toBe("finished");
    expect(await counts(started.projectId)).toEqual(expectedCounts());
    const paths = state.requests().map((entry) => entry.path);
    expect(paths.some((path) => /\/issues\/\d+\/comments$/.test(path))).toBe(true);
    expect(paths.some((path) => path.endsWith("/issues/comments") || path.endsWith("/pulls/comments"))).toBe(false);
  });
});
