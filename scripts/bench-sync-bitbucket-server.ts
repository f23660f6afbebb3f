/**
 * `npm run bench:sync -- --source bitbucket-server`: imports the Bitbucket Server sandbox's bench
 * repository, changes 1% of its pull requests at the sandbox (new comments and a reply, edits,
 * state changes, new pull requests, a force-pushed branch), syncs, and prints the REST requests
 * the sync made against the minimum those changes need and against the full import, its wall
 * time, and whether the synced project equals a fresh import of the changed source, object by
 * object. Env: BENCH_SCALE (1: pull request count multiplier), BENCH_LATENCY_MS (20).
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { ServerChange } from "../mocks/bitbucket-server/index.ts";
import { sandboxAdmin } from "./bench-support.ts";

const scale = Number(process.env.BENCH_SCALE ?? 1);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
const CHANGED_SHARE = 0.01;
/** Bitbucket Server's largest page (pull request listing and activities alike). */
const PAGE = 1000;
/** A branch people keep working on while the team still uses Bitbucket Server, with open pull requests. */
const LONG_RUNNING_BRANCH = "feature/long-running";

export async function benchSyncBitbucketServer(): Promise<never> {
  const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-sync-bbs-"));
  chmodSync(workDir, 0o755);
  process.env.DATA_DIR = path.join(workDir, "data");

  const { BENCH_REPOSITORY, DEFAULT_BENCH, SERVER_USERS, createServerState, startBitbucketServerSandbox } = await import("../mocks/bitbucket-server/index.ts");
  const state = createServerState({ bench: { pullRequests: Math.max(1, Math.round(DEFAULT_BENCH.pullRequests * scale)) }, repositories: 0 });
  const sandbox = await startBitbucketServerSandbox({ port: 0, dataDir: path.join(workDir, "sandbox"), state });
  const [projectKey, slug] = BENCH_REPOSITORY.split("/") as [string, string];
  const repository = state.repository(projectKey, slug)!;
  const admin = sandboxAdmin(sandbox.url);

  const { ensureDatabase } = await import("../lib/db/ensure.ts");
  const database = await ensureDatabase({ dataDir: process.env.DATA_DIR, databaseUrl: process.env.DATABASE_URL });
  Object.assign(process.env, { DATABASE_URL: database.url, ALLOWED_HOSTS: new URL(sandbox.url).host });
  const { db, disconnectDb } = await import("../lib/db/index.ts");
  const { createUserWithNamespace } = await import("../lib/users/create.ts");
  const { startBitbucketServerImport } = await import("../lib/import/start-bitbucket-server.ts");
  const { startImportWorkers } = await import("../lib/import/workers.ts");
  const { stopJobs } = await import("../lib/jobs/index.ts");
  const { startSync } = await import("../lib/import/sync/control.ts");
  const { snapshotProject, compareSnapshots } = await import("./bench-sync-compare.ts");

  /** REST requests per route since the sandbox's counters were last reset. */
  const restRequests = async () => {
    const stats = (await admin("GET", "stats")) as { routes: Array<{ route: string; total: number }> };
    return stats.routes.filter((route) => route.route.includes(" /rest/api/1.0/"));
  };
  const total = (routes: Array<{ total: number }>) => routes.reduce((sum, route) => sum + route.total, 0);
  const until = async <T>(probe: () => Promise<T | null>): Promise<T> => {
    for (;;) {
      const value = await probe();
      if (value !== null) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const user = await db.$transaction((tx) => createUserWithNamespace(tx, { username: "alice", name: "Alice", email: null }));
  const alice = { id: user.id, username: user.username, name: user.name, email: null, image: null, isAdmin: false };
  const connection = { serverUrl: sandbox.url, username: "alice", token: SERVER_USERS.alice.token };
  const importOnce = async (name?: string) => {
    const run = await startBitbucketServerImport(alice, { connection, projectKey, slug, name });
    const row = await until(async () => {
      const current = await db.projectImport.findUniqueOrThrow({ where: { id: run.importId } });
      return current.status === "scheduled" || current.status === "started" ? null : current;
    });
    return { ...run, status: row.status };
  };
  const change = (changes: ServerChange[]) => admin("POST", `repositories/${projectKey}/${slug}/changes`, { changes });

  await startImportWorkers();
  await admin("PUT", "config", { latencyMs });
  await change([
    { type: "push", branch: LONG_RUNNING_BRANCH, from: "main", message: "Long-running work begins" },
    { type: "push", branch: LONG_RUNNING_BRANCH, message: "More long-running work" },
    { type: "pull_request", title: "Long-running work", source_branch: LONG_RUNNING_BRANCH, user: "alice" },
  ]);

  await admin("DELETE", "stats");
  let started = performance.now();
  const first = await importOnce();
  const importSeconds = (performance.now() - started) / 1000;
  const importRequests = total(await restRequests());
  const importedAt = Date.now();

  // 1% of pull requests change: comments (one a reply), edits, state changes, new ones, a force push.
  const before = state.content(repository).pullRequests;
  const count = Math.max(6, Math.round(before.length * CHANGED_SHARE));
  const picked = Array.from({ length: count }, (_, index) => before[Math.floor(((index + 0.5) * before.length) / count)]!);
  const changes: ServerChange[] = [];
  picked.forEach((pullRequest, index) => {
    if (index % 3 === 0) {
      changes.push({ type: "comment", pull_request: pullRequest.id, content: `Still working on this (${index})`, user: "bob" });
      const commented = pullRequest.activities.find((activity) => activity.action === "COMMENTED");
      if (index % 6 === 0 && commented?.action === "COMMENTED") changes.push({ type: "comment", pull_request: pullRequest.id, content: `Agreed (${index})`, user: "carol", parent: commented.comment.id });
    } else if (index % 3 === 1 && pullRequest.state !== "MERGED") {
      changes.push({ type: "pull_request_state", pull_request: pullRequest.id, state: pullRequest.state === "OPEN" ? "DECLINED" : "OPEN", user: "dave" });
    } else {
      changes.push({ type: "edit_pull_request", pull_request: pullRequest.id, title: `${pullRequest.title} (renamed)`, user: pullRequest.author });
    }
  });
  const newPullRequests = Math.max(1, Math.round(count / 10));
  for (let index = 0; index < newPullRequests; index++) changes.push({ type: "pull_request", title: `New after the import ${index}`, source_branch: LONG_RUNNING_BRANCH, user: "alice" });
  changes.push({ type: "force_push", branch: LONG_RUNNING_BRANCH });
  await change(changes);

  // The least a sync needs for these changes: the listing, newest update first, down to the first
  // pull request not changed since the import, and the activities of each changed one. Git
  // transfers are not REST requests.
  const after = state.content(repository).pullRequests;
  const touched = after.filter((pullRequest) => pullRequest.updatedAt >= importedAt);
  const listingPages = Math.floor(touched.length / PAGE) + 1;
  const activityPages = touched.reduce((sum, pullRequest) => sum + Math.max(1, Math.ceil(pullRequest.activities.length / PAGE)), 0);
  const minimum = listingPages + activityPages;

  await admin("DELETE", "stats");
  started = performance.now();
  const { id: syncId } = await startSync(first.importId, { trigger: "api", userId: alice.id });
  const sync = await until(async () => {
    const row = await db.projectSync.findUniqueOrThrow({ where: { id: syncId }, include: { counts: true } });
    return row.status === "started" || row.status === "scheduled" ? null : row;
  });
  const syncSeconds = (performance.now() - started) / 1000;
  const syncRoutes = await restRequests();
  const syncRequests = total(syncRoutes);

  const fresh = await importOnce("big-repo-fresh");
  const differences = compareSnapshots(await snapshotProject(first.projectId), await snapshotProject(fresh.projectId));

  const line = (label: string, value: string) => console.log(`${label.padEnd(40)} ${value}`);
  const forcePushedSources = after.filter((pullRequest) => pullRequest.state === "OPEN" && pullRequest.from.branch === LONG_RUNNING_BRANCH).length;
  console.log(`\nFerry sync benchmark — Bitbucket Server ${BENCH_REPOSITORY}: ${before.length} pull requests, latency ${latencyMs} ms`);
  line("changed at the source", `${picked.length} pull requests, ${newPullRequests} new ones, ${LONG_RUNNING_BRANCH} force-pushed (source of ${forcePushedSources} open pull requests)`);
  line("pull requests updated", String(touched.length));
  line("status", sync.status);
  line("changes brought", sync.counts.map((entry) => `${entry.objectType} +${entry.created} ~${entry.updated} -${entry.removed}${entry.failed ? ` !${entry.failed}` : ""}`).join(", "));
  line("wall time", `${syncSeconds.toFixed(1)} s (the import: ${importSeconds.toFixed(1)} s)`);
  line("REST requests made", String(syncRequests));
  line("minimum REST requests", `${minimum} (${listingPages} listing page${listingPages === 1 ? "" : "s"} down to the watermark, ${activityPages} activity pages)`);
  line("request ratio", `${(syncRequests / minimum).toFixed(3)} (target ≤ 1.05)`);
  line("share of the full import", `${((100 * syncRequests) / importRequests).toFixed(2)} % of ${importRequests} (target ≤ 5 %)`);
  line("equals a fresh import", differences.length === 0 ? "yes" : `no, ${differences.length} differences`);
  for (const difference of differences.slice(0, 20)) console.log(`  ${difference}`);
  console.log("\nRequests by route:");
  for (const route of syncRoutes) line(`  ${route.route}`, String(route.total));

  await stopJobs();
  await sandbox.close();
  await disconnectDb();
  await database.stop();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(differences.length === 0 && sync.status === "finished" ? 0 : 1);
}
