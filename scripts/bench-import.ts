/**
 * `npm run bench:import`: imports a large generated repository from the sandbox and prints how
 * close Ferry comes to the least work the import needs (`-- --source github`: the GitHub import,
 * scripts/bench-import-github.ts; `-- --source bitbucket-server`: the Bitbucket Server import,
 * scripts/bench-import-bitbucket-server.ts). Options (env):
 *   BENCH_LATENCY_MS (50)  per-request latency of the sandbox API
 *   BENCH_SCALE (1)        multiplies the default sizes (2,000 PRs, 3,000 issues, …), e.g. 0.1 for a quick run
 *   BITBUCKET_CONCURRENCY (6) requests in flight to Bitbucket at once (the lower bound divides by it)
 *
 * The sandbox runs in a child process of its own, so the importer's peak RSS and CPU are Ferry's
 * alone; both processes' peak RSS are printed. (PostgreSQL runs in processes of its own too.)
 */
import { execFile, fork } from "node:child_process";
import { promisify } from "node:util";
import { nextMessage, serveUntilStopped, type SandboxFinal } from "./bench-child.ts";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { SandboxState } from "../mocks/bitbucket/index.ts";
import { benchSizes, ferryAgainstSandbox, heapLimitNote, sandboxAdmin } from "./bench-support.ts";

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
const scale = Number(process.env.BENCH_SCALE ?? 1);

type SandboxReady = {
  type: "ready";
  url: string;
  repository: string;
  pullRequests: number;
  issues: number;
  minimumRequests: number;
  bench: { commits: number; branches: number; lfsObjects: number; users: number };
};

const sourceArgument = process.argv.indexOf("--source");
const source = sourceArgument >= 0 ? process.argv[sourceArgument + 1] : "bitbucket";
if (source === "github") await (await import("./bench-import-github.ts")).runGithubBenchmark();
else if (source === "bitbucket-server") await (await import("./bench-import-bitbucket-server.ts")).benchBitbucketServer();
else if (process.env.BENCH_ROLE === "sandbox") await runSandbox();
else await runBenchmark();

/** The child: the sandbox with the bench repository, serving over HTTP until told to stop. */
async function runSandbox(): Promise<void> {
  const { BENCH_REPOSITORY, createSandboxState, startSandboxServer } = await import("../mocks/bitbucket/index.ts");
  const bench = benchSizes(scale);
  const state = createSandboxState({ bench, knobs: { issuesRemoved: false } });
  const sandbox = await startSandboxServer({ port: 0, dataDir: process.env.BENCH_SANDBOX_DIR!, state });

  // The minimum: list pages, plus per-item calls that carry data (comments only where there are any).
  const [workspace, slug] = BENCH_REPOSITORY.split("/") as [string, string];
  const detail = state.detail(state.repository(workspace, slug)!);
  const pages = (count: number, size: number) => Math.ceil(count / size);
  let pullRequestCommentCalls = 0;
  for (let id = 1; id <= detail.pullRequests.count; id++) {
    const visible = detail.pullRequests.comments(id).filter((comment) => !comment.pending).length;
    if (visible > 0) pullRequestCommentCalls += pages(visible, 100);
  }
  // The issue listing tells neither comments nor changes: one comments request per issue. Every
  // change leaves a comment, so changes are asked for only for issues with comments.
  let issueCommentCalls = 0;
  let issueChangeCalls = 0;
  for (let id = 1; id <= detail.issues.maxId; id++) {
    if (!detail.issues.get(id)) continue;
    const comments = detail.issues.comments(id);
    issueCommentCalls += Math.max(1, pages(comments.length, 100));
    if (comments.length > 0) issueChangeCalls += Math.max(1, pages(comments.filter((comment) => comment.change).length, 100));
  }
  const minimumRequests =
    1 /* repository */ +
    pages(bench.users + 1, 100) +
    pages(detail.pullRequests.count, 50) +
    pullRequestCommentCalls +
    1 /* milestones */ +
    pages(detail.issues.count, 100) +
    issueCommentCalls +
    issueChangeCalls;

  const ready: SandboxReady = {
    type: "ready",
    url: sandbox.url,
    repository: BENCH_REPOSITORY,
    pullRequests: detail.pullRequests.count,
    issues: detail.issues.count,
    minimumRequests,
    bench: { commits: bench.commits, branches: bench.branches, lfsObjects: bench.lfsObjects, users: bench.users },
  };
  serveUntilStopped(ready, () => sandbox.close());
}

