import { randomBytes } from "node:crypto";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { withDatabase } from "../lib/db/schema-engine";
import { withPgClient } from "./pg";

/**
 * Vitest global setup: one PostgreSQL for the whole run, with the migrations applied.
 *
 * - TEST_DATABASE_URL set: that server is used (the user needs CREATEDB); otherwise an
 *   embedded PostgreSQL starts in a fresh temp directory on a free port (no fsync).
 * - Databases: `<prefix>_template` (migrated; never connected to by tests, so it can be
 *   copied) and `<prefix>`, a copy every worker gets as DATABASE_URL. test/db.ts moves
 *   each worker onto its own copy (`<prefix>_w<VITEST_POOL_ID>`) so files that run in
 *   parallel can reset tables without disturbing each other.
 * - Workers are forked after this runs and inherit process.env: DATABASE_URL,
 *   DATA_DIR (a temp directory) and FERRY_TEST_* for test/db.ts.
 * - Teardown stops the server (or drops the databases) and removes the temp directory.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), "ferry-test-"));
  // As root, the embedded server runs as an unprivileged user that must reach its directory.
  await fsp.chmod(tempDir, 0o755);
  const dataDir = path.join(tempDir, "data");
  await fsp.mkdir(dataDir);

  let server: EmbeddedPostgres | undefined;
  const external = process.env.TEST_DATABASE_URL;
  const prefix = `ferry_test_${randomBytes(4).toString("hex")}`;
  let adminUrl: string;
  try {
    if (external) {
      adminUrl = external;
    } else {
      server = await startEmbeddedPostgres({ dir: path.join(tempDir, "postgres"), port: 0, database: "postgres", durable: false });
      adminUrl = server.url;
    }
    const template = `${prefix}_template`;
    await withPgClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(template)}`));
    await applyMigrations(withDatabase(adminUrl, template));
    await withPgClient(adminUrl, (client) =>
      client.query(`CREATE DATABASE ${client.escapeIdentifier(prefix)} TEMPLATE ${client.escapeIdentifier(template)}`),
    );
  } catch (error) {
    await server?.stop();
    await fsp.rm(tempDir, { recursive: true, force: true });
    throw error;
  }

  const previous = pickEnv();
  process.env.DATABASE_URL = withDatabase(adminUrl, prefix);
  process.env.DATA_DIR = dataDir;
  process.env.FERRY_TEST_DB_ADMIN_URL = adminUrl;
  process.env.FERRY_TEST_DB_PREFIX = prefix;
  if (process.env.FERRY_TEST_DB_TIMING) console.log(`[db] test database ready in ${Date.now() - startedAt} ms`);

  return async () => {
    try {
      if (server) {
        await server.stop();
      } else {
        await withPgClient(adminUrl, async (client) => {
          const { rows } = await client.query<{ datname: string }>(
            "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2",
            [prefix, `${prefix}\\_%`],
          );
          for (const { datname } of rows) {
            await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
          }
        });
      }
    } finally {
      await fsp.rm(tempDir, { recursive: true, force: true });
      Object.assign(process.env, previous);
      for (const [key, value] of Object.entries(previous)) if (value === undefined) delete process.env[key];
    }
  };
}

function pickEnv(): Record<string, string | undefined> {
  const keys = ["DATABASE_URL", "DATA_DIR", "FERRY_TEST_DB_ADMIN_URL", "FERRY_TEST_DB_PREFIX"];
  return Object.fromEntries(keys.map((key) => [key, process.env[key]]));
}

