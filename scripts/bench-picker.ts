/**
 * `npm run bench:picker`: the repository picker at scale, in a real browser. Starts the sandbox
 * with 5,000 repositories in 50 workspaces and 100 ms per API request, and the built Ferry (run
 * `npm run build` first), signs in as alice and prints:
 *   - time to first rows (navigation start → first repository row on screen),
 *   - time for a filter to show its results (typing → the filtered rows, all of them),
 *   - time to reach the last repository (navigation start → its row, scrolling all the way),
 *   - the page's JS heap, and any page error.
 * Targets: first rows ≤ 1.5 s, filtered ≤ 1.5 s, no page error. Exits 1 when one is missed.
 * Options (env): BENCH_LATENCY_MS (100), BENCH_SCALE ("large" = 50x5000, or "<workspaces>x<repositories>"),
 * BENCH_FILTER ("portal"), BENCH_RUNS (3, the median is reported), PLAYWRIGHT_CHROMIUM_PATH (/usr/bin/chromium).
 *
 * `--source github`: the GitHub import page against the GitHub sandbox with 5,000 repositories alice
 * can reach (BENCH_REPOSITORIES), connected through the sandbox's consent page; BENCH_FILTER defaults
 * to "nebula-1". It also times one search API request for the filter (what a server-side search would
 * cost per keystroke) beside the filter over the listing held in the browser.
 */
import { existsSync, mkdtempSync, chmodSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { SANDBOX_CONSUMER, createSandboxState, startSandboxServer } from "../mocks/bitbucket/index.ts";
import type { SandboxScale } from "../mocks/bitbucket/seed.ts";
import { GITHUB_ACCOUNTS, createGithubState, startGithubServer } from "../mocks/github/index.ts";
import { launchApp } from "./serve.ts";

const root = path.resolve(import.meta.dirname, "..");
const sourceArgument = process.argv.indexOf("--source");
const source = sourceArgument >= 0 ? process.argv[sourceArgument + 1] : "bitbucket";
if (source !== "bitbucket" && source !== "github") {
  console.error(`Unknown --source ${source}: bitbucket or github.`);
  process.exit(1);
}
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 100);
const filter = process.env.BENCH_FILTER ?? (source === "github" ? "nebula-1" : "portal");
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const rawScale = process.env.BENCH_SCALE ?? "large";
const scaleMatch = /^(\d+)x(\d+)$/.exec(rawScale);
const scale: SandboxScale = scaleMatch ? { workspaces: Number(scaleMatch[1]), repositories: Number(scaleMatch[2]) } : "large";
const TARGET_MS = 1500;

if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.error("No production build: run `npm run build` first.");
  process.exit(1);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-picker-"));
// The embedded PostgreSQL runs as an unprivileged user when we are root; it must reach DATA_DIR.
chmodSync(workDir, 0o755);
const state = createSandboxState({ scale: source === "github" ? { workspaces: 1, repositories: 1 } : scale });
const sandbox = await startSandboxServer({ port: 0, dataDir: path.join(workDir, "sandbox"), state });
// Alice reaches every acme repository and her own two; the generated ones fill up to BENCH_REPOSITORIES.
const githubRepositories = Number(process.env.BENCH_REPOSITORIES ?? 5000);
const githubState = source === "github" ? createGithubState({ repositories: githubRepositories - 4 }) : null;
const github = githubState ? await startGithubServer({ port: 0, dataDir: path.join(workDir, "sandbox-github"), state: githubState }) : null;
const appPort = await freePort();
const appUrl = `http://localhost:${appPort}`;
const app = await launchApp({
  env: {
    ...process.env,
    DATA_DIR: path.join(workDir, "data"),
    PORT: String(appPort),
    NEXTAUTH_URL: appUrl,
    BITBUCKET_URL: sandbox.url,
    BITBUCKET_API_URL: sandbox.url,
    BITBUCKET_CLIENT_ID: SANDBOX_CONSUMER.key,
    BITBUCKET_CLIENT_SECRET: SANDBOX_CONSUMER.secret,
    ...(github
      ? { GITHUB_URL: github.url, GITHUB_API_URL: github.url, GITHUB_CLIENT_ID: githubState!.oauthClient.id, GITHUB_CLIENT_SECRET: githubState!.oauthClient.secret }
      : {}),
    WORKERS: "0",
  },
});
const pagePath = source === "github" ? "/import/github" : "/import/bitbucket";

