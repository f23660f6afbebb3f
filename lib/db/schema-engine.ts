import { randomUUID } from "node:crypto";
import fsp from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import pg from "pg";

/**
 * Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`),
 * talking to PostgreSQL through the pg driver adapter. It replaces the native
 * `schema-engine` binary, which Prisma downloads at install time from a host this
 * project cannot rely on.
 *
 * Internal to lib/db: use applyMigrations() (migrate.ts) or scripts/db-migration.ts.
 */

export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

type WasmBindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

let wasmPromise: Promise<WasmBindings> | undefined;

/**
 * The package's entry point imports the .wasm file as an ES module, which Node 20
 * cannot do without a flag; instantiate it by hand against the JS glue instead.
 */
function loadWasm(): Promise<WasmBindings> {
  wasmPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bindings = (await import(/* webpackIgnore: true */ "@prisma/schema-engine-wasm/schema_engine_bg")) as WasmBindings;
    const bytes = await fsp.readFile(gluePath.replace(/\.js$/, ".wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  wasmPromise.catch(() => (wasmPromise = undefined));
  return wasmPromise;
}

// --- pg "char" columns ------------------------------------------------------
// The engine reads catalog columns of PostgreSQL's internal type "char" (oid 18,
// e.g. pg_constraint.contype) when it describes a schema. @prisma/adapter-pg 7.10
// rejects that type (UnsupportedNativeDataType), so describing a database (needed for
// diffs from the migrations directory) fails. We hand those columns to the adapter as
// text and then label them as Character, which is what the engine expects.
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const charColumns = new WeakMap<object, number[]>();

function markCharColumns<R>(result: R): R {
  const res = result as { fields?: { dataTypeID: number }[]; rows?: unknown[] } | undefined;
  const indexes: number[] = [];
  res?.fields?.forEach((field, index) => {
    if (field.dataTypeID === PG_CHAR_OID) {
      field.dataTypeID = PG_TEXT_OID;
      indexes.push(index);
    }
  });
  if (indexes.length && res?.rows) charColumns.set(res.rows, indexes);
  return result;
}

class CharAwareClient extends pg.Client {
  // pg's query() has many overloads; only the result is touched here.
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => last(error, error ? result : markCharColumns(result));
    } else if (args[0] && typeof args[0] === "object" && typeof args[0].callback === "function") {
      const callback = args[0].callback as (error: unknown, result: unknown) => void;
      args[0].callback = (error: unknown, result: unknown) => callback(error, error ? result : markCharColumns(result));
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    if (returned && typeof (returned as Promise<unknown>).then === "function") return (returned as Promise<unknown>).then(markCharColumns);
    return returned;
  }
}

function labelCharColumns<Q extends { queryRaw(query: SqlQuery): Promise<SqlResultSet> }>(queryable: Q): Q {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query: SqlQuery) => {
    const result = await queryRaw(query);
    for (const index of charColumns.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

function wrapAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  labelCharColumns(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args: Parameters<SqlDriverAdapter["startTransaction"]>): Promise<Transaction> =>
    labelCharColumns(await startTransaction(...args));
  return adapter;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Connections handed to the engine; all closed (and shadow databases dropped) at the end. */
class EngineConnections {
  private readonly pools: pg.Pool[] = [];
  private readonly shadowDatabases: string[] = [];

  constructor(private readonly url: string) {}

  private pool(url: string): pg.Pool {
    const pool = new pg.Pool({ connectionString: url, Client: CharAwareClient, max: 4 });
    pool.on("error", () => undefined);
    this.pools.push(pool);
    return pool;
  }

  factory(): SqlMigrationAwareDriverAdapterFactory {
    return {
      provider: "postgres",
      adapterName: "@prisma/adapter-pg",
      connect: async () => wrapAdapter(await new PrismaPg(this.pool(this.url)).connect()),
      // PrismaPg's own connectToShadowDb loses the password of an external pool and the
      // database of a connection string; create the shadow database here instead.
      connectToShadowDb: async () => {
        const name = `ferry_shadow_${randomUUID().replaceAll("-", "")}`;
        await this.admin((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
        this.shadowDatabases.push(name);
        return wrapAdapter(await new PrismaPg(this.pool(withDatabase(this.url, name))).connect());
      },
    };
  }

  private async admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("error", () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Closing the pools also releases the advisory lock the engine takes while migrating. */
  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.end().catch(() => undefined)));
    if (this.shadowDatabases.length) {
      await this.admin(async (client) => {
        for (const name of this.shadowDatabases) {
          await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
        }
      }).catch(() => undefined);
    }
  }
}

export class SchemaEngineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SchemaEngineError";
  }
}

function explain(error: unknown, factory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory, panic: string | undefined): Error {
  const err = error instanceof Error ? error : new Error(String(error));
  let message = err.message.replace(/\n\s+\d+: schema_engine_wasm::[\s\S]*$/, "").trim();
  const external = /External error id#(\d+)/.exec(message);
  if (external) {
    const record = factory.errorRegistry.consumeError(Number(external[1]));
    const cause = record?.error instanceof Error ? record.error.message : record ? JSON.stringify(record.error) : undefined;
    if (cause) message = `${message}: ${cause}`;
  }
  if (panic) message = `${message}\nSchema engine panic: ${panic}`;
  const code = (err as { code?: string }).code;
  return new SchemaEngineError(code ? `${message} (${code})` : message, { cause: error });
}

type PanicRegistry = { set_message(message: string): void };

/**
 * Runs `fn` with a schema engine connected to `url`. The engine connects at once (it
 * probes the server version), so even schema-to-schema diffs need a reachable server.
 * Shadow databases, when the engine asks for one, are created on the same server.
 */
export async function withSchemaEngine<T>(
  url: string,
  fn: (engine: SchemaEngine) => Promise<T>,
  onLog?: (message: string) => void,
): Promise<T> {
  const bindings = await loadWasm();
  const connections = new EngineConnections(url);
  const factory = bindMigrationAwareSqlAdapterFactory(connections.factory());
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  const registry = (g.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: () => undefined });
  const previousSetMessage = registry.set_message;
  let panic: string | undefined;
  registry.set_message = (message: string) => {
    panic = message;
  };
  const log = (line: string) => {
    if (!onLog) return;
    try {
      const parsed = JSON.parse(line) as { fields?: { message?: string } };
      if (parsed.fields?.message) onLog(parsed.fields.message);
    } catch {
      onLog(line);
    }
  };
  let engine: SchemaEngine | undefined;
  try {
    engine = await bindings.SchemaEngine.new({ datamodels: undefined }, log, factory);
    return await fn(engine);
  } catch (error) {
    // A panicked WebAssembly instance cannot be trusted again.
    if (panic) wasmPromise = undefined;
    throw explain(error, factory, panic);
  } finally {
    try {
      engine?.free();
    } catch {
      // already unusable after a panic
    }
    registry.set_message = previousSetMessage;
    await connections.close();
  }
}

