import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GitObjectReader } from "./object-reader";

function repository() {
  const dir = mkdtempSync(path.join(tmpdir(), "ferry-reader-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" } }).trim();
  git("init", "-q", "-b", "main");
  return { dir, gitDir: path.join(dir, ".git"), git };
}

describe("the shared git object reader", () => {
  it("answers many pipelined lookups in order, counting blob lines across chunk boundaries", async () => {
    const { dir, gitDir, git } = repository();
    const big = Array.from({ length: 50_000 }, (_, index) => `line ${index}`).join("\n"); // no newline at the end, ~500 KB
    writeFileSync(path.join(dir, "big.txt"), big);
    writeFileSync(path.join(dir, "three.txt"), "a\nb\nc\n");
    writeFileSync(path.join(dir, "empty.txt"), "");
    git("add", ".");
    git("commit", "-q", "-m", "one");
    const head = git("rev-parse", "HEAD");
    const reader = GitObjectReader.shared(gitDir);
    const names = [`${head}:big.txt`, `${head}:three.txt`, `${head}:empty.txt`, `${head}:missing.txt`, `${head}^{commit}`, "bad\nname", `${head}:big.txt`];
    const infos = await reader.read(names);
    expect(infos.map((info) => (info.status === "found" ? `${info.type}:${info.lines}` : info.status))).toEqual([
      "blob:50000",
      "blob:3",
      "blob:0",
      "missing",
      `commit:${infos[4]!.status === "found" ? infos[4]!.lines : -1}`,
      "missing",
      "blob:50000",
    ]);
    expect(infos[4]).toMatchObject({ status: "found", sha: head, type: "commit" });
    expect(GitObjectReader.shared(gitDir)).toBe(reader);
    reader.close();
  });

  it("finds objects written after it started, and a closed reader is replaced", async () => {
    const { dir, gitDir, git } = repository();
    writeFileSync(path.join(dir, "a.txt"), "1\n");
    git("add", ".");
    git("commit", "-q", "-m", "one");
    const reader = GitObjectReader.shared(gitDir);
    expect((await reader.read([`${git("rev-parse", "HEAD")}:a.txt`]))[0]).toMatchObject({ status: "found", lines: 1 });
    writeFileSync(path.join(dir, "a.txt"), "1\n2\n");
    git("commit", "-q", "-am", "two");
    git("gc", "-q");
    expect((await reader.read([`${git("rev-parse", "HEAD")}:a.txt`]))[0]).toMatchObject({ status: "found", lines: 2 });
    reader.close();
    const again = GitObjectReader.shared(gitDir);
    expect(again).not.toBe(reader);
    expect((await again.read([`${git("rev-parse", "HEAD")}^{commit}`]))[0]).toMatchObject({ status: "found", type: "commit" });
    again.close();
  });
});