/** GitHub's listing as the sandbox answers alice, page by page (what the picker shows, in order). */
async function githubListing(): Promise<string[]> {
  const names: string[] = [];
  for (let page = 1; ; page++) {
    const response = await fetch(`${github!.url}/user/repos?affiliation=owner,collaborator,organization_member&sort=full_name&per_page=100&page=${page}`, {
      headers: { authorization: `token ${GITHUB_ACCOUNTS.alice.token}` },
    });
    const repositories = (await response.json()) as Array<{ full_name: string }>;
    names.push(...repositories.map((repository) => repository.full_name));
    if (repositories.length < 100) return names;
  }
}

// What the list should show: workspaces in order, each page's repositories by slug, 100 a page.
const githubNames = github ? await githubListing() : [];
const alice = state.accountByNickname("alice")!;
const workspaces = state
  .workspacesOf(alice)
  .map((entry) => entry.workspace)
  .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
const bySlug = (a: { slug: string }, b: { slug: string }) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
const pages: string[][] = [];
for (const workspace of workspaces) {
  const repositories = [...state.repositoriesOf(workspace)].sort(bySlug);
  for (let page = 0; page * 100 < repositories.length; page++) {
    (pages[page] ??= []).push(...repositories.slice(page * 100, page * 100 + 100).map((repository) => repository.full_name));
  }
}
const total = github ? githubNames.length : pages.reduce((sum, page) => sum + page.length, 0);
const lastRepository = github ? githubNames.at(-1)! : pages.at(-1)!.at(-1)!;
const filtered = github
  ? githubNames.filter((name) => name.toLowerCase().includes(filter.toLowerCase()))
  : workspaces.flatMap((workspace) => state.repositoriesOf(workspace).filter((repository) => repository.name.toLowerCase().includes(filter.toLowerCase())).map((repository) => repository.full_name));

