/**
 * Finds the Git LFS pointers reachable from any ref of a repository, without reading large blobs:
 *
 *   git rev-list --objects --all --filter=blob:limit=1024   (object ids, streamed)
 *     → git cat-file --batch-check                            (type and size of each)
 *     → git cat-file --batch                                  (content of small blobs only)
 *
 * and parses the pointer format (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md).
 */
import path from "node:path";
import { isLfsOid } from "./paths";
import { spawnGit } from "./run";

export interface LfsPointer {
  oid: string;
  size: number;
}

/** Pointer files are smaller than 1024 bytes; the smallest valid one is about 120 bytes. */
const MAX_POINTER_SIZE = 1024;
const MIN_POINTER_SIZE = 100;
const VERSIONS = new Set(["https://git-lfs.github.com/spec/v1", "https://hawser.github.com/spec/v1"]);

/** Parses an LFS pointer file; null if the content is not a valid pointer. */
export function parseLfsPointer(content: string | Buffer): LfsPointer | null {
  const text = typeof content === "string" ? content : content.toString("utf8");
  if (text.length >= MAX_POINTER_SIZE || !text.endsWith("\n")) return null;
  const lines = text.slice(0, -1).split("\n");
  const first = /^version (\S+)$/.exec(lines[0] ?? "");
  if (!first || !VERSIONS.has(first[1]!)) return null;
  let oid: string | null = null;
  let size: number | null = null;
  let previousKey = "";
  for (const line of lines.slice(1)) {
    const match = /^([a-z0-9.-]+) (.*)$/.exec(line);
    if (!match) return null;
    const [, key, value] = match as unknown as [string, string, string];
    // Keys after "version" are sorted.
    if (key <= previousKey) return null;
    previousKey = key;
    if (key === "oid") {
      const hash = /^sha256:([0-9a-f]{64})$/.exec(value);
      if (!hash) return null;
      oid = hash[1]!;
    } else if (key === "size") {
      if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) return null;
      size = Number(value);
      if (!Number.isSafeInteger(size)) return null;
    } else if (!key.startsWith("ext-")) {
      return null;
    }
  }
  return oid !== null && size !== null && isLfsOid(oid) ? { oid, size } : null;
}

/** Reads `cat-file --batch` output: `<sha> <type> <size>\n<content>\n` records. */
function parseBatch(onBlob: (content: Buffer) => void): (chunk: Buffer) => void {
  let buffer: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const newline = buffer.indexOf(0x0a);
      if (newline === -1) return;
      const header = buffer.subarray(0, newline).toString("latin1").split(" ");
      if (header[1] === "missing" || header.length < 3) {
        buffer = buffer.subarray(newline + 1);
        continue;
      }
      const size = Number(header[2]);
      if (buffer.length < newline + 1 + size + 1) return;
      onBlob(buffer.subarray(newline + 1, newline + 1 + size));
      buffer = buffer.subarray(newline + 1 + size + 1);
    }
  };
}

function splitLines(onLine: (line: string) => void): (chunk: Buffer) => void {
  let rest = "";
  return (chunk) => {
    const text = rest + chunk.toString("latin1");
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line) onLine(line);
  };
}

/**
 * Every distinct LFS pointer (`{ oid, size }`) in blobs reachable from any ref of `repoPath`,
 * sorted by oid. Memory grows with the number of small blobs, not with the repository size.
 */
export async function listLfsPointers(repoPath: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<LfsPointer[]> {
  const absolute = path.resolve(repoPath);
  const common = { cwd: absolute, env: { GIT_DIR: absolute }, timeoutMs: options.timeoutMs ?? 30 * 60_000, signal: options.signal };

  // 1 + 2: object ids of reachable objects (large blobs filtered out) → type and size.
  const revList = spawnGit(["rev-list", "--objects", "--all", "--no-object-names", `--filter=blob:limit=${MAX_POINTER_SIZE}`], common);
  const check = spawnGit(["cat-file", "--batch-check=%(objecttype) %(objectsize) %(objectname)", "--buffer"], { ...common, stdin: true });
  revList.stdout.pipe(check.stdin!);
  const candidates: string[] = [];
  check.stdout.on(
    "data",
    splitLines((line) => {
      const [type, size, name] = line.split(" ");
      const bytes = Number(size);
      if (type === "blob" && bytes >= MIN_POINTER_SIZE && bytes < MAX_POINTER_SIZE && name) candidates.push(name);
    }),
  );
  await Promise.all([revList.done, check.done]);
  if (candidates.length === 0) return [];

  // 3: contents of the candidates.
  const found = new Map<string, number>();
  const batch = spawnGit(["cat-file", "--batch", "--buffer"], { ...common, stdin: true });
  batch.stdout.on(
    "data",
    parseBatch((content) => {
      const pointer = parseLfsPointer(content);
      if (pointer && !found.has(pointer.oid)) found.set(pointer.oid, pointer.size);
    }),
  );
  const input = batch.stdin!;
  const writeAll = async () => {
    for (let i = 0; i < candidates.length; i += 1000) {
      const ok = input.write(`${candidates.slice(i, i + 1000).join("\n")}\n`);
      if (!ok) await new Promise<void>((resolve) => input.once("drain", resolve));
    }
    input.end();
  };
  await Promise.all([writeAll(), batch.done]);
  return [...found].map(([oid, size]) => ({ oid, size })).sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
}
