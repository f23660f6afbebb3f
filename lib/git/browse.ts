/**
 * Read-only plumbing for the repository browser: trees, blobs, history and diffs of a bare
 * repository. Every object name passed to git is built from a full SHA this module resolved
 * itself (a ref name or a path never becomes an option), and every output is bounded: blobs are
 * read up to a byte limit or streamed, histories are paged, diffs stop at a line budget.
 */
import path from "node:path";
import { Readable } from "node:stream";
import { GitObjectReader, type ObjectInfo } from "./object-reader";
import { isValidRefName } from "./repository";
import { runGit, spawnGit } from "./run";

const FULL_SHA = /^[0-9a-f]{40}$/;
const SHA_PREFIX = /^[0-9a-f]{4,40}$/;

function gitDir(repoPath: string): { env: Record<string, string>; cwd: string } {
  const absolute = path.resolve(repoPath);
  return { env: { GIT_DIR: absolute }, cwd: absolute };
}

function requireSha(sha: string): string {
  if (!FULL_SHA.test(sha)) throw new Error(`Expected a full SHA, got '${sha.slice(0, 64)}'`);
  return sha;
}

/** A path inside a tree, as git names it: no leading or trailing slash, no empty, `.` or `..` segment, no control characters. */
export function cleanTreePath(value: string): string | null {
  const trimmed = value.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  if (/[\0\n\r]/.test(trimmed)) return null;
  const segments = trimmed.split("/");
  return segments.every((segment) => segment !== "" && segment !== "." && segment !== "..") ? trimmed : null;
}

// ---------------------------------------------------------------------------------------------
// Revisions

/** The commit a branch (`refs/heads/<name>`), tag or commit SHA (prefix) names; null when none does. */
export async function resolveRevision(repoPath: string, name: string): Promise<string | null> {
  const candidates: string[] = [];
  if (isValidRefName(`refs/heads/${name}`)) candidates.push(`refs/heads/${name}^{commit}`, `refs/tags/${name}^{commit}`);
  if (SHA_PREFIX.test(name.toLowerCase())) candidates.push(`${name.toLowerCase()}^{commit}`);
  if (candidates.length === 0) return null;
  const infos = await GitObjectReader.shared(repoPath).read(candidates);
  const found = infos.find((info): info is Extract<ObjectInfo, { status: "found" }> => info.status === "found" && info.type === "commit");
  return found?.sha ?? null;
}

/** The best common ancestor of two commits, or null when they share no history. */
export async function mergeBase(repoPath: string, a: string, b: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(["merge-base", "--end-of-options", requireSha(a), requireSha(b)], { ...gitDir(repoPath), allowExitCodes: [1], timeoutMs: 30_000 });
  const sha = stdout.trim();
  return exitCode === 0 && FULL_SHA.test(sha) ? sha : null;
}

// ---------------------------------------------------------------------------------------------
// Trees and blobs

export type TreeEntry = {
  name: string;
  /** Path from the repository root. */
  path: string;
  type: "blob" | "tree" | "commit";
  mode: string;
  sha: string;
  /** Bytes, for blobs. */
  size: number | null;
};

/** What a path names at a commit: a tree, a blob (with its size and line count), or nothing. */
export async function statPath(repoPath: string, commit: string, treePath: string): Promise<ObjectInfo> {
  const [info] = await GitObjectReader.shared(repoPath).read([`${requireSha(commit)}:${treePath}`]);
  return info!;
}

const MAX_TREE_ENTRIES = 5_000;

/** The entries of a directory at a commit, directories first, then by name; null when the path is not a directory. */
export async function readTree(repoPath: string, commit: string, dirPath: string): Promise<{ entries: TreeEntry[]; truncated: boolean } | null> {
  const info = await statPath(repoPath, commit, dirPath);
  if (info.status !== "found" || info.type !== "tree") return null;
  const { stdout } = await runGit(["ls-tree", "-z", "-l", "--end-of-options", info.sha], { ...gitDir(repoPath), timeoutMs: 30_000, maxOutputBytes: 16 * 1024 * 1024 });
  const entries: TreeEntry[] = [];
  for (const record of stdout.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode, type, sha, size] = record.slice(0, tab).split(/\s+/) as [string, string, string, string];
    const name = record.slice(tab + 1);
    if (type !== "blob" && type !== "tree" && type !== "commit") continue;
    entries.push({ name, path: dirPath ? `${dirPath}/${name}` : name, type, mode, sha, size: type === "blob" ? Number(size) : null });
  }
  const order = { tree: 0, commit: 1, blob: 2 } as const;
  entries.sort((a, b) => order[a.type] - order[b.type] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries: entries.slice(0, MAX_TREE_ENTRIES), truncated: entries.length > MAX_TREE_ENTRIES };
}

