/** Running the real git client against a sandbox server in tests, isolated from the machine's configuration. */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { devNull, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";

const execFileAsync = promisify(execFile);

export const hasGitLfs = (() => {
  try {
    execFileSync("git", ["lfs", "version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Makes `git clone` run the LFS filters (what `git lfs install` writes to the global config). */
export const LFS_CONFIG = ["-c", "filter.lfs.process=git-lfs filter-process", "-c", "filter.lfs.smudge=git-lfs smudge -- %f", "-c", "filter.lfs.clean=git-lfs clean -- %f", "-c", "filter.lfs.required=true"];

/** A `git` runner whose HOME (and default working directory) is `work`, and a `clone` into fresh directories below it. */
export function gitClient(work: () => string) {
  let counter = 0;
  const git = async (args: string[], cwd = work()): Promise<string> => {
    const { stdout } = await execFileAsync("git", args, {
      cwd,
      timeout: 30_000,
      env: { PATH: process.env.PATH, HOME: work(), LANG: "C", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: devNull, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "" } as unknown as NodeJS.ProcessEnv,
    });
    return stdout;
  };
  const clone = async (url: string, extra: string[] = []): Promise<string> => {
    const target = path.join(work(), `clone-${++counter}`);
    await git([...extra, "clone", "--quiet", url, target]);
    return target;
  };
  return { git, clone };
}

/**
 * A sandbox server for the tests of one file: started before them on a fresh temporary data
 * folder, stopped after them, its folders removed; with a git client whose home is another one.
 */
export function sandboxForTests<S extends { close(): Promise<void> }>(name: string, start: (dataDir: string) => Promise<S>) {
  let server: S | undefined;
  let dataDir = "";
  let work = "";
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), `${name}-data-`));
    work = await mkdtemp(path.join(tmpdir(), `${name}-work-`));
    server = await start(dataDir);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });
  const sandbox = (): S => {
    if (!server) throw new Error(`${name} has not started`);
    return server;
  };
  return { sandbox, ...gitClient(() => work) };
}
