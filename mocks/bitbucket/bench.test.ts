/**
 * Bench scale: bench/big-repo with 2,000 pull requests, 3,000 issues, 5,000 commits on 200
 * branches, 50 LFS objects and 100 extra accounts. Prints timings.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { devNull, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_REPOSITORY, DEFAULT_BENCH, GitBackend, createBitbucketHandlers, createSandboxState, sandboxOptionsFromEnv } from "./index";
import { API, WEB, apiTokenAuth, basic, collectPages } from "@/test/sandbox";

const execFileAsync = promisify(execFile);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const timings: Record<string, string> = {};
function time<T>(label: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  timings[label] = `${(performance.now() - started).toFixed(0)} ms`;
  return result;
}

const state = time("createSandboxState({ bench: true })", () => createSandboxState({ bench: true }));
const server = setupServer(...createBitbucketHandlers(state, { webUrl: WEB, apiUrl: API }));
const alice = apiTokenAuth("alice");
const BASE = `${API}/2.0/repositories/${BENCH_REPOSITORY}`;

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => {
  server.close();
  console.log(`[bench] timings (${DEFAULT_BENCH.pullRequests} PRs, ${DEFAULT_BENCH.issues} issues, ${DEFAULT_BENCH.commits} commits, ${DEFAULT_BENCH.branches} branches):\n${Object.entries(timings).map(([label, value]) => `  ${label.padEnd(58)} ${value}`).join("\n")}`);
});

async function get(url: string, auth: string = alice): Promise<{ status: number; body: Json }> {
  const response = await fetch(url, { headers: { Authorization: auth } });
  return { status: response.status, body: (await response.json()) as Json };
}

describe("bench workspace", () => {
  it("adds workspace bench, bench/big-repo and 100 member accounts", async () => {
    expect(state.workspaces.map((workspace) => workspace.slug)).toContain("bench");
    const members = await collectPages<Json>(`${API}/2.0/workspaces/bench/members?pagelen=100`, { Authorization: alice });
    expect(members.values).toHaveLength(101);
    const user = state.accountByNickname("bench-user-042")!;
    expect(user.display_name).toBe("Bench User 042");
    const me = await get(`${API}/2.0/user`, basic(user.email, user.apiToken));
    expect(me.body.nickname).toBe("bench-user-042");
    expect((await get(BASE)).body).toMatchObject({ full_name: BENCH_REPOSITORY, is_private: true, has_issues: true });
    expect((await get(`${API}/2.0/user/workspaces`)).body.size).toBe(5);
  });

  it("is configured by SANDBOX_BENCH", () => {
    expect(sandboxOptionsFromEnv({ SANDBOX_BENCH: "1" }).bench).toBe(true);
    expect(sandboxOptionsFromEnv({ SANDBOX_BENCH: '{"pullRequests": 10}' }).bench).toEqual({ pullRequests: 10 });
    expect(sandboxOptionsFromEnv({}).bench).toBeUndefined();
    expect(() => createSandboxState({ bench: { inlineShare: 2 } })).toThrow();
  });

  it("plans and hashes the git history quickly", () => {
    const repository = state.repository("bench", "big-repo")!;
    const detail = time("plan + hash 5,000 commits (state.detail)", () => state.detail(repository));
    expect(detail.git.commits).toHaveLength(DEFAULT_BENCH.commits);
    expect(Object.keys(detail.git.branches)).toHaveLength(DEFAULT_BENCH.branches);
    expect(detail.lfs.size).toBe(DEFAULT_BENCH.lfsObjects);
    expect(detail.git.commits.every((commit) => detail.git.inRepository(commit.mark))).toBe(true);
  });

  it("generates pull requests and comments on demand with the configured shares", () => {
    const detail = state.detail(state.repository("bench", "big-repo")!);
    const counts = time("generate all 2,000 PRs + comments", () => {
      let comments = 0;
      let inline = 0;
      let zero = 0;
      let approved = 0;
      const states: Record<string, number> = {};
      for (let id = 1; id <= detail.pullRequests.count; id++) {
        const pr = detail.pullRequests.get(id)!;
        const list = detail.pullRequests.comments(id);
        comments += list.length;
        inline += list.filter((comment) => comment.inline).length;
        if (list.length === 0) zero++;
        if (pr.participants.some((participant) => participant.approved)) approved++;
        states[pr.state] = (states[pr.state] ?? 0) + 1;
      }
      return { comments, inline, zero, approved, states };
    });
    expect(detail.pullRequests.count).toBe(2000);
    expect(counts.zero).toBeGreaterThan(0);
    expect(counts.comments).toBe((2000 - counts.zero) * 5);
    expect(counts.inline / counts.comments).toBeCloseTo(1 / 3, 1);
    expect(counts.approved).toBe(400);
    expect(Object.keys(counts.states).sort()).toEqual(["DECLINED", "MERGED", "OPEN", "SUPERSEDED"]);
    expect(detail.pullRequests.get(2001)).toBeUndefined();
    expect(detail.issues.count).toBe(3000);
    expect(detail.issues.comments(17)).toHaveLength(3);
  });

  it("pages through every pull request via the API (pagelen 50)", async () => {
    const started = performance.now();
    const { values, urls } = await collectPages<Json>(`${BASE}/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED&pagelen=50`, { Authorization: alice });
    timings["list 2,000 PRs, 40 pages (msw)"] = `${(performance.now() - started).toFixed(0)} ms`;
    expect(values).toHaveLength(2000);
    expect(urls).toHaveLength(40);
    expect(new Set(values.map((pr) => pr.id)).size).toBe(2000);
    expect(values.some((pr) => pr.comment_count === 0)).toBe(true);
    const sortedStarted = performance.now();
    const sorted = await get(`${BASE}/pullrequests?state=MERGED&sort=-updated_on&pagelen=50&page=3`);
    timings["one sorted page (sort=-updated_on)"] = `${(performance.now() - sortedStarted).toFixed(0)} ms`;
    expect(sorted.body.values).toHaveLength(50);
    const comments = await get(`${BASE}/pullrequests/1/comments`);
    expect(comments.body.size).toBe(5);
    expect((await get(`${BASE}/pullrequests/8/comments`)).body.size).toBe(0);
    expect((await get(`${BASE}/pullrequests/1/activity`)).status).toBe(200);
  });

  it("serves 3,000 issues when the tracker is enabled", async () => {
    state.updateKnobs({ issuesRemoved: false });
    try {
      const started = performance.now();
      const first = await get(`${BASE}/issues?pagelen=100`);
      timings["first issues page"] = `${(performance.now() - started).toFixed(0)} ms`;
      expect(first.body.size).toBe(3000);
      const last = await get(`${BASE}/issues?pagelen=100&page=30`);
      expect(last.body.values.at(-1).id).toBe(3000);
      expect((await get(`${BASE}/issues/3000/comments`)).body.size).toBe(3);
      expect((await get(`${BASE}/milestones`)).body.size).toBe(10);
    } finally {
      state.updateKnobs({ issuesRemoved: true });
    }
  });

  it("applies the fault knobs to bench endpoints too", async () => {
    state.updateKnobs({ rateLimit429Ratio: 1 });
    try {
      expect((await fetch(`${BASE}/pullrequests`, { headers: { Authorization: alice } })).status).toBe(429);
    } finally {
      state.updateKnobs({ rateLimit429Ratio: 0 });
    }
  });

  it("keeps the request log and counters cheap at tens of thousands of requests", () => {
    const counted = createSandboxState();
    time("log 50,000 requests", () => {
      for (let i = 0; i < 50_000; i++) counted.logRequest({ method: "GET", path: `/2.0/repositories/bench/big-repo/pullrequests/${i % 2000}/comments`, query: { page: String(i % 7) }, status: i % 10 === 0 ? 429 : 200, account: "alice" });
    });
    const stats = time("stats snapshot", () => counted.requestStats());
    expect(stats.total).toBe(50_000);
    expect(stats.routes).toEqual([{ route: "GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments", total: 50_000, statuses: { "200": 45_000, "429": 5_000 } }]);
  });
});

describe("bench git repository", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "bb-bench-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("is built with git fast-import in a few seconds", async () => {
    const repository = state.repository("bench", "big-repo")!;
    const detail = state.detail(repository);
    const started = performance.now();
    const bare = await new GitBackend(state, dataDir).ensureRepository(repository);
    timings["git fast-import 5,000 commits / 200 branches"] = `${(performance.now() - started).toFixed(0)} ms`;
    const git = async (...args: string[]) =>
      (await execFileAsync("git", ["--git-dir", bare, ...args], { env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: devNull, HOME: devNull } as unknown as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
    expect(Number(await git("rev-list", "--all", "--count"))).toBe(DEFAULT_BENCH.commits);
    expect((await git("for-each-ref", "--format=%(refname)", "refs/heads")).split("\n")).toHaveLength(DEFAULT_BENCH.branches);
    expect(await git("rev-parse", "refs/heads/main")).toBe(detail.git.sha(detail.git.branches.main!));
    const pr = detail.pullRequests.get(1234)!;
    expect(await git("cat-file", "-t", pr.source.commit)).toBe("commit");
    expect(performance.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
