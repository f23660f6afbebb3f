/** What the benchmark scripts share: the bench repository's sizes, the sandbox's admin endpoints, and pointing Ferry at a sandbox. */
import { getHeapStatistics } from "node:v8";
import { DEFAULT_BENCH, SANDBOX_CONSUMER, type ResolvedBench } from "../mocks/bitbucket/index.ts";

/** The default bench sizes multiplied by `scale` (at least 1 of each, 2 branches). */
export function benchSizes(scale: number): ResolvedBench {
  const sized = (value: number) => Math.max(1, Math.round(value * scale));
  return {
    ...DEFAULT_BENCH,
    pullRequests: sized(DEFAULT_BENCH.pullRequests),
    issues: sized(DEFAULT_BENCH.issues),
    users: sized(DEFAULT_BENCH.users),
    commits: sized(DEFAULT_BENCH.commits),
    branches: Math.max(2, sized(DEFAULT_BENCH.branches)),
    lfsObjects: sized(DEFAULT_BENCH.lfsObjects),
  };
}

/** Calls the sandbox's `/_sandbox/<route>` (JSON in and out; null for 204). */
export function sandboxAdmin(url: string) {
  return async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}/_sandbox/${route}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox ${method} ${route}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };
}

/** Starts (or uses) Ferry's database and points Ferry's Bitbucket settings at the sandbox. */
export async function ferryAgainstSandbox(sandboxUrl: string) {
  const { ensureDatabase } = await import("../lib/db/ensure.ts");
  const database = await ensureDatabase({ dataDir: process.env.DATA_DIR!, databaseUrl: process.env.DATABASE_URL });
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    BITBUCKET_URL: sandboxUrl,
    BITBUCKET_API_URL: sandboxUrl,
    BITBUCKET_CLIENT_ID: SANDBOX_CONSUMER.key,
    BITBUCKET_CLIENT_SECRET: SANDBOX_CONSUMER.secret,
  });
  return database;
}

/** The V8 heap limit this process runs with (npm run worker's budget when run through npm run bench:*), for the RSS line. */
export function heapLimitNote(): string {
  return `V8 heap limit ${Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024)} MB`;
}