/** The parent: Ferry (database, workers, importer) against the sandbox child. */
async function runBenchmark(): Promise<void> {
  const concurrency = Number((process.env.BITBUCKET_CONCURRENCY ??= "6"));
  const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-"));
  // The embedded PostgreSQL runs as an unprivileged user when we are root; it must reach DATA_DIR.
  chmodSync(workDir, 0o755);
  process.env.DATA_DIR = path.join(workDir, "data");

  const child = fork(process.argv[1]!, [], {
    env: { ...process.env, BENCH_ROLE: "sandbox", BENCH_SANDBOX_DIR: path.join(workDir, "sandbox") },
    execArgv: process.execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const sandbox = await nextMessage<SandboxReady>(child, "ready");
  const admin = sandboxAdmin(sandbox.url);
  const database = await ferryAgainstSandbox(sandbox.url);

  const { db } = await import("../lib/db/index.ts");
  const { createLinkedUser } = await import("../test/fixtures.ts");
  const { startBitbucketImport } = await import("../lib/import/start.ts");
  const { startImportWorkers } = await import("../lib/import/workers.ts");
  const { stopJobs } = await import("../lib/jobs/index.ts");

  // Git transfer alone, for the lower bound: a mirror clone of the same repository, after a
  // first contact that makes the sandbox write it (that is set-up, not transfer).
  const tokens = (await admin("POST", "tokens", { nickname: "alice" })) as { access_token: string; refresh_token: string };
  const auth = Buffer.from(`x-token-auth:${tokens.access_token}`).toString("base64");
  const git = (...args: string[]) =>
    promisify(execFile)("git", ["-c", `http.extraHeader=Authorization: Basic ${auth}`, ...args], {
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_LFS_SKIP_SMUDGE: "1" },
    });
  await git("ls-remote", "--", `${sandbox.url}/${sandbox.repository}.git`);
  const gitStart = performance.now();
  await git("clone", "--mirror", "--quiet", "--", `${sandbox.url}/${sandbox.repository}.git`, path.join(workDir, "mirror.git"));
  const gitSeconds = (performance.now() - gitStart) / 1000;

  // The fixture takes the tokens from the sandbox state; here they come over HTTP.
  const grantedOverHttp = { grantTokensFor: () => ({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token }) };
  const alice = await createLinkedUser(grantedOverHttp as unknown as SandboxState, "alice", { expiresInSeconds: 7200 });
  await startImportWorkers();
  await admin("PUT", "config", { latencyMs });
  await admin("DELETE", "requests");
  await admin("DELETE", "stats");

  const queries = await countDatabaseQueries();
  const { bitbucketRequestSlotMs, bitbucketRequestLoad } = await import("../lib/import/pipeline/context.ts");
  const slotMsBefore = bitbucketRequestSlotMs();
  const loadBefore = loadavg();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const run = await startBitbucketImport(alice, { repository: sandbox.repository });
  let status = "scheduled";
  const stageTimes: Array<{ stage: string; at: number }> = [];
  // Request slots left unused while nothing waited for one, per stage: the import's idle capacity.
  const idleSlots = new Map<string, { samples: number; idle: number }>();
  let currentStage = "repository";
  const sampler = setInterval(() => {
    const { active, waiting } = bitbucketRequestLoad();
    const entry = idleSlots.get(currentStage) ?? { samples: 0, idle: 0 };
    entry.samples++;
    if (waiting === 0) entry.idle += (concurrency - Math.min(active, concurrency)) / concurrency;
    idleSlots.set(currentStage, entry);
  }, 20);
  while (status === "scheduled" || status === "started") {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const row = await db.projectImport.findUniqueOrThrow({ where: { id: run.importId } });
    status = row.status;
    if (row.stage && stageTimes.at(-1)?.stage !== row.stage) {
      stageTimes.push({ stage: row.stage, at: performance.now() });
      currentStage = row.stage;
    }
  }
  clearInterval(sampler);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const slotSeconds = (bitbucketRequestSlotMs() - slotMsBefore) / 1000;
  const loadAfter = loadavg();
  const stats = (await admin("GET", "stats")) as { routes: Array<{ route: string; total: number; statuses: Record<string, number> }> };
  const apiRequests = stats.routes.filter((route) => / \/2\.0\//.test(route.route)).reduce((sum, route) => sum + route.total, 0);
  const progress = await db.importProgress.findMany({ where: { importId: run.importId }, orderBy: { objectType: "asc" } });
  const failures = await db.importFailure.count({ where: { importId: run.importId } });
  const items = progress.reduce((sum, row) => sum + row.imported, 0);
  const lowerBound = (sandbox.minimumRequests * latencyMs) / 1000 / concurrency + gitSeconds;
  const importerPeakRss = process.resourceUsage().maxRSS * 1024;
  queries.stop();

  await stopJobs();
  child.send({ type: "stop" });
  const { peakRssBytes: sandboxPeakRss } = await nextMessage<SandboxFinal>(child, "final");

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  const line = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);
  console.log(
    `\nFerry import benchmark — ${sandbox.repository}: ${sandbox.pullRequests} pull requests, ${sandbox.issues} issues, ${sandbox.bench.commits} commits, ${sandbox.bench.branches} branches, ${sandbox.bench.lfsObjects} LFS objects, ${sandbox.bench.users} users`,
  );
  line("status", `${status} (${failures} failed items)`);
  line("API requests made", String(apiRequests));
  line("minimum API requests", String(sandbox.minimumRequests));
  line("request ratio", (apiRequests / sandbox.minimumRequests).toFixed(3));
  line("wall time", `${wallSeconds.toFixed(1)} s`);
  line("lower bound", `${lowerBound.toFixed(1)} s (= ${sandbox.minimumRequests} × ${latencyMs} ms ÷ ${concurrency} + git ${gitSeconds.toFixed(1)} s)`);
  line("wall-time ratio", (wallSeconds / lowerBound).toFixed(2));
  line("request slots kept busy", `${((slotSeconds / (wallSeconds * concurrency)) * 100).toFixed(0)} % (a request held its slot ${((slotSeconds / apiRequests) * 1000).toFixed(0)} ms on average, latency ${latencyMs} ms)`);
  line("items imported per second", (items / wallSeconds).toFixed(0));
  line("peak RSS, Ferry (importer)", `${mb(importerPeakRss)}  (${heapLimitNote()})`);
  line("peak RSS, sandbox (own process)", mb(sandboxPeakRss));
  line("importer CPU during the import", `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s)`);
  line("load average before → after", `${loadBefore.map((value) => value.toFixed(2)).join(" ")} → ${loadAfter.map((value) => value.toFixed(2)).join(" ")}`);
  line("database statements (importer)", `${queries.total} (pg-boss ${queries.jobs}, import ${queries.total - queries.jobs})`);
  for (const row of progress) line(`  ${row.objectType}`, `imported ${row.imported}${row.total !== null ? ` of ${row.total}` : ""}, failed ${row.failed}, skipped ${row.skipped}`);
  console.log("\nTime per stage:");
  stageTimes.forEach((entry, index) => {
    const idle = idleSlots.get(entry.stage);
    const unused = idle && idle.samples ? `, request slots unused ${((idle.idle / idle.samples) * 100).toFixed(0)} %` : "";
    line(`  ${entry.stage}`, `${(((stageTimes[index + 1]?.at ?? started + wallSeconds * 1000) - entry.at) / 1000).toFixed(1)} s${unused}`);
  });
  console.log("\nImport statements by kind:");
  for (const [kind, count] of queries.byKind()) line(`  ${kind}`, String(count));
  console.log("\nRequests by route:");
  for (const route of stats.routes.slice(0, 12)) line(`  ${route.route}`, `${route.total}  ${JSON.stringify(route.statuses)}`);

  const { disconnectDb } = await import("../lib/db/index.ts");
  await disconnectDb();
  await database.stop();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(status === "finished" ? 0 : 1);
}

/**
 * Counts the statements this process sends to PostgreSQL (pg's Client.query, under Prisma's
 * adapter and pg-boss alike), by table and verb: the database round trips the import costs.
 */
async function countDatabaseQueries() {
  const pg = (await import("pg")).default;
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  const kinds = new Map<string, number>();
  let total = 0;
  let jobs = 0;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === "string" ? first : ((first as { text?: string } | null)?.text ?? "");
    total++;
    if (/pgboss/i.test(text)) jobs++;
    else {
      const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? "?";
      const table = /(?:FROM|INTO|UPDATE)\s+"?(?:public"?\."?)?"?(\w+)/i.exec(text)?.[1] ?? "";
      const kind = `${verb} ${table}`.trim();
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    return original.apply(this, args);
  };
  return {
    get total() {
      return total;
    },
    get jobs() {
      return jobs;
    },
    byKind: () => [...kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20),
    stop: () => {
      prototype.query = original;
    },
  };
}
