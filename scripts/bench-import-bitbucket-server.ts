/**
 * `npm run bench:import -- --source bitbucket-server`: imports the Bitbucket Server sandbox's bench
 * repository (2,000 pull requests with up to 80 activities each) and prints REST requests
 * against the minimum, wall time against the lower bound, peak RSS, and the requests GitLab's
 * pattern (activities at the default limit of 25) would make. Env: BENCH_LATENCY_MS (50),
 * BENCH_SCALE (1: pull request count multiplier), BITBUCKET_CONCURRENCY (6).
 */
import { execFile, fork, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { heapLimitNote } from "./bench-support.ts";

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
const scale = Number(process.env.BENCH_SCALE ?? 1);

type Ready = { type: "ready"; url: string; pullRequests: number; activities: number; minimum: number; gitlab: number };

export async function benchBitbucketServer(): Promise<void> {
  if (process.env.BENCH_ROLE === "bitbucket-server-sandbox") return serveSandbox();
  return measure();
}

/** The child process: the sandbox alone, so the importer's RSS is Ferry's. */
async function serveSandbox(): Promise<void> {
  const { BENCH_REPOSITORY, DEFAULT_BENCH, createServerState, gitlabPatternRequests, minimumImportRequests, startBitbucketServerSandbox } = await import("../mocks/bitbucket-server/index.ts");
  const state = createServerState({ bench: { pullRequests: Math.max(1, Math.round(DEFAULT_BENCH.pullRequests * scale)) }, repositories: 0 });
  const sandbox = await startBitbucketServerSandbox({ port: 0, dataDir: process.env.BENCH_SANDBOX_DIR!, state });
  const [key, slug] = BENCH_REPOSITORY.split("/") as [string, string];
  const content = state.content(state.repository(key, slug)!);
  const ready: Ready = {
    type: "ready",
    url: sandbox.url,
    pullRequests: content.pullRequests.length,
    activities: content.pullRequests.reduce((sum, pullRequest) => sum + pullRequest.activities.length, 0),
    minimum: minimumImportRequests(content).rest,
    gitlab: gitlabPatternRequests(content).rest,
  };
  process.send!(ready);
  // The sandbox ends with the benchmark, however that ends.
  process.once("disconnect", () => process.exit(0));
  process.on("message", (message: { type: string }) => {
    if (message.type !== "stop") return;
    void sandbox.close().then(() => process.send!({ type: "final", peakRssBytes: process.resourceUsage().maxRSS * 1024 }, () => process.exit(0)));
  });
}

function message<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    child.on("message", (received: { type?: string }) => received?.type === type && resolve(received as T));
    child.once("exit", (code) => reject(new Error(`the sandbox exited (${code}) before "${type}"`)));
  });
}

