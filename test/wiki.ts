import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectWikiPath } from "@/lib/git";

/** A bare wiki repository for `projectId` with one commit holding `files` (none: no commit). Returns a function removing it. */
export function createWiki(projectId: number, files: Record<string, string>): () => void {
  const repository = projectWikiPath(projectId);
  const work = mkdtempSync(path.join(os.tmpdir(), "ferry-wiki-"));
  const remove = () => {
    for (const dir of [repository, work]) rmSync(dir, { recursive: true, force: true });
  };
  mkdirSync(path.dirname(repository), { recursive: true });
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=master", repository]);
  if (Object.keys(files).length === 0) return remove;
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    writeFileSync(path.join(work, file), content);
  }
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", `--git-dir=${repository}`, `--work-tree=${work}`, ...args], { stdio: "pipe" });
  git("add", "--all");
  git("commit", "--quiet", "-m", "wiki");
  return remove;
}
