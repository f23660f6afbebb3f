import path from "node:path";
import { startEmbeddedPostgres } from "./embedded";
import { applyMigrations } from "./migrate";

export interface EnsureDatabaseOptions {
  /** Ferry's DATA_DIR; the embedded cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** An external PostgreSQL database (DATABASE_URL). When given, nothing is started. */
  databaseUrl?: string;
  /** Preferred port of the embedded server (default 54329, else any free port). */
  port?: number;
  /** Apply prisma/migrations (default true). */
  migrate?: boolean;
  /** Receives the embedded server's output and migration progress (quiet by default). */
  onLog?: (line: string) => void;
  /** Where the embedded cluster goes when, as root, its server's user cannot reach DATA_DIR. */
  relocationRoot?: string;
}

export interface DatabaseHandle {
  url: string;
  /** true when the embedded PostgreSQL was started for this handle. */
  embedded: boolean;
  /** The embedded cluster's directory (PGDATA). */
  dataDir?: string;
  /** Set when DATA_DIR/postgres is a link to where the embedded cluster lives. */
  relocatedFrom?: string;
  /** Stops the embedded server (a no-op for an external database). */
  stop(): Promise<void>;
}

/**
 * The database Ferry runs on: DATABASE_URL when set, otherwise an embedded PostgreSQL
 * under DATA_DIR (initialised on first start). Migrations are applied either way.
 */
export async function ensureDatabase(options: EnsureDatabaseOptions): Promise<DatabaseHandle> {
  const migrate = options.migrate ?? true;
  if (options.databaseUrl) {
    if (migrate) await applyMigrations(options.databaseUrl, { onLog: options.onLog });
    return { url: options.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({
    dir: path.join(path.resolve(options.dataDir), "postgres"),
    port: options.port,
    database: "ferry",
    onLog: options.onLog,
    relocationRoot: options.relocationRoot,
  });
  try {
    if (migrate) await applyMigrations(server.url, { onLog: options.onLog });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: server.url,
    embedded: true,
    dataDir: server.dataDir,
    relocatedFrom: server.relocatedFrom,
    stop: () => server.stop(),
  };
}