/** The migrations directory in the shape the engine takes (same layout as the Prisma CLI's). */
export async function readMigrations(migrationsDir: string): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  let entries: string[] = [];
  try {
    entries = (await fsp.readdir(baseDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  entries.sort();
  const lockfile = await fsp.readFile(path.join(baseDir, "migration_lock.toml"), "utf8").catch(() => null);
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: lockfile },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      entries.map(async (name) => {
        const content = await fsp
          .readFile(path.join(baseDir, name, "migration.sql"), "utf8")
          .then((value) => ({ tag: "ok" as const, value }))
          .catch((error: Error) => ({ tag: "error" as const, value: error.message }));
        return { path: name, migrationFile: { path: "migration.sql", content } };
      }),
    ),
  };
}

/**
 * The SQL that takes a database from the state the migrations directory produces to
 * `schemaPath`, or null when they match. The migrations are replayed in a shadow
 * database on the server at `serverUrl` (created and dropped here).
 */
export async function diffMigrationsToSchema(serverUrl: string, migrationsDir: string, schemaPath: string): Promise<string | null> {
  const [migrations, schema] = await Promise.all([readMigrations(migrationsDir), fsp.readFile(schemaPath, "utf8")]);
  if (migrations.migrationDirectories.length > 0 && migrations.lockfile.content === null) {
    throw new SchemaEngineError(`${path.join(migrations.baseDir, "migration_lock.toml")} is missing.`);
  }
  if (migrations.lockfile.content === null) {
    migrations.lockfile.content = MIGRATION_LOCK;
  }
  return withSchemaEngine(serverUrl, async (engine) => {
    const result = await engine.diff({
      from: { tag: "migrations", ...migrations },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    // exitCode 2: the diff is not empty.
    return result.exitCode === 2 && result.stdout ? result.stdout : null;
  });
}

/** What `prisma migrate dev` writes to prisma/migrations/migration_lock.toml. */
export const MIGRATION_LOCK =
  "# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = \"postgresql\"\n";
