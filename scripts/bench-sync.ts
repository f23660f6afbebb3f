/**
 * `npm run bench:sync`: imports the bench repository from the sandbox, changes 1% of its pull
 * requests and issues through the sandbox's admin endpoint (new comments, state changes, edits,
 * new items, a force-pushed branch), syncs, and prints the requests the sync made against the
 * minimum those changes need and against the full import, its wall time, and whether the synced
 * project equals a fresh import of the changed source, object by object (`-- --source
 * bitbucket-server`: Bitbucket Server, scripts/bench-sync-bitbucket-server.ts). Options (env):
 *   BENCH_SCALE (1)        multiplies the bench sizes (2,000 PRs, 3,000 issues, …)
 *   BENCH_LATENCY_MS (20)  per-request latency of the sandbox API
 * `-- --source github`: the same for the GitHub sandbox's bench repository (scripts/bench-sync-github.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { SandboxState } from "../mocks/bitbucket/index.ts";
import { benchSizes, ferryAgainstSandbox, sandboxAdmin } from "./bench-support.ts";

const sourceArgument = process.argv.indexOf("--source");
const source = sourceArgument >= 0 ? process.argv[sourceArgument + 1] : "bitbucket";
if (source === "github") await (await import("./bench-sync-github.ts")).runGithubSyncBenchmark();
else if (source === "bitbucket-server") await (await import("./bench-sync-bitbucket-server.ts")).benchSyncBitbucketServer();

const scale = Number(process.env.BENCH_SCALE ?? 1);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
const CHANGED_SHARE = 0.01;

const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-sync-"));
chmodSync(workDir, 0o755);
process.env.DATA_DIR = path.join(workDir, "data");

const { BENCH_REPOSITORY, createSandboxState, startSandboxServer } = await import("../mocks/bitbucket/index.ts");
const bench = benchSizes(scale);
const state = createSandboxState({ bench, knobs: { issuesRemoved: false } });
const sandbox = await startSandboxServer({ port: 0, dataDir: path.join(workDir, "sandbox"), state });
const [workspace, slug] = BENCH_REPOSITORY.split("/") as [string, string];

const database = await ferryAgainstSandbox(sandbox.url);
const { db } = await import("../lib/db/index.ts");
const { createLinkedUser } = await import("../test/fixtures.ts");
const { startBitbucketImport } = await import("../lib/import/start.ts");
const { startImportWorkers } = await import("../lib/import/workers.ts");
const { stopJobs } = await import("../lib/jobs/index.ts");
const { startSync } = await import("../lib/import/sync/control.ts");
const { snapshotProject, compareSnapshots } = await import("./bench-sync-compare.ts");

const admin = sandboxAdmin(sandbox.url);

/** API requests the sandbox answered since its counters were last reset. */
async function apiRequests(): Promise<number> {
  const stats = (await admin("GET", "stats")) as { routes: Array<{ route: string; total: number }> };
  return stats.routes.filter((route) => / \/2\.0\//.test(route.route)).reduce((sum, route) => sum + route.total, 0);
}

async function until<T>(probe: () => Promise<T | null>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function importOnce(alice: Awaited<ReturnType<typeof createLinkedUser>>, name?: string) {
  const run = await startBitbucketImport(alice, { repository: BENCH_REPOSITORY, name });
  const row = await until(async () => {
    const current = await db.projectImport.findUniqueOrThrow({ where: { id: run.importId } });
    return current.status === "scheduled" || current.status === "started" ? null : current;
  });
  return { ...run, status: row.status };
}

const alice = await createLinkedUser(state as SandboxState, "alice", { expiresInSeconds: 7200 });
await startImportWorkers();
await admin("PUT", "config", { latencyMs });

// A branch people keep working on while the team still uses Bitbucket, with its open pull request.
// (Bench branches also carry closed pull requests: a force push there would leave commits only
// Ferry's merge request head refs still hold, which no fresh import could see.)
const LONG_RUNNING_BRANCH = "feature/long-running";
await admin("POST", `repositories/${workspace}/${slug}/changes`, {
  changes: [
    { type: "pull_request", title: "Long-running work", source_branch: LONG_RUNNING_BRANCH, user: "alice" },
    { type: "push", branch: LONG_RUNNING_BRANCH, message: "More long-running work" },
  ],
});

await admin("DELETE", "stats");
let started = performance.now();
const first = await importOnce(alice);
const importSeconds = (performance.now() - started) / 1000;
const importRequests = await apiRequests();

// 1% of pull requests and issues change: comments, state changes, edits, new items, a force push.
const detail = state.detail(state.repository(workspace, slug)!);
const imported = { pullRequests: detail.pullRequests.count, issues: detail.issues.count };
const pick = (count: number, total: number) => Array.from({ length: count }, (_, index) => 1 + Math.floor(((index + 0.5) * total) / count));
const changedPullRequests = pick(Math.max(4, Math.round(detail.pullRequests.count * CHANGED_SHARE)), detail.pullRequests.count);
const changedIssues = pick(Math.max(4, Math.round(detail.issues.count * CHANGED_SHARE)), detail.issues.maxId).filter((id) => detail.issues.get(id));
const changes: unknown[] = [];
changedPullRequests.forEach((id, index) => {
  const pr = detail.pullRequests.get(id)!;
  if (index % 3 === 0) changes.push({ type: "comment", pull_request: id, content: `Still working on this (${index})`, user: "alice" });
  else if (index % 3 === 1 && pr.state === "OPEN") changes.push({ type: "pull_request_state", pull_request: id, state: "DECLINED", user: "alice" });
  else changes.push({ type: "edit_pull_request", pull_request: id, title: `${pr.title} (renamed)` });
});
const newPullRequests = Math.max(1, Math.round(changedPullRequests.length / 10));
for (let index = 0; index < newPullRequests; index++) changes.push({ type: "pull_request", title: `New after the import ${index}`, user: "alice" });
changedIssues.forEach((id, index) => {
  if (index % 2 === 0) changes.push({ type: "issue_comment", issue: id, content: `A note after the import (${index})`, user: "alice" });
  else changes.push({ type: "edit_issue", issue: id, title: `${detail.issues.get(id)!.title} (edited)`, state: "resolved" });
});
const newIssues = Math.max(1, Math.round(changedIssues.length / 10));
for (let index = 0; index < newIssues; index++) changes.push({ type: "issue", title: `Filed after the import ${index}` });
const forcePushed = LONG_RUNNING_BRANCH;
const sourcesOf = (branch: string) => Array.from({ length: detail.pullRequests.count }, (_, index) => detail.pullRequests.get(index + 1)!).filter((pr) => pr.source.branch === branch);
changes.push({ type: "force_push", branch: forcePushed });
await admin("POST", `repositories/${workspace}/${slug}/changes`, { changes });

// The least a sync needs for these changes: the changed pull requests' and issues' listing pages,
// the activity entries since the watermark, and each changed issue's comments (issues have no
// activity feed). Git transfers are not API requests.
const changed = state.detail(state.repository(workspace, slug)!);
const since = Date.parse((await db.projectImport.findUniqueOrThrow({ where: { id: first.importId } })).startedAt!.toISOString()) - 5 * 60_000;
let activityEntries = 0;
let touchedPullRequests = 0;
for (let id = 1; id <= changed.pullRequests.count; id++) {
  const pr = changed.pullRequests.get(id)!;
  if (Date.parse(pr.updatedOn) < since) continue;
  touchedPullRequests++;
  activityEntries += changed.pullRequests.comments(id).filter((comment) => Date.parse(comment.updatedOn) >= since).length;
  activityEntries += pr.participants.filter((participant) => participant.participatedOn && Date.parse(participant.participatedOn) >= since).length;
  activityEntries += 1; // its update (state change, edit, push) or its opening
}
let touchedIssues = 0;
for (let id = 1; id <= changed.issues.maxId; id++) {
  const issue = changed.issues.get(id);
  if (issue && Date.parse(issue.updatedOn) >= since) touchedIssues++;
}
const pages = (count: number, size: number) => Math.max(1, Math.ceil(count / size));
// Pull requests whose head moved have every comment placed again on the new diff: one read each.
const replaced = sourcesOf(forcePushed).filter((pr) => changed.pullRequests.comments(pr.id).some((comment) => !comment.pending)).length;
const minimum = pages(touchedPullRequests, 50) + pages(activityEntries + 1, 50) + pages(touchedIssues, 100) + touchedIssues + replaced;

await admin("DELETE", "stats");
started = performance.now();
const { id: syncId } = await startSync(first.importId, { trigger: "api", userId: alice.id });
const sync = await until(async () => {
  const row = await db.projectSync.findUniqueOrThrow({ where: { id: syncId }, include: { counts: true } });
  return row.status === "started" ? null : row;
});
const syncSeconds = (performance.now() - started) / 1000;
const syncRequests = await apiRequests();

const fresh = await importOnce(alice, "big-repo-fresh");
const differences = compareSnapshots(await snapshotProject(first.projectId), await snapshotProject(fresh.projectId));

const ratio = (value: number, of: number) => (of === 0 ? "n/a" : (value / of).toFixed(2));
const percent = (value: number, of: number) => `${((100 * value) / of).toFixed(2)} %`;
console.log(`\nbench:sync — ${BENCH_REPOSITORY}: ${imported.pullRequests} pull requests, ${imported.issues} issues, ${bench.commits} commits, latency ${latencyMs} ms`);
console.log(`changed: ${changedPullRequests.length} pull requests + ${newPullRequests} new, ${changedIssues.length} issues + ${newIssues} new, branch ${forcePushed} force-pushed (source of ${sourcesOf(forcePushed).length} open pull requests)`);
console.log(`sync: ${sync.status} in ${syncSeconds.toFixed(1)} s; ${sync.counts.map((count) => `${count.objectType} +${count.created} ~${count.updated} -${count.removed}${count.failed ? ` !${count.failed}` : ""}`).join(", ")}`);
console.log(`requests: ${syncRequests} made, minimum ${minimum} (ratio ${ratio(syncRequests, minimum)}, target ≤ 1.05)`);
console.log(`vs full import: ${syncRequests} of ${importRequests} requests (${percent(syncRequests, importRequests)}, target ≤ 5 %); the import took ${importSeconds.toFixed(1)} s`);
console.log(`synced project equals a fresh import of the changed source: ${differences.length === 0 ? "yes" : `no, ${differences.length} differences`}`);
for (const difference of differences.slice(0, 20)) console.log(`  ${difference}`);

await stopJobs();
await sandbox.close();
await db.$disconnect();
await database.stop();
rmSync(workDir, { recursive: true, force: true });
process.exit(differences.length === 0 ? 0 : 1);