/** The first `maxBytes` of a blob; `truncated` when it is longer. */
export async function readBlobHead(repoPath: string, sha: string, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const child = spawnGit(["cat-file", "blob", requireSha(sha)], { ...gitDir(repoPath), timeoutMs: 30_000 });
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (truncated) return;
    const room = maxBytes - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      size = maxBytes;
      truncated = true;
      child.kill();
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  try {
    await child.done;
  } catch (error) {
    if (!truncated) throw error;
  }
  return { bytes: Buffer.concat(chunks), truncated };
}

/** A blob's content as a web stream (raw downloads); the git process ends with the stream. */
export function streamBlob(repoPath: string, sha: string): ReadableStream<Uint8Array> {
  const child = spawnGit(["cat-file", "blob", requireSha(sha)], { ...gitDir(repoPath), timeoutMs: 10 * 60_000 });
  child.done.catch(() => undefined);
  const stream = Readable.toWeb(child.stdout) as unknown as ReadableStream<Uint8Array>;
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel() {
      child.kill();
      return reader.cancel();
    },
  });
}

// ---------------------------------------------------------------------------------------------
// History

/** A commit as the browser and GitLab's API show it. */
export type CommitInfo = {
  id: string;
  parentIds: string[];
  authorName: string;
  authorEmail: string;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
  message: string;
};

/** `git log --format` fields, in CommitInfo's order; `for-each-ref` has the same fields under other names. */
const LOG_FORMAT = ["%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"].join("%x1f");

export function parseCommitFields(fields: readonly string[]): CommitInfo {
  const [id, parents, authorName, authorEmail, authoredDate, committerName, committerEmail, committedDate, message] = fields as string[];
  return {
    id: id ?? "",
    parentIds: (parents ?? "").split(" ").filter(Boolean),
    authorName: authorName ?? "",
    authorEmail: authorEmail ?? "",
    authoredDate: authoredDate ?? "",
    committerName: committerName ?? "",
    committerEmail: committerEmail ?? "",
    committedDate: committedDate ?? "",
    message: message ?? "",
  };
}

function parseLog(stdout: string): CommitInfo[] {
  return stdout
    .split("\x1e")
    .map((record) => record.replace(/^\n/, ""))
    .filter((record) => record.length > 0)
    .map((record) => parseCommitFields(record.split("\x1f")));
}

export type LogOptions = {
  /** Only commits not reachable from this one (a merge request's base). */
  exclude?: string;
  /** Only commits touching this path. */
  path?: string;
  skip?: number;
  limit: number;
};

/** Commits reachable from `head`, newest first, one page. */
export async function logCommits(repoPath: string, head: string, options: LogOptions): Promise<CommitInfo[]> {
  const args = ["log", `--format=${LOG_FORMAT}%x1e`, `--max-count=${Math.max(1, Math.min(options.limit, 1000))}`, `--skip=${Math.max(0, options.skip ?? 0)}`, "--end-of-options", requireSha(head)];
  if (options.exclude) args.push(`^${requireSha(options.exclude)}`);
  if (options.path) args.push("--", options.path);
  const { stdout } = await runGit(args, { ...gitDir(repoPath), timeoutMs: 60_000, maxOutputBytes: 16 * 1024 * 1024 });
  return parseLog(stdout);
}

/** One commit, or null when the SHA names none. */
export async function readCommit(repoPath: string, sha: string): Promise<CommitInfo | null> {
  const { stdout, exitCode } = await runGit(["log", "-1", `--format=${LOG_FORMAT}%x1e`, "--end-of-options", requireSha(sha)], { ...gitDir(repoPath), allowExitCodes: [128], timeoutMs: 30_000 });
  return exitCode === 0 ? (parseLog(stdout)[0] ?? null) : null;
}

// ---------------------------------------------------------------------------------------------
// Diffs

export type DiffStatus = "added" | "deleted" | "modified" | "renamed" | "copied" | "type_changed";

export type DiffLine = { kind: "context" | "added" | "removed"; text: string; oldLine: number | null; newLine: number | null };
export type DiffHunk = { header: string; oldStart: number; newStart: number; lines: DiffLine[] };

export type FileDiff = {
  oldPath: string;
  newPath: string;
  status: DiffStatus;
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: DiffHunk[];
  /** Its lines are beyond the diff's line budget: listed, not shown. */
  tooLarge: boolean;
};

export type DiffLimits = { maxLines: number; maxFiles: number };

const STATUS: Record<string, DiffStatus> = { A: "added", D: "deleted", M: "modified", R: "renamed", C: "copied", T: "type_changed" };

type RawEntry = { status: DiffStatus; oldPath: string; newPath: string };

