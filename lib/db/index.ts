import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { config } from "../config";
import { Prisma, PrismaClient } from "../generated/prisma/client";

/**
 * Ferry's Prisma client. `db` is created on first use from DATABASE_URL (which
 * scripts/serve.ts sets to the embedded PostgreSQL when it is not configured), and kept
 * on globalThis so hot reloads in development do not open more pools.
 */

export { Prisma };
export type {
  Account,
  AppSetting,
  Approval,
  ImportFailure,
  ImportMessage,
  ImportProgress,
  Issue,
  Label,
  Membership,
  MergeRequest,
  Milestone,
  Namespace,
  Note,
  Project,
  ProjectImport,
  Session,
  User,
  VerificationToken,
} from "../generated/prisma/client";
export { ImportStatus, IssueState, MergeRequestState, MessageSeverity, MilestoneState, NamespaceKind, Role, Visibility } from "../generated/prisma/enums";

export type Db = PrismaClient;
/** The client handed to `db.$transaction(async (tx) => ...)`. */
export type DbTransaction = Prisma.TransactionClient;

const cache = globalThis as typeof globalThis & { __ferryDb?: PrismaClient; __ferryPool?: pg.Pool };

function client(): PrismaClient {
  if (!cache.__ferryDb) {
    const connectionString = config().DATABASE_URL;
    if (!connectionString) {
      throw new Error(
        "DATABASE_URL is not set. Start Ferry with `npm run dev` / `npm start` (they start the embedded PostgreSQL) or set DATABASE_URL.",
      );
    }
    const pool = new pg.Pool({ connectionString });
    cache.__ferryPool = pool;
    cache.__ferryDb = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  }
  return cache.__ferryDb;
}

/**
 * One connection of the pool Prisma uses, for statements Prisma handles poorly: it serializes a
 * raw statement's parameters to JSON and parses them back, so a bulk insert's parameter of
 * megabytes would be copied several times over. With `transaction`, the work is all or nothing.
 */
export async function withConnection<T>(work: (connection: pg.PoolClient) => Promise<T>, options: { transaction?: boolean } = {}): Promise<T> {
  client();
  const connection = await cache.__ferryPool!.connect();
  let broken: Error | undefined;
  try {
    if (!options.transaction) return await work(connection);
    try {
      await connection.query("BEGIN");
      const result = await work(connection);
      await connection.query("COMMIT");
      return result;
    } catch (error) {
      await connection.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } finally {
    // A connection whose transaction could not be rolled back is closed, not reused.
    connection.release(broken);
  }
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    // Keep `await db` and promise checks from creating the client.
    if (property === "then") return undefined;
    const instance = client();
    const value: unknown = Reflect.get(instance, property, instance);
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(instance) : value;
  },
  has(_target, property) {
    return Reflect.has(client(), property);
  },
});

/** Closes the client's connections; the next use of `db` connects again. */
export async function disconnectDb(): Promise<void> {
  const instance = cache.__ferryDb;
  cache.__ferryDb = undefined;
  cache.__ferryPool = undefined;
  await instance?.$disconnect();
}
