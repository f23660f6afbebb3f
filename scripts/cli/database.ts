import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseConfig, reloadConfig } from "../../lib/config/index.ts";

/**
 * The CLI uses DATABASE_URL, or the embedded database of a Ferry running from the same
 * DATA_DIR, or (when Ferry is not running) starts the embedded database for the command.
 */
export async function connectCliDatabase(): Promise<{ close(): Promise<void> }> {
  const settings = parseConfig(process.env);
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!settings.DATABASE_URL) {
    const runtime = path.join(settings.DATA_DIR, "runtime.json");
    const running = existsSync(runtime) ? runningDatabaseUrl(runtime) : null;
    if (running) {
      process.env.DATABASE_URL = running;
    } else {
      const { ensureDatabase } = await import("../../lib/db/ensure.ts");
      const handle = await ensureDatabase({ dataDir: settings.DATA_DIR });
      process.env.DATABASE_URL = handle.url;
      stopEmbedded = () => handle.stop();
    }
    reloadConfig();
  } else {
    const { applyMigrations } = await import("../../lib/db/migrate.ts");
    await applyMigrations(settings.DATABASE_URL);
  }
  return {
    async close() {
      const { disconnectDb } = await import("../../lib/db/index.ts");
      await disconnectDb();
      await stopEmbedded?.();
    },
  };
}

function runningDatabaseUrl(runtimeFile: string): string | null {
  try {
    const runtime = JSON.parse(readFileSync(runtimeFile, "utf8")) as { databaseUrl?: string; pid?: number };
    if (!runtime.databaseUrl) return null;
    if (runtime.pid) {
      try {
        process.kill(runtime.pid, 0);
      } catch {
        return null;
      }
    }
    return runtime.databaseUrl;
  } catch {
    return null;
  }
}
