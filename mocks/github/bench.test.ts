import { describe, expect, it } from "vitest";
import { DEFAULT_BENCH, createGithubState, githubOptionsFromEnv, minimumImportRequests } from "./index";

describe("bench repository", () => {
  const state = createGithubState({ bench: true });
  const repo = state.repository("bench", "big-repo")!;

  it("is sized like the Bitbucket bench and generated in a few seconds", () => {
    const started = performance.now();
    const content = state.content(repo);
    expect(performance.now() - started).toBeLessThan(20_000);
    const pulls = content.items.filter((item) => item.pull);
    expect(pulls).toHaveLength(DEFAULT_BENCH.pullRequests);
    expect(content.items.length - pulls.length).toBe(DEFAULT_BENCH.issues);
    expect(content.git.commits).toHaveLength(DEFAULT_BENCH.commits);
    expect(Object.keys(content.git.branches)).toHaveLength(DEFAULT_BENCH.branches);
    expect(content.lfs.size).toBe(DEFAULT_BENCH.lfsObjects);
    const pullComments = content.issueComments.filter((comment) => content.items[comment.number - 1]!.pull).length + content.reviewComments.length;
    expect(pullComments / pulls.length).toBeGreaterThan(4);
    expect(pullComments / pulls.length).toBeLessThanOrEqual(DEFAULT_BENCH.commentsPerPullRequest);
    // Every pull request's head is fetchable as refs/pull/N/head.
    for (const item of pulls.slice(0, 50)) expect(content.git.sha(content.git.refs![`refs/pull/${item.number}/head`]!)).toBe(item.pull!.head.sha);
  });

  it("comes out the same on every run", () => {
    const again = createGithubState({ bench: true });
    const first = state.content(repo);
    const second = again.content(again.repository("bench", "big-repo")!);
    expect(second.git.sha(second.git.branches.main!)).toBe(first.git.sha(first.git.branches.main!));
    expect(second.items[1234]).toEqual(first.items[1234]);
  });

  it("has a minimum request count well under GitLab's per-item pattern", () => {
    const budget = minimumImportRequests(state, repo);
    expect(budget.breakdown["GET /repos/{owner}/{repo}/issues"]).toBe(50);
    expect(budget.breakdown["GET /repos/{owner}/{repo}/pulls/{number}/reviews"]).toBe(DEFAULT_BENCH.pullRequests);
    expect(budget.minimum).toBeLessThan(budget.gitlabPattern * 0.5);
    expect(budget.gitlabPatternSingleEndpoint).toBeGreaterThan(budget.gitlabPattern);
  });

  it("reads bench sizes and knobs from the environment", () => {
    const options = githubOptionsFromEnv({ GITHUB_SANDBOX_BENCH: '{"pullRequests":10}', GITHUB_SANDBOX_SECONDARY_RATIO: "0.3", GITHUB_SANDBOX_SECONDARY_STATUS: "429" });
    expect(options.bench).toEqual({ pullRequests: 10 });
    expect(options.knobs).toEqual({ secondaryRateLimitRatio: 0.3, secondaryRateLimitStatus: 429 });
    expect(() => githubOptionsFromEnv({ GITHUB_SANDBOX_SECONDARY_STATUS: "418" })).toThrow();
  });
});
