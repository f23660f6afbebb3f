/**
 * `npm run db:migration -- <name>`: writes prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql
 * with the SQL that takes a database from what the existing migrations produce to the
 * current prisma/schema.prisma, and prints it.
 *
 * Prisma's WebAssembly schema engine replays the migrations in a shadow database and
 * diffs the result against the schema (like `prisma migrate dev --create-only`). It
 * needs a PostgreSQL server for that, so this starts a throwaway embedded one (about a
 * second), or uses SHADOW_DATABASE_URL when set (its server gets a temporary database).
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { MIGRATIONS_DIR, SCHEMA_PATH } from "../lib/db/migrate";
import { diffMigrationsToSchema, MIGRATION_LOCK } from "../lib/db/schema-engine";

function usage(message: string): never {
  console.error(`${message}\n\nUsage: npm run db:migration -- <name>   (e.g. add_repository_table)`);
  process.exit(2);
}

function timestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

/** A directory name later than every existing migration (they apply in name order). */
function nextDirectoryName(slug: string): string {
  const existing = fs.existsSync(MIGRATIONS_DIR)
    ? fs.readdirSync(MIGRATIONS_DIR).filter((name) => /^\d{14}_/.test(name)).sort()
    : [];
  let stamp = timestamp(new Date());
  const last = existing.at(-1)?.slice(0, 14);
  if (last && stamp <= last) {
    const next = new Date(Date.UTC(+last.slice(0, 4), +last.slice(4, 6) - 1, +last.slice(6, 8), +last.slice(8, 10), +last.slice(10, 12), +last.slice(12, 14) + 1));
    stamp = timestamp(next);
  }
  return `${stamp}_${slug}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  if (args.length !== 1 || !args[0] || args[0].startsWith("-")) usage("Give the migration a name.");
  const slug = args[0]
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
  if (!slug) usage(`"${args[0]}" has no letters or digits to name a migration with.`);

  let server: EmbeddedPostgres | undefined;
  let tempDir: string | undefined;
  let serverUrl = process.env.SHADOW_DATABASE_URL;
  let sql: string | null;
  try {
    if (!serverUrl) {
      tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), "ferry-migration-"));
      // As root, the server runs as an unprivileged user that must reach the cluster.
      await fsp.chmod(tempDir, 0o755);
      server = await startEmbeddedPostgres({ dir: path.join(tempDir, "postgres"), port: 0, database: "postgres", durable: false });
      serverUrl = server.url;
    }
    sql = await diffMigrationsToSchema(serverUrl, MIGRATIONS_DIR, SCHEMA_PATH);
  } finally {
    await server?.stop();
    if (tempDir) await fsp.rm(tempDir, { recursive: true, force: true });
  }

  const relativeSchema = path.relative(process.cwd(), SCHEMA_PATH);
  if (!sql) {
    console.error(`No changes: ${relativeSchema} matches the migrations in ${path.relative(process.cwd(), MIGRATIONS_DIR)}. Nothing written.`);
    process.exit(1);
  }

  const directory = path.join(MIGRATIONS_DIR, nextDirectoryName(slug));
  await fsp.mkdir(directory, { recursive: true });
  const lockFile = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  if (!fs.existsSync(lockFile)) await fsp.writeFile(lockFile, MIGRATION_LOCK);
  const file = path.join(directory, "migration.sql");
  await fsp.writeFile(file, sql);
  console.log(sql.trimEnd());
  console.log(`\nWrote ${path.relative(process.cwd(), file)}. Review it (data-preserving steps may need hand edits); it is applied at the next start.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