/** `git diff --raw -z` records: `:<modes> <shas> <status>\0<path>\0[<new path>\0]`. */
export function parseRawDiff(output: string): RawEntry[] {
  const parts = output.split("\0");
  const entries: RawEntry[] = [];
  for (let index = 0; index < parts.length; ) {
    const meta = parts[index++]!;
    if (!meta.startsWith(":")) continue;
    const letter = meta.split(" ").at(-1)!.charAt(0);
    const status = STATUS[letter] ?? "modified";
    const first = parts[index++] ?? "";
    const second = status === "renamed" || status === "copied" ? (parts[index++] ?? "") : first;
    entries.push({ status, oldPath: first, newPath: second });
  }
  return entries;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/;

/** The hunks of one file's patch (everything after its `diff --git` line). */
export function parsePatchHunks(lines: readonly string[]): { hunks: DiffHunk[]; binary: boolean; additions: number; deletions: number } {
  const hunks: DiffHunk[] = [];
  let binary = false;
  let additions = 0;
  let deletions = 0;
  let current: DiffHunk | null = null;
  let oldLine = 0;
  let newLine = 0;
  for (const line of lines) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      current = { header: line, oldStart: oldLine, newStart: newLine, lines: [] };
      hunks.push(current);
      continue;
    }
    if (!current) {
      if (line.startsWith("Binary files ") || line === "GIT binary patch") binary = true;
      continue;
    }
    const marker = line.charAt(0);
    const text = line.slice(1);
    if (marker === "+") {
      current.lines.push({ kind: "added", text, oldLine: null, newLine: newLine++ });
      additions++;
    } else if (marker === "-") {
      current.lines.push({ kind: "removed", text, oldLine: oldLine++, newLine: null });
      deletions++;
    } else if (marker === " ") {
      current.lines.push({ kind: "context", text, oldLine: oldLine++, newLine: newLine++ });
    }
    // "\ No newline at end of file" and anything else carries no line.
  }
  return { hunks, binary, additions, deletions };
}

/**
 * The diff between two commits (`from` null: against the empty tree, for a root commit), file by
 * file, renames detected. Files stop getting lines once `maxLines` patch lines were read (they
 * are listed as `tooLarge`), and at most `maxFiles` files are listed (`truncated`).
 */
export async function diffCommits(repoPath: string, from: string | null, to: string, limits: DiffLimits): Promise<{ files: FileDiff[]; truncated: boolean }> {
  // A root commit is diffed against the empty tree (`--root` with the commit alone).
  const options = ["-r", "-M", "--no-commit-id", "--no-color", "--no-ext-diff", "--no-textconv", ...(from === null ? ["--root"] : [])];
  const revisions = ["--end-of-options", ...(from === null ? [] : [requireSha(from)]), requireSha(to)];
  const { stdout: raw } = await runGit(["diff-tree", "--raw", "-z", ...options, ...revisions], { ...gitDir(repoPath), timeoutMs: 60_000, maxOutputBytes: 32 * 1024 * 1024 });
  const entries = parseRawDiff(raw);
  const truncated = entries.length > limits.maxFiles;
  const listed = entries.slice(0, limits.maxFiles);
  const files: FileDiff[] = listed.map((entry) => ({ ...entry, binary: false, additions: 0, deletions: 0, hunks: [], tooLarge: true }));
  if (files.length === 0) return { files, truncated };

  // The patch lists files in the same order as --raw; it is read as a stream and stopped at the budget.
  const child = spawnGit(["diff-tree", "-p", "--no-prefix", ...options, ...revisions], { ...gitDir(repoPath), timeoutMs: 60_000 });
  let index = -1;
  let budget = limits.maxLines;
  let pending = "";
  let fileLines: string[] = [];
  let stopped = false;
  const finishFile = () => {
    const file = files[index];
    const lines = fileLines;
    fileLines = [];
    if (!file) return;
    const parsed = parsePatchHunks(lines);
    const size = parsed.hunks.reduce((sum, hunk) => sum + hunk.lines.length, 0);
    Object.assign(file, { binary: parsed.binary, additions: parsed.additions, deletions: parsed.deletions });
    if (size <= budget) {
      file.hunks = parsed.hunks;
      file.tooLarge = false;
      budget -= size;
    } else {
      budget = 0;
    }
  };
  const onLine = (line: string) => {
    if (line.startsWith("diff --git ")) {
      finishFile();
      index++;
      if (index >= files.length || budget <= 0) {
        stopped = true;
        child.kill();
      }
      return;
    }
    fileLines.push(line);
  };
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    if (stopped) return;
    pending += chunk;
    let newline = pending.indexOf("\n");
    while (newline !== -1 && !stopped) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
  });
  try {
    await child.done;
  } catch (error) {
    if (!stopped) throw error;
  }
  if (!stopped) {
    if (pending) onLine(pending);
    finishFile();
  }
  return { files, truncated };
}

/** Lines `from`..`to` (1-based, inclusive) of a file at a commit, for showing a line in context; null when the file is not there. */
export async function readLines(repoPath: string, commit: string, filePath: string, from: number, to: number, maxBytes = 2 * 1024 * 1024): Promise<{ start: number; lines: string[] } | null> {
  const info = await statPath(repoPath, commit, filePath);
  if (info.status !== "found" || info.type !== "blob") return null;
  const { bytes } = await readBlobHead(repoPath, info.sha, maxBytes);
  const all = bytes.toString("utf8").split("\n");
  const start = Math.max(1, from);
  return { start, lines: all.slice(start - 1, Math.max(start - 1, to)) };
}
