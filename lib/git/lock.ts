/**
 * One writer per repository: an in-process queue plus a lock file (`<repo>/ferry-write.lock`)
 * for other processes. A lock left by a crashed process (dead pid, or a pid now used by another
 * process) is taken over, and git's own stale `*.lock` files and temporary packs are cleaned up,
 * so an interrupted fetch is recovered simply by running it again.
 */
import { readFileSync } from "node:fs";
import { mkdir, open, readdir, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { AppError } from "@/lib/errors";

const LOCK_FILE = "ferry-write.lock";
const queues = new Map<string, Promise<unknown>>();

type LockInfo = { pid: number; host: string; start: string | null; at: number };

function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime) counts from the end of the parenthesised command name.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true; // cannot tell: assume alive
  try {
    process.kill(info.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const start = processStartTime(info.pid);
  return !(start && info.start && start !== info.start);
}

async function acquireFileLock(dir: string, waitMs: number): Promise<() => Promise<void>> {
  const file = path.join(dir, LOCK_FILE);
  const deadline = Date.now() + waitMs;
  const info: LockInfo = { pid: process.pid, host: hostname(), start: processStartTime(process.pid), at: Date.now() };
  for (;;) {
    try {
      const handle = await open(file, "wx", 0o600);
      await handle.writeFile(JSON.stringify(info));
      await handle.close();
      return async () => {
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: LockInfo | null = null;
    try {
      holder = JSON.parse(await readFile(file, "utf8")) as LockInfo;
    } catch {
      // Unreadable or half-written: stale if it is not brand new.
      const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 10_000) await rm(file, { force: true });
    }
    // This process serializes its own writers, so a lock file carrying our pid is a leftover.
    const ownStale = holder !== null && holder.pid === process.pid && holder.host === info.host;
    if (holder && (ownStale || !isAlive(holder) || Date.now() - holder.at > 24 * 3600_000)) {
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new AppError("repository_busy", "Another operation is writing to this repository; try again later.");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Removes what an interrupted git process can leave behind. Only call while holding the lock. */
export async function cleanupInterruptedGit(repoPath: string): Promise<string[]> {
  const removed: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < 12) await visit(full, depth + 1);
      } else if (entry.name.endsWith(".lock") && entry.name !== LOCK_FILE) {
        await rm(full, { force: true });
        removed.push(path.relative(repoPath, full));
      }
    }
  };
  // Lock files: HEAD.lock, config.lock, packed-refs.lock, shallow.lock, refs/**.lock, …
  for (const name of await readdir(repoPath).catch(() => [] as string[])) {
    if (name.endsWith(".lock") && name !== LOCK_FILE) {
      await rm(path.join(repoPath, name), { force: true });
      removed.push(name);
    }
  }
  await visit(path.join(repoPath, "refs"), 0);
  await visit(path.join(repoPath, "objects", "info"), 0);
  // Partially received packs.
  const packDir = path.join(repoPath, "objects", "pack");
  for (const name of await readdir(packDir).catch(() => [] as string[])) {
    if (name.startsWith("tmp_") || name.startsWith(".tmp-")) {
      await rm(path.join(packDir, name), { force: true });
      removed.push(path.join("objects", "pack", name));
    }
  }
  for (const name of await readdir(path.join(repoPath, "objects")).catch(() => [] as string[])) {
    if (name.startsWith("incoming-")) {
      await rm(path.join(repoPath, "objects", name), { recursive: true, force: true });
      removed.push(path.join("objects", name));
    }
  }
  return removed;
}

/**
 * Runs `fn` as the only writer of `repoPath` (the directory is created if needed). Waits up to
 * `waitMs` for another process; then fails with `repository_busy`.
 */
export async function withRepositoryLock<T>(repoPath: string, fn: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const dir = path.resolve(repoPath);
  const previous = queues.get(dir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const release = await acquireFileLock(dir, options.waitMs ?? 10 * 60_000);
    try {
      await cleanupInterruptedGit(dir);
      return await fn();
    } finally {
      await release();
    }
  });
  queues.set(dir, run);
  try {
    return await run;
  } finally {
    if (queues.get(dir) === run) queues.delete(dir);
  }
}
