/**
 * `npm run bench:import`: imports a large generated repository from the sandbox and prints how
 * close Ferry comes to the least work the import needs. Options (env):
 *   BENCH_LATENCY_MS (50)  per-request latency of the sandbox API
 *   BENCH_SCALE (1)        multiplies the default sizes (2,000 PRs, 3,000 issues, …), e.g. 0.1 for a quick run
 *   BITBUCKET_CONCURRENCY (6) requests in flight to Bitbucket at once (the lower bound divides by it)
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { BENCH_REPOSITORY, DEFAULT_BENCH, SANDBOX_CONSUMER, createSandboxState, startSandboxServer } from "../mocks/bitbucket/index.ts";

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
const scale = Number(process.env.BENCH_SCALE ?? 1);
const concurrency = Number((process.env.BITBUCKET_CONCURRENCY ??= "6"));
const sized = (value: number) => Math.max(1, Math.round(value * scale));
const bench = {
  ...DEFAULT_BENCH,
  pullRequests: sized(DEFAULT_BENCH.pullRequests),
  issues: sized(DEFAULT_BENCH.issues),
  users: sized(DEFAULT_BENCH.users),
  commits: sized(DEFAULT_BENCH.commits),
  branches: Math.max(2, sized(DEFAULT_BENCH.branches)),
  lfsObjects: sized(DEFAULT_BENCH.lfsObjects),
};

const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-"));
// The embedded PostgreSQL runs as an unprivileged user when we are root; it must reach DATA_DIR.
chmodSync(workDir, 0o755);
process.env.DATA_DIR = path.join(workDir, "data");
let peakRss = process.memoryUsage().rss;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

const state = createSandboxState({ bench, knobs: { issuesRemoved: false } });
const sandbox = await startSandboxServer({ port: 0, dataDir: path.join(workDir, "sandbox"), state });
const { ensureDatabase } = await import("../lib/db/ensure.ts");
const database = await ensureDatabase({ dataDir: process.env.DATA_DIR, databaseUrl: process.env.DATABASE_URL });
Object.assign(process.env, {
  DATABASE_URL: database.url,
  BITBUCKET_URL: sandbox.url,
  BITBUCKET_API_URL: sandbox.url,
  BITBUCKET_CLIENT_ID: SANDBOX_CONSUMER.key,
  BITBUCKET_CLIENT_SECRET: SANDBOX_CONSUMER.secret,
});

const { db } = await import("../lib/db/index.ts");
const { createLinkedUser } = await import("../test/fixtures.ts");
const { startBitbucketImport } = await import("../lib/import/start.ts");
const { startImportWorkers } = await import("../lib/import/workers.ts");
const { stopJobs } = await import("../lib/jobs/index.ts");

// The minimum: list pages, plus per-item calls that carry data (comments only where there are any).
const [workspace, slug] = BENCH_REPOSITORY.split("/") as [string, string];
const detail = state.detail(state.repository(workspace, slug)!);
const pages = (count: number, size: number) => Math.ceil(count / size);
let pullRequestCommentCalls = 0;
for (let id = 1; id <= detail.pullRequests.count; id++) {
  const visible = detail.pullRequests.comments(id).filter((comment) => !comment.pending).length;
  if (visible > 0) pullRequestCommentCalls += pages(visible, 100);
}
let issueCommentCalls = 0;
for (let id = 1; id <= detail.issues.maxId; id++) {
  if (detail.issues.get(id)) issueCommentCalls += Math.max(1, pages(detail.issues.comments(id).length, 100));
}
const minimumRequests =
  1 /* repository */ + pages(bench.users + 1, 100) + pages(detail.pullRequests.count, 50) + pullRequestCommentCalls + 1 /* milestones */ + pages(detail.issues.count, 100) + issueCommentCalls;

