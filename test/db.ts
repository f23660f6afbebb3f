import { randomBytes } from "node:crypto";
import type pg from "pg";
import { resetConfigForTests } from "../lib/config";
import { db, disconnectDb } from "../lib/db";
import { withDatabase } from "../lib/db/schema-engine";
import { withPgClient } from "./pg";

/**
 * Database helpers for integration tests (the database itself comes from
 * test/global-setup.ts).
 *
 *   import { db } from "@/lib/db";
 *   import { resetDatabase } from "@/test/db";
 *   beforeEach(resetDatabase);
 *
 * Importing this module moves the importing test worker onto a database of its own
 * (a copy of the migrated template, one per VITEST_POOL_ID), so test files running in
 * parallel can truncate tables freely. Import it before the first query.
 */

const adminUrl = process.env.FERRY_TEST_DB_ADMIN_URL;
const prefix = process.env.FERRY_TEST_DB_PREFIX;

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  if (!adminUrl || !prefix) throw new Error("test/db.ts needs the database from test/global-setup.ts (run the tests with vitest)");
  return withPgClient(adminUrl, fn);
}

async function createFromTemplate(client: pg.Client, name: string): Promise<void> {
  const template = `${prefix}_template`;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "42P04") return; // created by a concurrent worker
      // 55006: another CREATE DATABASE is copying the template right now.
      if (code !== "55006" || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function useWorkerDatabase(): Promise<void> {
  const poolId = process.env.VITEST_POOL_ID;
  if (!adminUrl || !prefix || !poolId) return;
  const name = `${prefix}_w${poolId}`;
  await withAdmin(async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await createFromTemplate(client, name);
  });
  const url = withDatabase(adminUrl, name);
  if (process.env.DATABASE_URL !== url) {
    process.env.DATABASE_URL = url;
    resetConfigForTests();
    await disconnectDb();
  }
}

await useWorkerDatabase();

let tables: string[] | undefined;

/** Empties every application table (not _prisma_migrations) and restarts id sequences. */
export async function resetDatabase(): Promise<void> {
  tables ??= (
    await db.$queryRaw<{ name: string }[]>`
      SELECT quote_ident(tablename) AS name FROM pg_tables
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`
  ).map((row) => row.name);
  if (tables.length) await db.$executeRawUnsafe(`TRUNCATE TABLE ${tables.join(", ")} RESTART IDENTITY CASCADE`);
  // Queued jobs name rows by id; ids restart, so a job left by an earlier test file would act on this file's rows.
  const [jobs] = await db.$queryRaw<{ queue: string | null }[]>`SELECT to_regclass('pgboss.job')::text AS queue`;
  if (jobs?.queue) await db.$executeRawUnsafe("TRUNCATE TABLE pgboss.job");
}

/**
 * A new, migrated database of its own (for tests that need an empty or a disposable
 * database). Drop it with `drop()`.
 */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_x${randomBytes(4).toString("hex")}`;
  await withAdmin((client) => createFromTemplate(client, name));
  return {
    url: withDatabase(adminUrl!, name),
    name,
    drop: () => withAdmin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`))),
  };
}

/** A new database with nothing in it (not even the migrations), dropped with `drop()`. */
export async function createEmptyDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_e${randomBytes(4).toString("hex")}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return {
    url: withDatabase(adminUrl!, name),
    name,
    drop: () => withAdmin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`))),
  };
}

/** The URL of the server's maintenance database (for tests that create databases themselves). */
export function testServerUrl(): string {
  if (!adminUrl) throw new Error("test/db.ts needs the database from test/global-setup.ts (run the tests with vitest)");
  return adminUrl;
}
