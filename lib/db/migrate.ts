import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { NO_FILTERS, readMigrations, withSchemaEngine } from "./schema-engine";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** prisma/migrations: one `<YYYYMMDDHHMMSS>_<name>/migration.sql` per migration, plus migration_lock.toml. */
export const MIGRATIONS_DIR = path.join(root, "prisma", "migrations");
export const SCHEMA_PATH = path.join(root, "prisma", "schema.prisma");

// pg_advisory_lock(int4, int4) key: "Ferr", 1. Held on its own connection while migrating
// so that processes starting together apply migrations one after the other. (The engine
// also takes Prisma's lock 72707369, but gives up after 10 s.)
const LOCK_KEY = [0x46657272, 1] as const;

export interface ApplyMigrationsOptions {
  /** Defaults to prisma/migrations. */
  migrationsDir?: string;
  /** Receives the engine's progress messages, e.g. "Applying `20260101000000_init`". */
  onLog?: (message: string) => void;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this call (empty when the database was up to date). */
  applied: string[];
}

/**
 * Applies the migrations in prisma/migrations that the database has not recorded in
 * `_prisma_migrations` yet — what `prisma migrate deploy` does, through Prisma's
 * WebAssembly schema engine. Idempotent, and safe to call from several processes at once.
 */
export async function applyMigrations(databaseUrl: string, options: ApplyMigrationsOptions = {}): Promise<ApplyMigrationsResult> {
  const migrations = await readMigrations(options.migrationsDir ?? MIGRATIONS_DIR);
  const lock = new pg.Client({ connectionString: databaseUrl });
  lock.on("error", () => undefined);
  try {
    await lock.connect();
  } catch (error) {
    throw new Error(`Cannot connect to PostgreSQL at ${describeUrl(databaseUrl)}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await lock.query("SELECT pg_advisory_lock($1, $2)", [...LOCK_KEY]);
    const output = await withSchemaEngine(
      databaseUrl,
      (engine) => engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTERS }),
      options.onLog,
    );
    return { applied: output.appliedMigrationNames };
  } finally {
    // Ending the session releases the lock even if the unlock query fails.
    await lock.query("SELECT pg_advisory_unlock($1, $2)", [...LOCK_KEY]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}

/** host:port/database of a connection URL, without credentials. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return "the configured URL";
  }
}
