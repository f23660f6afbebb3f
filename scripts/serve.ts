/**
 * `npm start` / `npm run dev`: validates the configuration, makes sure there is a database
 * (embedded PostgreSQL under DATA_DIR when DATABASE_URL is unset), applies migrations,
 * then runs Next.js with that database and stops everything cleanly on exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, parseConfig } from "../lib/config/index.ts";
import { ensureDatabase } from "../lib/db/ensure.ts";

export type RunningApp = { url: string; databaseUrl: string; stop(): Promise<void>; exited: Promise<number | null> };

async function waitUntilHealthy(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Next.js exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Ferry did not become healthy at ${url} within ${timeoutMs / 1000} s`);
}

export async function launchApp(options: { dev?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RunningApp> {
  const env = options.env ?? process.env;
  const settings = parseConfig(env);
  const database = await ensureDatabase({ dataDir: settings.DATA_DIR, databaseUrl: settings.DATABASE_URL });
  if (database.relocatedFrom) {
    console.log(
      `Database: embedded PostgreSQL, data in ${database.dataDir} ` +
        `(${database.relocatedFrom} links there: the server's user cannot reach DATA_DIR)`,
    );
  } else if (database.embedded) {
    console.log(`Database: embedded PostgreSQL, data in ${database.dataDir}`);
  }
  const url = `http://localhost:${settings.PORT}`;
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [nextBin, options.dev ? "dev" : "start", "--port", String(settings.PORT)], {
    stdio: "inherit",
    env: {
      ...env,
      DATABASE_URL: database.url,
      DATA_DIR: settings.DATA_DIR,
      NEXTAUTH_URL: settings.NEXTAUTH_URL,
      NEXTAUTH_SECRET: settings.NEXTAUTH_SECRET,
      FERRY_ENCRYPTION_KEY: settings.FERRY_ENCRYPTION_KEY,
    },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await database.stop();
    })());
  try {
    await waitUntilHealthy(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  writeFileSync(
    path.join(settings.DATA_DIR, "runtime.json"),
    JSON.stringify({ appUrl: url, databaseUrl: database.url, embeddedDatabase: database.embedded, pid: process.pid }, null, 2),
    { mode: 0o600 },
  );
  return { url, databaseUrl: database.url, stop, exited };
}

/** Stops `stoppables` in order on SIGINT/SIGTERM or when the app exits, then exits the process. */
export function stopOnExit(app: RunningApp, ...others: Array<{ close(): Promise<void> }>): void {
  let exiting = false;
  const shutdown = async (code: number) => {
    if (exiting) return;
    exiting = true;
    await app.stop().catch((error) => console.error("Stopping Ferry failed:", error));
    for (const other of others) await other.close().catch((error) => console.error("Stopping failed:", error));
    process.exit(code);
  };
  process.once("SIGINT", () => void shutdown(130));
  process.once("SIGTERM", () => void shutdown(143));
  void app.exited.then((code) => shutdown(code ?? 1));
}

export function reportStartupError(error: unknown): never {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error("Ferry failed to start:", error);
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  launchApp({ dev: process.argv.includes("--dev") })
    .then((app) => {
      console.log(`Ferry is ready at ${app.url}`);
      stopOnExit(app);
    })
    .catch(reportStartupError);
}
