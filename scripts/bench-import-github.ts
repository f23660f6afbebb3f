/**
 * `npm run bench:import -- --source github`: imports the GitHub sandbox's bench repository
 * (bench/big-repo: 2,000 pull requests, 3,000 issues, …) and prints the requests made against the
 * minimum for the data and against GitLab's documented request pattern, the wall time against the
 * lower bound, items per second and peak RSS. Options (env):
 *   BENCH_LATENCY_MS (50)  per-request latency of the sandbox
 *   BENCH_SCALE (1)        multiplies the default sizes, e.g. 0.1 for a quick run
 *   GITHUB_CONCURRENCY     requests in flight to GitHub at once (octokit's limit, 10; the lower bound divides by it)
 *
 * The sandbox runs in a child process of its own, so the importer's peak RSS is Ferry's alone.
 */
import { execFile, fork } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { heapLimitNote } from "./bench-support.ts";
import { nextMessage, serveUntilStopped, type SandboxFinal } from "./bench-child.ts";

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
const scale = Number(process.env.BENCH_SCALE ?? 1);
/** octokit's throttling plugin runs at most ten requests at once per process. */
const concurrency = 10;
const BENCH_REPO_ID = 7100;

type Ready = { type: "ready"; url: string; repository: string; sizes: Record<string, number>; minimum: number; gitlabPattern: number; gitlabPatternSingleEndpoint: number };

/**
 * The API routes of the sandbox's statistics: everything but git transfers, LFS downloads and
 * attachments (which have no route template of their own and are counted under "(other)").
 */
export function isApiRoute(route: string): boolean {
  return !/git-upload-pack|info\/refs|\/_lfs\/|user-attachments|user-images|_sandbox|\(other\)/.test(route);
}

export async function runGithubBenchmark(): Promise<void> {
  if (process.env.BENCH_ROLE === "github-sandbox") return runSandbox();
  return runImporter();
}

async function runSandbox(): Promise<void> {
  const { DEFAULT_BENCH, createGithubState, minimumImportRequests, startGithubServer } = await import("../mocks/github/index.ts");
  const sized = (value: number) => Math.max(1, Math.round(value * scale));
  const sizes = {
    ...DEFAULT_BENCH,
    pullRequests: sized(DEFAULT_BENCH.pullRequests),
    issues: sized(DEFAULT_BENCH.issues),
    commits: sized(DEFAULT_BENCH.commits),
    branches: Math.max(2, sized(DEFAULT_BENCH.branches)),
    lfsObjects: sized(DEFAULT_BENCH.lfsObjects),
  };
  const state = createGithubState({ repositories: 0, bench: sizes });
  const sandbox = await startGithubServer({ port: 0, dataDir: process.env.BENCH_SANDBOX_DIR!, state });
  const repo = state.repositoryById(BENCH_REPO_ID)!;
  const budget = minimumImportRequests(state, repo, { perPage: 100 });
  const ready: Ready = { type: "ready", url: sandbox.url, repository: state.fullName(repo), sizes, minimum: budget.minimum, gitlabPattern: budget.gitlabPattern, gitlabPatternSingleEndpoint: budget.gitlabPatternSingleEndpoint };
  serveUntilStopped(ready, () => sandbox.close());
}