async function measure(): Promise<void> {
  const concurrency = Number((process.env.BITBUCKET_CONCURRENCY ??= "6"));
  const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-bbs-"));
  chmodSync(workDir, 0o755);
  process.env.DATA_DIR = path.join(workDir, "data");
  const child = fork(process.argv[1]!, process.argv.slice(2), {
    env: { ...process.env, BENCH_ROLE: "bitbucket-server-sandbox", BENCH_SANDBOX_DIR: path.join(workDir, "sandbox") },
    execArgv: process.execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const sandbox = await message<Ready>(child, "ready");
  const sandboxAdmin = async (method: string, route: string, body?: unknown) =>
    (await fetch(`${sandbox.url}/_sandbox/${route}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })).text();

  const { ensureDatabase } = await import("../lib/db/ensure.ts");
  const database = await ensureDatabase({ dataDir: process.env.DATA_DIR, databaseUrl: process.env.DATABASE_URL });
  Object.assign(process.env, { DATABASE_URL: database.url, ALLOWED_HOSTS: new URL(sandbox.url).host });
  const { db, disconnectDb } = await import("../lib/db/index.ts");
  const { SERVER_USERS, BENCH_REPOSITORY } = await import("../mocks/bitbucket-server/index.ts");
  const { createUserWithNamespace } = await import("../lib/users/create.ts");
  const { startBitbucketServerImport } = await import("../lib/import/start-bitbucket-server.ts");
  const { startImportWorkers } = await import("../lib/import/workers.ts");
  const { stopJobs } = await import("../lib/jobs/index.ts");

  // Git transfer alone, for the lower bound (after a first contact that makes the sandbox write the repository).
  const remote = `${sandbox.url}/scm/bench/big-repo.git`;
  const git = (...args: string[]) => promisify(execFile)("git", ["-c", `http.extraHeader=Authorization: Basic ${Buffer.from(`alice:${SERVER_USERS.alice.token}`).toString("base64")}`, ...args]);
  await git("ls-remote", "--", remote);
  const gitStart = performance.now();
  await git("clone", "--mirror", "--quiet", "--", remote, path.join(workDir, "mirror.git"));
  const gitSeconds = (performance.now() - gitStart) / 1000;

  const user = await db.$transaction((tx) => createUserWithNamespace(tx, { username: "alice", name: "Alice", email: null }));
  const alice = { id: user.id, username: user.username, name: user.name, email: null, image: null, isAdmin: false };
  await startImportWorkers();
  await sandboxAdmin("PUT", "config", { latencyMs });
  await sandboxAdmin("DELETE", "stats");
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const [projectKey, slug] = BENCH_REPOSITORY.split("/") as [string, string];
  const run = await startBitbucketServerImport(alice, { connection: { serverUrl: sandbox.url, username: "alice", token: SERVER_USERS.alice.token }, projectKey, slug });
  let row = await db.projectImport.findUniqueOrThrow({ where: { id: run.importId } });
  while (row.status === "scheduled" || row.status === "started") {
    await new Promise((resolve) => setTimeout(resolve, 100));
    row = await db.projectImport.findUniqueOrThrow({ where: { id: run.importId } });
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const stats = JSON.parse(await sandboxAdmin("GET", "stats")) as { routes: Array<{ route: string; total: number; statuses: Record<string, number> }> };
  const rest = stats.routes.filter((route) => route.route.includes(" /rest/api/1.0/")).reduce((sum, route) => sum + route.total, 0);
  const progress = await db.importProgress.findMany({ where: { importId: run.importId }, orderBy: { objectType: "asc" } });
  const importerRss = process.resourceUsage().maxRSS * 1024;
  await stopJobs();
  child.send({ type: "stop" });
  const { peakRssBytes } = await message<{ peakRssBytes: number }>(child, "final");
  const lowerBound = (sandbox.minimum * latencyMs) / 1000 / concurrency + gitSeconds;

  const line = (label: string, value: string) => console.log(`${label.padEnd(40)} ${value}`);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(`\nFerry import benchmark — Bitbucket Server ${BENCH_REPOSITORY}: ${sandbox.pullRequests} pull requests, ${sandbox.activities} activities`);
  line("status", `${row.status}${row.error ? ` (${row.error})` : ""}`);
  line("REST requests made", String(rest));
  line("minimum REST requests", `${sandbox.minimum} (repository, default branch, pull request pages of 1,000, one activity page per pull request)`);
  line("request ratio", (rest / sandbox.minimum).toFixed(3));
  line("GitLab's pattern (pages of 25)", `${sandbox.gitlab} requests (${(sandbox.gitlab / sandbox.minimum).toFixed(2)} × the minimum)`);
  line("wall time", `${wallSeconds.toFixed(1)} s`);
  line("lower bound", `${lowerBound.toFixed(1)} s (= ${sandbox.minimum} × ${latencyMs} ms ÷ ${concurrency} + git ${gitSeconds.toFixed(1)} s)`);
  line("wall-time ratio", (wallSeconds / lowerBound).toFixed(2));
  line("CPU time, Ferry (importer)", `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s)`);
  line("peak RSS, Ferry (importer)", `${mb(importerRss)}  (target ≤ 500 MB; ${heapLimitNote()})`);
  line("peak RSS, sandbox (own process)", mb(peakRssBytes));
  for (const entry of progress) line(`  ${entry.objectType}`, `imported ${entry.imported}${entry.total !== null ? ` of ${entry.total}` : ""}, failed ${entry.failed}, skipped ${entry.skipped}`);
  console.log("\nRequests by route:");
  for (const route of stats.routes.slice(0, 8)) line(`  ${route.route}`, `${route.total}  ${JSON.stringify(route.statuses)}`);
  await disconnectDb();
  await database.stop();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(row.status === "finished" ? 0 : 1);
}
