import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyDatabase, testServerUrl } from "../../test/db";
import { applyMigrations, MIGRATIONS_DIR, SCHEMA_PATH } from "./migrate";
import { diffMigrationsToSchema } from "./schema-engine";

const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emptyDatabase(): Promise<string> {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database.url;
}

describe("applyMigrations", () => {
  it("has migrations to apply", () => {
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(migrationNames[0]).toMatch(/^\d{14}_init$/);
    expect(fs.readFileSync(`${MIGRATIONS_DIR}/migration_lock.toml`, "utf8")).toContain('provider = "postgresql"');
  });

  it("applies every migration, records it, and is a no-op the second time", async () => {
    const url = await emptyDatabase();

    const first = await applyMigrations(url);
    expect(first.applied).toEqual(migrationNames);

    const recorded = await query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
      url,
      `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
       FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(recorded).toEqual(migrationNames.map((migration_name) => ({ migration_name, finished: true, rolled_back: false })));

    const second = await applyMigrations(url);
    expect(second.applied).toEqual([]);
    expect(await query(url, "SELECT 1 FROM _prisma_migrations")).toHaveLength(migrationNames.length);
  });

  it("creates the tables and enums of the schema", async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    const tables = await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.map((row) => row.tablename)).toEqual(
      expect.arrayContaining([
        "_prisma_migrations",
        "accounts",
        "app_settings",
        "memberships",
        "namespaces",
        "sessions",
        "users",
        "verification_tokens",
      ]),
    );
    const enums = await query<{ typname: string }>(url, "SELECT typname FROM pg_type WHERE typtype = 'e' ORDER BY 1");
    expect(enums.map((row) => row.typname)).toEqual(expect.arrayContaining(["NamespaceKind", "Role"]));
  });

  it("applies once when several processes migrate at the same time", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    expect(results.flatMap((result) => result.applied).sort()).toEqual(migrationNames);
    expect(await query(url, "SELECT 1 FROM _prisma_migrations")).toHaveLength(migrationNames.length);
  });

  it("reports the progress of each migration", async () => {
    const url = await emptyDatabase();
    const messages: string[] = [];
    await applyMigrations(url, { onLog: (message) => messages.push(message) });
    expect(messages.some((message) => message.includes(migrationNames[0]!))).toBe(true);
  });

  it("fails with the database's error when a migration is broken, and records it as failed", async () => {
    const url = await emptyDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-broken-migrations-"));
    try {
      fs.copyFileSync(`${MIGRATIONS_DIR}/migration_lock.toml`, `${dir}/migration_lock.toml`);
      fs.mkdirSync(`${dir}/20000101000000_broken`);
      fs.writeFileSync(`${dir}/20000101000000_broken/migration.sql`, "CREATE TABLE nope (id int);\nSELECT no_such_function();\n");
      await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/no_such_function/);
      const rows = await query<{ finished: boolean }>(url, "SELECT finished_at IS NOT NULL AS finished FROM _prisma_migrations");
      expect(rows).toEqual([{ finished: false }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("prisma/migrations", () => {
  it("matches prisma/schema.prisma (run `npm run db:migration -- <name>` after changing the schema)", async () => {
    const pending = await diffMigrationsToSchema(testServerUrl(), MIGRATIONS_DIR, SCHEMA_PATH);
    expect(pending, `prisma/schema.prisma has changes no migration covers:\n${pending}`).toBeNull();
  });
});
