/**
 * The Bitbucket sandbox in tests: as a real HTTP server for the whole file (`sandboxTest`,
 * `importTest`), or through msw handlers (`useSandboxHandlers`), and request helpers for both.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, test } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { createBitbucketHandlers, createSandboxState, SANDBOX_CONSUMER, startSandboxServer, type SandboxServer } from "@/mocks/bitbucket";
import { SANDBOX_ACCOUNTS, type SandboxNickname } from "@/mocks/bitbucket/seed";
import type { SandboxState } from "@/mocks/bitbucket/state";
import { resetDatabase } from "./db";
import { patchEnv } from "./env";
import { createLinkedUser } from "./fixtures";

export type Sandbox = SandboxServer;

/**
 * Starts the sandbox as a real server (git included) and points Ferry at it: Bitbucket's API and
 * web URLs, the OAuth consumer, and a DATA_DIR of this test file's own (test files run in parallel
 * with databases of their own, so their project ids collide: in a shared DATA_DIR two imports
 * would write the same `repositories/1.git`). `env` adds variables of the caller's.
 */
export async function startTestSandbox(options: { state?: SandboxState; env?: Record<string, string> } = {}): Promise<{ sandbox: Sandbox; stop(): Promise<void> }> {
  const sandbox = await startSandboxServer({ port: 0, dataDir: mkdtempSync(path.join(tmpdir(), "ferry-sandbox-")), state: options.state });
  const restoreEnv = patchEnv({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "ferry-data-")),
    BITBUCKET_URL: sandbox.url,
    BITBUCKET_API_URL: sandbox.url,
    BITBUCKET_CLIENT_ID: SANDBOX_CONSUMER.key,
    BITBUCKET_CLIENT_SECRET: SANDBOX_CONSUMER.secret,
    ...options.env,
  });
  return {
    sandbox,
    stop: async () => {
      await sandbox.close();
      restoreEnv();
    },
  };
}

/**
 * A test with the sandbox served for the whole file (`sandbox`), a fresh database and sandbox
 * state before each test, and `alice`: a Ferry user linked to the sandbox's alice.
 * Extra variables for Ferry go in the file-scoped `sandboxEnv` (`sandboxTest.override`).
 */
export const sandboxTest = test
  .extend("sandboxEnv", { scope: "file" }, {} as Record<string, string>)
  .extend("sandbox", { scope: "file" }, async ({ sandboxEnv }, { onCleanup }) => {
    const { sandbox, stop } = await startTestSandbox({ env: sandboxEnv });
    onCleanup(async () => {
      await stopJobs(); // the job queue a test of the file started, workers or not
      await stop();
    });
    return sandbox;
  })
  .extend("freshState", { auto: true }, async ({ sandbox }) => {
    await resetDatabase();
    sandbox.state.reset();
    return sandbox.state;
  })
  .extend("alice", async ({ freshState }): Promise<SessionUser> => createLinkedUser(freshState, "alice"));

/** sandboxTest with this process's import workers running for the whole file. */
export const importTest = sandboxTest.extend("workers", { scope: "file", auto: true }, async ({ sandbox }) => {
  void sandbox; // the workers read the Bitbucket settings the sandbox fixture sets, and it stops them
  await startImportWorkers();
  return true;
});

/**
 * Serves the sandbox through msw at WEB and API for this file, with a fresh state before each test.
 * Registers the hooks; call it at the top of a test file.
 */
export function useSandboxHandlers(state: SandboxState = createSandboxState()) {
  const server = setupServer(...createBitbucketHandlers(state, { webUrl: WEB, apiUrl: API }));
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  beforeEach(() => state.reset());
  return { state, server };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** GETs a sandbox URL (a path is taken below API) and reads the body as JSON, or as `{ text }` when it is not JSON. */
export async function getJson(url: string, auth: string | null): Promise<{ status: number; body: Json; response: Response }> {
  const response = await fetch(url.startsWith("http") ? url : `${API}${url}`, { headers: auth ? { Authorization: auth } : {} });
  const raw = await response.text();
  let body: Json;
  try {
    body = JSON.parse(raw) as Json;
  } catch {
    body = { text: raw };
  }
  return { status: response.status, body, response };
}

export const WEB = "https://bitbucket.org";
export const API = "https://api.bitbucket.org";

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** Basic auth header with an account's email and API token. */
export function apiTokenAuth(nickname: SandboxNickname): string {
  const account = SANDBOX_ACCOUNTS[nickname];
  return basic(account.email, account.apiToken);
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

export function bearerFor(state: SandboxState, nickname: string): string {
  return bearer(state.grantTokensFor(nickname).accessToken);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Walks `next` links from a first page URL and returns all values and the page URLs visited. */
export async function collectPages<T = Record<string, unknown>>(
  firstUrl: string,
  headers: Record<string, string> = {},
): Promise<{ values: T[]; urls: string[] }> {
  const values: T[] = [];
  const urls: string[] = [];
  let next: string | undefined = firstUrl;
  while (next) {
    urls.push(next);
    const response = await fetch(next, { headers });
    if (response.status !== 200) throw new Error(`GET ${next} -> ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { values: T[]; next?: string };
    values.push(...page.values);
    next = page.next;
    if (urls.length > 1000) throw new Error("too many pages");
  }
  return { values, urls };
}