// Git transfer alone, for the lower bound: a mirror clone of the same repository.
const tokens = state.grantTokensFor("alice");
const gitStart = performance.now();
const auth = Buffer.from(`x-token-auth:${tokens.accessToken}`).toString("base64");
// Asynchronous: the sandbox answering this clone runs in this very process.
await promisify(execFile)("git", ["-c", `http.extraHeader=Authorization: Basic ${auth}`, "clone", "--mirror", "--quiet", "--", `${sandbox.url}/${BENCH_REPOSITORY}.git`, path.join(workDir, "mirror.git")], {
  env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_LFS_SKIP_SMUDGE: "1" },
});
const gitSeconds = (performance.now() - gitStart) / 1000;

const alice = await createLinkedUser(state, "alice", { expiresInSeconds: 7200 });
await startImportWorkers();
state.updateKnobs({ latencyMs });
state.clearRequests();
state.clearRequestStats();

const started = performance.now();
const run = await startBitbucketImport(alice, { repository: BENCH_REPOSITORY });
let status = "scheduled";
const stageTimes: Array<{ stage: string; at: number }> = [];
while (status === "scheduled" || status === "started") {
  await new Promise((resolve) => setTimeout(resolve, 250));
  const row = await db.projectImport.findUniqueOrThrow({ where: { id: run.importId } });
  status = row.status;
  if (row.stage && stageTimes.at(-1)?.stage !== row.stage) stageTimes.push({ stage: row.stage, at: performance.now() });
}
const wallSeconds = (performance.now() - started) / 1000;
const stats = state.requestStats();
const apiRequests = stats.routes.filter((route) => / \/2\.0\//.test(route.route)).reduce((sum, route) => sum + route.total, 0);
const progress = await db.importProgress.findMany({ where: { importId: run.importId }, orderBy: { objectType: "asc" } });
const failures = await db.importFailure.count({ where: { importId: run.importId } });
const items = progress.reduce((sum, row) => sum + row.imported, 0);
const lowerBound = (minimumRequests * latencyMs) / 1000 / concurrency + gitSeconds;
clearInterval(rssTimer);

const line = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);
console.log(`\nFerry import benchmark — ${BENCH_REPOSITORY}: ${detail.pullRequests.count} pull requests, ${detail.issues.count} issues, ${bench.commits} commits, ${bench.branches} branches, ${bench.lfsObjects} LFS objects, ${bench.users} users`);
line("status", `${status} (${failures} failed items)`);
line("API requests made", String(apiRequests));
line("minimum API requests", String(minimumRequests));
line("request ratio", (apiRequests / minimumRequests).toFixed(3));
line("wall time", `${wallSeconds.toFixed(1)} s`);
line("lower bound", `${lowerBound.toFixed(1)} s (= ${minimumRequests} × ${latencyMs} ms ÷ ${concurrency} + git ${gitSeconds.toFixed(1)} s)`);
line("wall-time ratio", (wallSeconds / lowerBound).toFixed(2));
line("items imported per second", (items / wallSeconds).toFixed(0));
line("peak RSS (this process)", `${(peakRss / 1024 / 1024).toFixed(0)} MB`);
for (const row of progress) line(`  ${row.objectType}`, `imported ${row.imported}${row.total !== null ? ` of ${row.total}` : ""}, failed ${row.failed}, skipped ${row.skipped}`);
console.log("\nTime per stage:");
stageTimes.forEach((entry, index) => line(`  ${entry.stage}`, `${(((stageTimes[index + 1]?.at ?? performance.now()) - entry.at) / 1000).toFixed(1)} s`));
console.log("\nRequests by route:");
for (const route of stats.routes.slice(0, 12)) line(`  ${route.route}`, `${route.total}  ${JSON.stringify(route.statuses)}`);

await stopJobs();
await sandbox.close();
const { disconnectDb } = await import("../lib/db/index.ts");
await disconnectDb();
await database.stop();
rmSync(workDir, { recursive: true, force: true });
process.exit(status === "finished" ? 0 : 1);
