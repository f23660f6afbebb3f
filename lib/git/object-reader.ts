import { spawnGit, type GitProcess } from "./run";

/** What `git cat-file --batch` says about one object name. */
export type ObjectInfo =
  | { status: "found"; sha: string; type: string; size: number; /** Lines of a blob (a last line without newline counts). */ lines: number }
  | { status: "missing" }
  | { status: "ambiguous" };

type Pending = { resolve: (info: ObjectInfo) => void; reject: (error: unknown) => void };

/** Stops a shared reader this long after its last request, so idle repositories hold no process. */
const IDLE_CLOSE_MS = 5_000;
const readers = new Map<string, GitObjectReader>();

/**
 * One long-lived `git cat-file --batch` per repository for many lookups: starting a git process
 * costs the importer far more than asking one (a fork of a large Node process per spawn).
 * Requests are pipelined; answers come back in order. Objects written after the process started
 * (a fetch) are found too: git rescans its packs when a name is not found.
 */
export class GitObjectReader {
  private readonly process: GitProcess;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  /** While an object's content streams past: bytes still to skip (content + the newline after it), and its lines so far. */
  private content: { info: Extract<ObjectInfo, { status: "found" }>; remaining: number; lastByte: number } | null = null;
  private failed: unknown = null;
  private idleTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly repoPath: string,
    private readonly onClose: () => void,
  ) {
    this.process = spawnGit(["--git-dir", repoPath, "cat-file", "--batch"], { stdin: true, timeoutMs: 0 });
    // Idle, it must not keep Node running; while a lookup waits for it, it must.
    this.process.keepAlive(false);
    this.process.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.process.done.then(
      () => this.fail(new Error("git cat-file ended")),
      (error: unknown) => this.fail(error),
    );
  }

  /** The repository's shared reader, started on first use and stopped when idle. */
  static shared(repoPath: string): GitObjectReader {
    let reader = readers.get(repoPath);
    if (!reader || reader.failed) {
      reader = new GitObjectReader(repoPath, () => {
        if (readers.get(repoPath) === reader) readers.delete(repoPath);
      });
      readers.set(repoPath, reader);
    }
    return reader;
  }

  /** Looks up names such as `<sha>^{commit}` or `<commit>:<path>`; names with newlines are "missing". */
  read(names: readonly string[]): Promise<ObjectInfo[]> {
    this.touch();
    return Promise.all(
      names.map((name) => {
        if (/[\n\r\0]/.test(name) || name === "") return Promise.resolve<ObjectInfo>({ status: "missing" });
        if (this.failed) return Promise.reject(this.failed);
        return new Promise<ObjectInfo>((resolve, reject) => {
          if (this.pending.length === 0) this.process.keepAlive(true);
          this.pending.push({ resolve, reject });
          this.process.stdin!.write(`${name}\n`);
        });
      }),
    );
  }

  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.onClose();
    this.process.stdin?.end();
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.length === 0) this.close();
      else this.touch();
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private fail(error: unknown): void {
    this.failed ??= error;
    this.onClose();
    for (const request of this.pending.splice(0)) request.reject(this.failed);
  }

  private answer(info: ObjectInfo): void {
    this.pending.shift()?.resolve(info);
    if (this.pending.length === 0) this.process.keepAlive(false);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.content) {
        const take = Math.min(this.content.remaining, this.buffer.length);
        const body = this.buffer.subarray(0, Math.min(take, this.content.remaining - 1));
        for (let index = body.indexOf(10); index !== -1; index = body.indexOf(10, index + 1)) this.content.info.lines++;
        if (body.length) this.content.lastByte = body[body.length - 1]!;
        this.content.remaining -= take;
        this.buffer = this.buffer.subarray(take);
        if (this.content.remaining > 0) return;
        const { info, lastByte } = this.content;
        // A last line without a newline is a line too.
        if (info.size > 0 && lastByte !== 10) info.lines++;
        this.content = null;
        this.answer(info);
        continue;
      }
      const end = this.buffer.indexOf(10);
      if (end === -1) return;
      const header = this.buffer.subarray(0, end).toString("utf8");
      this.buffer = this.buffer.subarray(end + 1);
      if (header.endsWith(" missing")) this.answer({ status: "missing" });
      else if (header.endsWith(" ambiguous")) this.answer({ status: "ambiguous" });
      else {
        const [sha, type, size] = header.split(" ");
        const info = { status: "found" as const, sha: sha!, type: type!, size: Number(size), lines: 0 };
        this.content = { info, remaining: info.size + 1, lastByte: 10 };
      }
    }
  }
}
