/**
 * `npm run bench:sync -- --source github`: imports the GitHub sandbox's bench repository, changes
 * 1% of its pull requests and issues through the sandbox's change endpoint (new comments, edited
 * and deleted comments, state changes, edits, labels, reviews, a reworded review, a deleted review
 * comment, a new collaborator, a changed branch protection, new items, a force push, a deleted branch),
 * syncs, and prints the requests the sync made against the minimum those changes need
 * (mocks/github/budget.ts, minimumSyncRequests) and against the full import, its wall time, and
 * whether the synced project equals a fresh import of the changed source, object by object.
 * Options (env):
 *   BENCH_SCALE (1)        multiplies the bench sizes (2,000 PRs, 3,000 issues, …)
 *   BENCH_LATENCY_MS (20)  per-request latency of the sandbox API
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { isApiRoute } from "./bench-import-github.ts";

const CHANGED_SHARE = 0.01;
const BENCH_REPO_ID = 7100;

export async function runGithubSyncBenchmark(): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
  const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-sync-github-"));
  chmodSync(workDir, 0o755);
  process.env.DATA_DIR = path.join(workDir, "data");

  const { DEFAULT_BENCH, createGithubState, minimumSyncRequests, startGithubServer } = await import("../mocks/github/index.ts");
  const sized = (value: number) => Math.max(1, Math.round(value * scale));
  const sizes = { ...DEFAULT_BENCH, pullRequests: sized(DEFAULT_BENCH.pullRequests), issues: sized(DEFAULT_BENCH.issues), commits: sized(DEFAULT_BENCH.commits), branches: Math.max(3, sized(DEFAULT_BENCH.branches)), lfsObjects: sized(DEFAULT_BENCH.lfsObjects) };
  // Two full imports and a sync in one hour: more than GitHub's 5,000 requests an hour, which this benchmark does not measure.
  const state = createGithubState({ repositories: 0, bench: sizes, knobs: { rateLimitLimit: 1_000_000 } });
  const sandbox = await startGithubServer({ port: 0, dataDir: path.join(workDir, "sandbox"), state });
  const repo = state.repositoryById(BENCH_REPO_ID)!;

  const { ensureDatabase } = await import("../lib/db/ensure.ts");
  const database = await ensureDatabase({ dataDir: process.env.DATA_DIR, databaseUrl: process.env.DATABASE_URL });
  Object.assign(process.env, { DATABASE_URL: database.url, GITHUB_URL: sandbox.url, GITHUB_API_URL: sandbox.url });
  const { db, disconnectDb } = await import("../lib/db/index.ts");
  const { createGithubLinkedUser } = await import("../test/github-accounts.ts");
  const { startGitHubImport } = await import("../lib/import/github-start.ts");
  const { startImportWorkers } = await import("../lib/import/workers.ts");
  const { stopJobs } = await import("../lib/jobs/index.ts");
  const { startSync } = await import("../lib/import/sync/control.ts");
  const { snapshotProject, compareSnapshots } = await import("./bench-sync-compare.ts");

  const apiRequests = () => state.requestStats().routes.filter((route) => isApiRoute(route.route)).reduce((sum, route) => sum + route.total, 0);
  const until = async <T>(probe: () => Promise<T | null>): Promise<T> => {
    for (;;) {
      const value = await probe();
      if (value !== null) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const alice = await createGithubLinkedUser("alice");
  await createGithubLinkedUser("bob");
  const importOnce = async (name?: string) => {
    const run = await startGitHubImport(alice, { repoId: BENCH_REPO_ID, ...(name ? { name } : {}) });
    const row = await until(async () => {
      const current = await db.projectImport.findUniqueOrThrow({ where: { id: run.importId } });
      return current.status === "scheduled" || current.status === "started" ? null : current;
    });
    return { ...run, row };
  };

  await startImportWorkers();
  state.updateKnobs({ latencyMs });
  state.clearRequestStats();
  let started = performance.now();
  const first = await importOnce();
  const importSeconds = (performance.now() - started) / 1000;
  const importRequests = apiRequests();

  // 1% of pull requests and issues change; a few new ones; a branch force-pushed, another deleted.
  const content = state.content(repo);
  const pulls = content.items.filter((item) => item.pull);
  const issues = content.items.filter((item) => !item.pull);
  const pick = <T>(list: readonly T[]) => {
    const count = Math.max(4, Math.round(list.length * CHANGED_SHARE));
    return Array.from({ length: count }, (_, index) => list[Math.floor(((index + 0.5) * list.length) / count)]!);
  };
  const changes: Array<Record<string, unknown>> = [];
  const changedPulls = pick(pulls);
  changedPulls.forEach((item, index) => {
    if (index % 4 === 0) changes.push({ type: "comment", number: item.number, body: `Still working on this (${index})`, user: "alice" });
    else if (index % 4 === 1) changes.push(item.state === "open" ? { type: "state", number: item.number, state: "closed", user: "alice" } : { type: "edit", number: item.number, body: `Reworded after the import (${index})` });
    else if (index % 4 === 2) changes.push({ type: "review", number: item.number, state: "APPROVED", user: "bob" });
    else changes.push({ type: "edit", number: item.number, title: `${item.title} (renamed)` });
  });
  const changedIssues = pick(issues);
  let deletedComment = false;
  changedIssues.forEach((item, index) => {
    const comments = content.issueComments.filter((comment) => comment.number === item.number);
    if (index % 4 === 0) changes.push({ type: "comment", number: item.number, body: `A note after the import (${index})`, user: "alice" });
    else if (index % 4 === 1) changes.push(item.state === "open" ? { type: "state", number: item.number, state: "closed", reason: "not_planned", user: "alice" } : { type: "state", number: item.number, state: "open", user: "alice" });
    else if (index % 4 === 2 && comments.length > 0) {
      changes.push(deletedComment ? { type: "edit_comment", comment: comments[0]!.id, body: `Edited after the import (${index})` } : { type: "delete_comment", comment: comments[0]!.id });
      deletedComment = true;
    } else changes.push({ type: "edit", number: item.number, title: `${item.title} (edited)` });
  });
  const label = content.labels[0]?.name;
  if (label) for (const item of [changedPulls[0]!, changedIssues[0]!]) changes.push({ type: "label", number: item.number, label, user: "carol" });
  const branches = Object.keys(content.git.branches).filter((name) => name !== content.git.head).sort();
  const newItems = Math.max(1, Math.round(changedIssues.length / 10));
  for (let index = 0; index < newItems; index++) changes.push({ type: "issue", title: `Filed after the import ${index}`, user: "bob" });
  changes.push({ type: "pull_request", title: "Opened after the import", source_branch: branches[0]!, user: "alice" });
  // A review reworded, a review comment deleted, a collaborator added, the default branch's protection changed.
  const changedNumbers = new Set(changedPulls.map((item) => item.number));
  const review = content.reviews.find((candidate) => candidate.body && !changedNumbers.has(candidate.number));
  if (review) changes.push({ type: "edit_review", review: review.id, body: `${review.body} (reworded)` });
  const reviewComment = content.reviewComments.find((candidate) => !changedNumbers.has(candidate.number) && candidate.number !== review?.number);
  if (reviewComment) changes.push({ type: "delete_review_comment", comment: reviewComment.id });
  changes.push({ type: "collaborator", login: "bob", permission: "maintain" });
  changes.push({ type: "protection", branch: content.git.head, rule: { required_approving_review_count: 2, required_status_checks: ["ci/bench"] } });
  changes.push({ type: "force_push", branch: branches[1]! });
  changes.push({ type: "delete_branch", branch: branches[2]! });
  state.changeRepository(repo, changes as never);

  const since = new Date(first.row.startedAt!.getTime() - 5 * 60_000).toISOString();
  const budget = minimumSyncRequests(state, repo, { since });
  state.clearRequestStats();
  started = performance.now();
  const { id: syncId } = await startSync(first.importId, { trigger: "api", userId: alice.id });
  const sync = await until(async () => {
    const row = await db.projectSync.findUniqueOrThrow({ where: { id: syncId }, include: { counts: true } });
    return row.status === "started" ? null : row;
  });
  const syncSeconds = (performance.now() - started) / 1000;
  const syncRequests = apiRequests();
  const byRoute = state.requestStats().routes.filter((route) => isApiRoute(route.route)).map((route) => `${route.route} ${route.total}`);

  const fresh = await importOnce("big-repo-fresh");
  const differences = compareSnapshots(await snapshotProject(first.projectId), await snapshotProject(fresh.projectId));

  const percent = (value: number, of: number) => `${((100 * value) / of).toFixed(2)} %`;
  console.log(`\nbench:sync --source github — ${state.fullName(repo)}: ${pulls.length} pull requests, ${issues.length} issues, ${sizes.commits} commits, latency ${latencyMs} ms`);
  console.log(`changed: ${changedPulls.length} pull requests + 1 new${review ? " + 1 review reworded" : ""}${reviewComment ? " + 1 review comment deleted" : ""}, ${changedIssues.length} issues + ${newItems} new, ${branches[1]} force-pushed, ${branches[2]} deleted, bob made a maintainer, ${content.git.head}'s protection changed`);
  console.log(`sync: ${sync.status} in ${syncSeconds.toFixed(1)} s; ${sync.counts.map((count) => `${count.objectType} +${count.created} ~${count.updated} -${count.removed}${count.failed ? ` !${count.failed}` : ""}`).join(", ")}`);
  console.log(`requests: ${syncRequests} made, minimum ${budget.minimum} (ratio ${(syncRequests / budget.minimum).toFixed(2)}, target ≤ 1.05)`);
  console.log(`  made by route: ${byRoute.join(", ")}`);
  console.log(`  minimum by route: ${Object.entries(budget.breakdown).map(([route, count]) => `${route} ${count}`).join(", ")}`);
  console.log(`vs full import: ${syncRequests} of ${importRequests} requests (${percent(syncRequests, importRequests)}, target ≤ 5 %); the import took ${importSeconds.toFixed(1)} s (${first.row.status})`);
  console.log(`synced project equals a fresh import of the changed source: ${differences.length === 0 ? "yes" : `no, ${differences.length} differences`}`);
  for (const difference of differences.slice(0, 20)) console.log(`  ${difference}`);

  await stopJobs();
  await sandbox.close();
  await disconnectDb();
  await database.stop();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(differences.length === 0 && sync.status === "finished" ? 0 : 1);
}
