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
 */
import { existsSync, mkdtempSync, chmodSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { SANDBOX_CONSUMER, createSandboxState, startSandboxServer } from "../mocks/bitbucket/index.ts";
import type { SandboxScale } from "../mocks/bitbucket/seed.ts";
import { launchApp } from "./serve.ts";

const root = path.resolve(import.meta.dirname, "..");
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 100);
const filter = process.env.BENCH_FILTER ?? "portal";
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
const state = createSandboxState({ scale });
const sandbox = await startSandboxServer({ port: 0, dataDir: path.join(workDir, "sandbox"), state });
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
    WORKERS: "0",
  },
});

// What the list should show: workspaces in order, each page's repositories by slug, 100 a page.
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
const total = pages.reduce((sum, page) => sum + page.length, 0);
const lastRepository = pages.at(-1)!.at(-1)!;
const filtered = workspaces.flatMap((workspace) => state.repositoriesOf(workspace).filter((repository) => repository.name.toLowerCase().includes(filter.toLowerCase())).map((repository) => repository.full_name));

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
  await target.goto(`${appUrl}/import/bitbucket`, { waitUntil: "commit" });
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
  await target.goto(`${appUrl}/import/bitbucket`, { waitUntil: "commit" });
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
    `\nFerry repository picker benchmark — ${total.toLocaleString("en-US")} repositories in ${workspaces.length} workspaces, ${latencyMs} ms per Bitbucket API request, median of ${runs} run(s)`,
  );
  line("time to first rows", ms(firstRows), { limit: TARGET_MS, actual: firstRows });
  line("first page of every workspace listed", ms(median((result) => result.firstPageComplete)));
  line(`filter "${filter}": first results`, ms(median((result) => result.filteredFirst)));
  line(`filter "${filter}": all ${filtered.length} results`, ms(filteredAll), { limit: TARGET_MS, actual: filteredAll });
  line(`time to reach the last repository`, `${ms(median((result) => result.reachedLast))} (${lastRepository}, row ${total.toLocaleString("en-US")})`);
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
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
