import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { existingPaths, lineCounts, resolveCommits, updateRefs } from "./batch";

function repository() {
  const dir = mkdtempSync(path.join(tmpdir(), "ferry-batch-"));
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" } }).trim();
  git("init", "-q", "-b", "main");
  writeFileSync(path.join(dir, "a.txt"), "a\n");
  git("add", "a.txt");
  git("commit", "-q", "-m", "one");
  const first = git("rev-parse", "HEAD");
  const blob = git("rev-parse", "HEAD:a.txt");
  return { gitDir: path.join(dir, ".git"), first, blob };
}

describe("batched object lookups", () => {
  it("resolves short and full commit SHAs and rejects non-commits and unknowns", async () => {
    const { gitDir, first, blob } = repository();
    const resolved = await resolveCommits(gitDir, [first.slice(0, 12), first, blob, "0".repeat(40), "not-a-sha"]);
    expect(resolved.get(first.slice(0, 12))).toBe(first);
    expect(resolved.get(first)).toBe(first);
    expect(resolved.get(blob)).toBeNull();
    expect(resolved.get("0".repeat(40))).toBeNull();
    expect(resolved.has("not-a-sha")).toBe(false);
  });

  it("tells which paths exist at which commits", async () => {
    const { gitDir, first } = repository();
    const found = await existingPaths(gitDir, [
      { commit: first, path: "a.txt" },
      { commit: first, path: "missing.txt" },
      { commit: first, path: "bad\npath" },
    ]);
    expect([...found]).toEqual([`${first}:a.txt`]);
  });
});

describe("line counts and ref updates", () => {
  it("counts lines of files at commits with one git grep, including odd paths and empty files", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ferry-lines-"));
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" } }).trim();
    git("init", "-q", "-b", "main");
    writeFileSync(path.join(dir, "a:b.txt"), "1\n2\n3");
    writeFileSync(path.join(dir, "empty.txt"), "");
    git("add", ".");
    git("commit", "-q", "-m", "one");
    const first = git("rev-parse", "HEAD");
    writeFileSync(path.join(dir, "a:b.txt"), "1\n");
    git("commit", "-q", "-am", "two");
    const second = git("rev-parse", "HEAD");
    const counts = await lineCounts(path.join(dir, ".git"), [first, second, first], ["a:b.txt", "/empty.txt", "missing.txt"]);
    expect(Object.fromEntries(counts)).toEqual({
      [`${first}:a:b.txt`]: 3,
      [`${second}:a:b.txt`]: 1,
      [`${first}:empty.txt`]: 0,
      [`${second}:empty.txt`]: 0,
    });
  });

  it("points many refs at commits in one transaction", async () => {
    const { gitDir, first } = repository();
    await updateRefs(gitDir, [{ ref: "refs/merge-requests/1/head", sha: first }, { ref: "refs/merge-requests/2/head", sha: first }]);
    const refs = execFileSync("git", ["--git-dir", gitDir, "for-each-ref", "--format=%(refname) %(objectname)", "refs/merge-requests/"], { encoding: "utf8" });
    expect(refs.trim().split("\n")).toEqual([`refs/merge-requests/1/head ${first}`, `refs/merge-requests/2/head ${first}`]);
    await expect(updateRefs(gitDir, [{ ref: "refs/merge-requests/3/head", sha: "abc" }])).rejects.toThrow(/full SHAs/);
  });
});
