import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cleanTreePath, diffCommits, logCommits, mergeBase, parsePatchHunks, readBlobHead, readCommit, readLines, readTree, resolveRevision, statPath } from "./browse";

/** A repository: main with two commits, a branch `feature/x` off the first one with a rename and an edit, a tag. */
function repository() {
  const dir = mkdtempSync(path.join(tmpdir(), "ferry-browse-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "Ann", GIT_AUTHOR_EMAIL: "ann@example.com", GIT_COMMITTER_NAME: "Ann", GIT_COMMITTER_EMAIL: "ann@example.com" } }).trim();
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  git("init", "-q", "-b", "main");
  write("src/app.ts", "one\ntwo\nthree\nfour\nfive\n");
  write("old name.txt", "kept\n");
  write("-dash.md", "not an option\n");
  git("add", ".");
  git("commit", "-q", "-m", "First\n\nWith a body.");
  const first = git("rev-parse", "HEAD");
  git("tag", "v1");
  git("checkout", "-q", "-b", "feature/x");
  write("src/app.ts", "one\ntwo\nTHREE\nfour\nfive\nsix\n");
  git("mv", "old name.txt", "new name.txt");
  git("commit", "-q", "-am", "Edit and rename");
  const feature = git("rev-parse", "HEAD");
  git("checkout", "-q", "main");
  write("README.md", "# readme\n");
  git("add", ".");
  git("commit", "-q", "-m", "Readme");
  const main = git("rev-parse", "HEAD");
  return { repo: path.join(dir, ".git"), first, feature, main };
}

describe("browsing a repository read-only", () => {
  const { repo, first, feature, main } = repository();

  it("resolves branches (slashes included), tags and SHA prefixes to commits, and nothing else", async () => {
    expect(await resolveRevision(repo, "main")).toBe(main);
    expect(await resolveRevision(repo, "feature/x")).toBe(feature);
    expect(await resolveRevision(repo, "v1")).toBe(first);
    expect(await resolveRevision(repo, first.slice(0, 10))).toBe(first);
    for (const name of ["nope", "--all", "HEAD~1", "main..feature/x", "../x"]) expect(await resolveRevision(repo, name), name).toBeNull();
    expect(await mergeBase(repo, main, feature)).toBe(first);
  });

  it("lists a directory's entries, directories first, and reads blobs up to a limit", async () => {
    const root = await readTree(repo, feature, "");
    expect(root!.entries.map((entry) => `${entry.type}:${entry.path}`)).toEqual(["tree:src", "blob:-dash.md", "blob:new name.txt"]);
    expect((await readTree(repo, feature, "src"))!.entries[0]).toMatchObject({ name: "app.ts", path: "src/app.ts", size: 28 });
    expect(await readTree(repo, feature, "src/app.ts")).toBeNull();
    const info = await statPath(repo, feature, "src/app.ts");
    expect(info).toMatchObject({ status: "found", type: "blob", lines: 6 });
    const sha = info.status === "found" ? info.sha : "";
    expect(await readBlobHead(repo, sha, 8)).toEqual({ bytes: Buffer.from("one\ntwo\n"), truncated: true });
    expect((await readBlobHead(repo, sha, 1000)).truncated).toBe(false);
    expect(await readLines(repo, feature, "src/app.ts", 2, 4)).toEqual({ start: 2, lines: ["two", "THREE", "four"] });
    expect(await statPath(repo, feature, "missing")).toEqual({ status: "missing" });
  });

  it("refuses tree paths that could leave the tree", () => {
    expect(cleanTreePath("/src/app.ts/")).toBe("src/app.ts");
    for (const bad of ["a/../b", "./a", "a//b", "a\nb"]) expect(cleanTreePath(bad), bad).toBeNull();
  });

  it("pages history, of a path too, and reads one commit", async () => {
    expect((await logCommits(repo, main, { limit: 10 })).map((commit) => commit.message.trim())).toEqual(["Readme", "First\n\nWith a body."]);
    expect((await logCommits(repo, main, { limit: 1, skip: 1 })).map((commit) => commit.id)).toEqual([first]);
    expect((await logCommits(repo, feature, { limit: 10, path: "-dash.md" })).map((commit) => commit.id)).toEqual([first]);
    expect((await logCommits(repo, feature, { limit: 10, exclude: main })).map((commit) => commit.id)).toEqual([feature]);
    const commit = await readCommit(repo, feature);
    expect(commit).toMatchObject({ id: feature, parentIds: [first], authorName: "Ann", authorEmail: "ann@example.com" });
  });

  it("diffs two commits file by file with line numbers, renames detected, within a line budget", async () => {
    const { files, truncated } = await diffCommits(repo, first, feature, { maxLines: 1000, maxFiles: 10 });
    expect(truncated).toBe(false);
    expect(files.map((file) => `${file.status}:${file.oldPath}→${file.newPath}`)).toEqual(["renamed:old name.txt→new name.txt", "modified:src/app.ts→src/app.ts"]);
    const app = files[1]!;
    expect(app).toMatchObject({ additions: 2, deletions: 1, tooLarge: false });
    const lines = app.hunks.flatMap((hunk) => hunk.lines);
    expect(lines.find((line) => line.kind === "removed")).toEqual({ kind: "removed", text: "three", oldLine: 3, newLine: null });
    expect(lines.filter((line) => line.kind === "added").map((line) => [line.newLine, line.text])).toEqual([
      [3, "THREE"],
      [6, "six"],
    ]);
    const budget = await diffCommits(repo, first, feature, { maxLines: 3, maxFiles: 1 });
    expect(budget.truncated).toBe(true);
    expect(budget.files).toHaveLength(1);
    const root = await diffCommits(repo, null, first, { maxLines: 1000, maxFiles: 10 });
    expect(root.files.map((file) => `${file.status}:${file.newPath}`)).toEqual(["added:-dash.md", "added:old name.txt", "added:src/app.ts"]);
    const tight = await diffCommits(repo, null, first, { maxLines: 2, maxFiles: 10 });
    expect(tight.files.map((file) => file.tooLarge)).toEqual([false, false, true]);
  });

  it("reads hunks, binary markers and missing final newlines", () => {
    const parsed = parsePatchHunks(["index 1..2", "--- a/x", "+++ b/x", "@@ -1,2 +1,2 @@ ctx", " a", "-b", "\\ No newline at end of file", "+c"]);
    expect(parsed.hunks[0]!.lines).toEqual([
      { kind: "context", text: "a", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "b", oldLine: 2, newLine: null },
      { kind: "added", text: "c", oldLine: null, newLine: 2 },
    ]);
    expect(parsePatchHunks(["Binary files a/x and b/x differ"]).binary).toBe(true);
  });
});