const browser = await chromium.launch({
  executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
const pageErrors: string[] = [];
page.on("pageerror", (error) => pageErrors.push(error.message));
page.on("console", (message) => {
  // The browser's own favicon request is not the page's doing.
  if (message.type() === "error" && !message.location().url.endsWith("/favicon.ico")) pageErrors.push(`console: ${message.text()} ${message.location().url}`);
});

async function signIn(target: Page) {
  await target.goto(`${appUrl}/import/bitbucket`);
  await target.getByRole("button", { name: "Sign in with Bitbucket" }).click();
  await target.getByLabel(/Alice Anders/).check();
  await target.getByRole("button", { name: "Grant access" }).click();
  await target.waitForURL(/\/import\/bitbucket/);
  await target.locator("html[data-hydrated=true]").waitFor();
  if (!github) return;
  await target.goto(`${appUrl}/import/github`);
  await target.locator("html[data-hydrated=true]").waitFor();
  await target.getByRole("button", { name: "Connect GitHub" }).click();
  await target.getByLabel(/Alice Andersson/).check();
  await target.getByRole("button", { name: "Authorize" }).click();
  await target.waitForURL(/\/import\/github/);
  await target.locator("html[data-hydrated=true]").waitFor();
}

/** One search API request for the filter, as a server-side search would make per keystroke (not rate-limited here, 30 a minute on GitHub). */
async function githubSearchMs(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${github!.url}/search/repositories?q=${encodeURIComponent(`${filter} in:name user:alice org:acme`)}&per_page=100`, {
    headers: { authorization: `token ${GITHUB_ACCOUNTS.alice.token}` },
  });
  await response.arrayBuffer();
  return performance.now() - started;
}

/** Milliseconds since the page's navigation started, measured in the page when `ready` first holds. */
async function pageTimeWhen<Arg>(target: Page, ready: (arg: Arg) => boolean, arg: Arg, timeoutMs = 120_000): Promise<number> {
  const handle = await target.waitForFunction(
    ({ source, value }) => {
      // eslint-disable-next-line no-new-func -- the predicate is passed as source to run in the page
      const check = new Function("arg", `return (${source})(arg)`) as (arg: unknown) => boolean;
      return check(value) ? performance.now() : null;
    },
    { source: ready.toString(), value: arg },
    { polling: "raf", timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as number;
}

async function loadAndMeasure(target: Page) {
  await target.goto(`${appUrl}${pagePath}`, { waitUntil: "commit" });
  const firstRows = await pageTimeWhen(target, () => document.querySelector('[data-testid="repository-row"]') !== null, null);
  const allLoadedFirstPage = await pageTimeWhen(target, () => !/loading/.test(document.querySelector('[data-testid="listing-summary"]')?.textContent ?? "loading"), null);
  await target.locator("html[data-hydrated=true]").waitFor();

  const input = target.getByLabel("Filter by name");
  const filterStart = await target.evaluate(() => performance.now());
  await input.fill(filter);
  const expected = new Set(filtered);
  const filteredFirst = await pageTimeWhen(
    target,
    (names: string[]) => {
      const rows = [...document.querySelectorAll('[data-testid="repository-row"]')];
      const known = new Set(names);
      return rows.length > 0 && rows.every((row) => known.has(row.getAttribute("data-full-name") ?? ""));
    },
    [...expected],
  );
  const filteredAll = await pageTimeWhen(
    target,
    (count: number) => {
      const summary = document.querySelector('[data-testid="listing-summary"]')?.textContent ?? "";
      return summary.startsWith(`${count.toLocaleString("en-US")} repositor`) && !/loading|more to load/.test(summary);
    },
    expected.size,
  );

  // The last repository: from a fresh load, scrolling to the end as a person would (the next page loads on the way).
  await target.goto(`${appUrl}${pagePath}`, { waitUntil: "commit" });
  const reachedLast = await pageTimeWhen(
    target,
    (name: string) => {
      window.scrollTo(0, document.documentElement.scrollHeight);
      return document.querySelector(`[data-testid="repository-row"][data-full-name="${name}"]`) !== null;
    },
    lastRepository,
  );
  const summary = (await target.getByTestId("listing-summary").textContent()) ?? "";

  const cdp = await target.context().newCDPSession(target);
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
  await cdp.detach();
  return {
    firstRows,
    firstPageComplete: allLoadedFirstPage,
    filteredFirst: filteredFirst - filterStart,
    filteredAll: filteredAll - filterStart,
    reachedLast,
    heapMb: heap.usedSize / 1024 / 1024,
    summary,
  };
}

let exitCode = 0;
try {
  await signIn(page);
  // One warm-up: the first request to each route in a fresh server.
  await page.locator('[data-testid="repository-row"]').first().waitFor({ timeout: 120_000 });
  state.updateKnobs({ latencyMs });
  githubState?.updateKnobs({ latencyMs });

  const results: Array<Awaited<ReturnType<typeof loadAndMeasure>>> = [];
  for (let run = 0; run < runs; run++) results.push(await loadAndMeasure(page));
  const median = (pick: (result: (typeof results)[number]) => number) => {
    const values = results.map(pick).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)]!;
  };
  const ms = (value: number) => `${Math.round(value).toLocaleString("en-US")} ms`;
  const line = (label: string, value: string, target?: { limit: number; actual: number }) => {
    const verdict = target ? (target.actual <= target.limit ? `  ✓ (≤ ${ms(target.limit)})` : `  ✗ (target ≤ ${ms(target.limit)})`) : "";
    console.log(`${label.padEnd(40)} ${value}${verdict}`);
  };
  const firstRows = median((result) => result.firstRows);
  const filteredAll = median((result) => result.filteredAll);
  console.log(
    github
      ? `\nFerry repository picker benchmark (GitHub) — ${total.toLocaleString("en-US")} repositories, ${latencyMs} ms per GitHub API request, median of ${runs} run(s)`
      : `\nFerry repository picker benchmark — ${total.toLocaleString("en-US")} repositories in ${workspaces.length} workspaces, ${latencyMs} ms per Bitbucket API request, median of ${runs} run(s)`,
  );
  line("time to first rows", ms(firstRows), { limit: TARGET_MS, actual: firstRows });
  line(github ? "whole listing read (every page)" : "first page of every workspace listed", ms(median((result) => result.firstPageComplete)));
  line(`filter "${filter}": first results`, ms(median((result) => result.filteredFirst)));
  line(`filter "${filter}": all ${filtered.length} results`, ms(filteredAll), { limit: TARGET_MS, actual: filteredAll });
  line(`time to reach the last repository`, `${ms(median((result) => result.reachedLast))} (${lastRepository}, row ${total.toLocaleString("en-US")})`);
  if (github) {
    const searches: number[] = [];
    for (let run = 0; run < runs; run++) searches.push(await githubSearchMs());
    line(`filter "${filter}" by the search API instead`, `${ms(searches.sort((a, b) => a - b)[Math.floor(searches.length / 2)]!)} per request (one per keystroke, 30 a minute)`);
  }
  line("JS heap after reaching the end", `${median((result) => result.heapMb).toFixed(1)} MB`);
  line("listing summary at the end", results.at(-1)!.summary);
  line("page errors", pageErrors.length === 0 ? "none" : String(pageErrors.length));
  for (const error of pageErrors.slice(0, 10)) console.log(`  ${error}`);
  console.log("\nPer run:", JSON.stringify(results.map((result) => ({ ...result, heapMb: Number(result.heapMb.toFixed(1)) }))));
  if (firstRows > TARGET_MS || filteredAll > TARGET_MS || pageErrors.length > 0) exitCode = 1;
} catch (error) {
  console.error("bench:picker failed:", error);
  exitCode = 1;
} finally {
  await browser.close();
  await app.stop();
  await sandbox.close();
  await github?.close();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