async function runImporter(): Promise<void> {
  const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-github-"));
  chmodSync(workDir, 0o755);
  process.env.DATA_DIR = path.join(workDir, "data");
  const child = fork(process.argv[1]!, process.argv.slice(2), {
    env: { ...process.env, BENCH_ROLE: "github-sandbox", BENCH_SANDBOX_DIR: path.join(workDir, "sandbox") },
    execArgv: process.execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const sandbox = await nextMessage<Ready>(child, "ready");
  const admin = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}/_sandbox/${route}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`sandbox ${method} ${route}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };

  const { ensureDatabase } = await import("../lib/db/ensure.ts");
  const database = await ensureDatabase({ dataDir: process.env.DATA_DIR, databaseUrl: process.env.DATABASE_URL });
  Object.assign(process.env, { DATABASE_URL: database.url, GITHUB_URL: sandbox.url, GITHUB_API_URL: sandbox.url });
  const { GITHUB_ACCOUNTS } = await import("../mocks/github/index.ts");
  const { db } = await import("../lib/db/index.ts");
  const { createGithubLinkedUser } = await import("../test/github-accounts.ts");
  const { startGitHubImport } = await import("../lib/import/github-start.ts");
  const { startImportWorkers } = await import("../lib/import/workers.ts");
  const { stopJobs } = await import("../lib/jobs/index.ts");

  // Git transfer alone, for the lower bound (after a first contact that makes the sandbox write the repository).
  const auth = Buffer.from(`x-access-token:${GITHUB_ACCOUNTS.alice.token}`).toString("base64");
  const git = (...args: string[]) =>
    promisify(execFile)("git", ["-c", `http.extraHeader=Authorization: Basic ${auth}`, ...args], { env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_LFS_SKIP_SMUDGE: "1" } });
  const remote = `${sandbox.url}/${sandbox.repository}.git`;
  await git("ls-remote", "--", remote);
  const gitStart = performance.now();
  await git("clone", "--mirror", "--quiet", "--", remote, path.join(workDir, "mirror.git"));
  const gitSeconds = (performance.now() - gitStart) / 1000;

  const alice = await createGithubLinkedUser("alice");
  await startImportWorkers();
  await admin("PUT", "config", { latencyMs });
  await admin("DELETE", "requests");
  await admin("DELETE", "stats");

  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const run = await startGitHubImport(alice, { repoId: BENCH_REPO_ID });
  let status = "scheduled";
  const stageTimes: Array<{ stage: string; at: number }> = [];
  while (status === "scheduled" || status === "started") {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const row = await db.projectImport.findUniqueOrThrow({ where: { id: run.importId } });
    status = row.status;
    if (row.stage && stageTimes.at(-1)?.stage !== row.stage) stageTimes.push({ stage: row.stage, at: performance.now() });
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  const stats = (await admin("GET", "stats")) as { routes: Array<{ route: string; total: number; statuses: Record<string, number> }> };
  const apiRoutes = stats.routes.filter((route) => isApiRoute(route.route));
  const requests = apiRoutes.reduce((sum, route) => sum + route.total, 0);
  const progress = await db.importProgress.findMany({ where: { importId: run.importId }, orderBy: { objectType: "asc" } });
  const failures = await db.importFailure.count({ where: { importId: run.importId } });
  const items = progress.reduce((sum, row) => sum + row.imported, 0);
  const lowerBound = (sandbox.minimum * latencyMs) / 1000 / concurrency + gitSeconds;
  const importerPeakRss = process.resourceUsage().maxRSS * 1024;

  await stopJobs();
  child.send({ type: "stop" });
  const { peakRssBytes: sandboxPeakRss } = await nextMessage<SandboxFinal>(child, "final");
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  const line = (label: string, value: string) => console.log(`${label.padEnd(40)} ${value}`);
  const sizes = sandbox.sizes;
  console.log(`\nFerry GitHub import benchmark — ${sandbox.repository}: ${sizes.pullRequests} pull requests, ${sizes.issues} issues, ${sizes.commits} commits, ${sizes.branches} branches, ${sizes.lfsObjects} LFS objects`);
  line("status", `${status} (${failures} failed items)`);
  line("API requests made", String(requests));
  line("minimum for the data", `${sandbox.minimum}  (ratio ${(requests / sandbox.minimum).toFixed(3)}, target ≤ 1.05)`);
  line("GitLab's pattern on the same repository", `${sandbox.gitlabPattern}  (ratio ${(requests / sandbox.gitlabPattern).toFixed(3)}, target ≤ 0.5; with single-endpoint notes ${sandbox.gitlabPatternSingleEndpoint})`);
  line("wall time", `${wallSeconds.toFixed(1)} s`);
  line("lower bound", `${lowerBound.toFixed(1)} s (= ${sandbox.minimum} × ${latencyMs} ms ÷ ${concurrency} + git ${gitSeconds.toFixed(1)} s)`);
  line("wall-time ratio", `${(wallSeconds / lowerBound).toFixed(2)}  (target ≤ 1.5)`);
  line("CPU time, Ferry (importer)", `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s; less sensitive to machine load than wall time)`);
  line("items imported per second", (items / wallSeconds).toFixed(0));
  line("peak RSS, Ferry (importer)", `${mb(importerPeakRss)}  (target ≤ 500 MB; ${heapLimitNote()})`);
  line("peak RSS, sandbox (own process)", mb(sandboxPeakRss));
  for (const row of progress) line(`  ${row.objectType}`, `imported ${row.imported}${row.total !== null ? ` of ${row.total}` : ""}, failed ${row.failed}, skipped ${row.skipped}`);
  console.log("\nTime per stage:");
  stageTimes.forEach((entry, index) => line(`  ${entry.stage}`, `${(((stageTimes[index + 1]?.at ?? started + wallSeconds * 1000) - entry.at) / 1000).toFixed(1)} s`));
  console.log("\nRequests by route:");
  for (const route of apiRoutes.sort((a, b) => b.total - a.total).slice(0, 16)) line(`  ${route.route}`, `${route.total}  ${JSON.stringify(route.statuses)}`);

  const { disconnectDb } = await import("../lib/db/index.ts");
  await disconnectDb();
  await database.stop();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(status === "finished" ? 0 : 1);
}
