import PgBoss from "pg-boss";
import { z } from "zod";
import { config } from "@/lib/config";

/**
 * Background work as job definitions: a queue name, a zod payload and an idempotent handler.
 * pg-boss keeps the jobs in the same PostgreSQL, so they survive restarts.
 */
export type JobContext = { jobId: string; retryCount: number; retryLimit: number };

export type JobDefinition<Schema extends z.ZodType> = {
  name: string;
  schema: Schema;
  /** How many of these run at once in one worker process. */
  concurrency: number;
  retryLimit: number;
  retryDelaySeconds: number;
  expireInSeconds: number;
  handler: (payload: z.infer<Schema>, context: JobContext) => Promise<void>;
};

export function defineJob<Schema extends z.ZodType>(
  definition: Omit<JobDefinition<Schema>, "retryLimit" | "retryDelaySeconds" | "expireInSeconds" | "concurrency"> &
    Partial<Pick<JobDefinition<Schema>, "retryLimit" | "retryDelaySeconds" | "expireInSeconds" | "concurrency">>,
): JobDefinition<Schema> {
  return { retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: 15 * 60, concurrency: 1, ...definition };
}

const state = globalThis as typeof globalThis & { __ferryBoss?: Promise<PgBoss>; __ferryQueues?: Set<string> };

async function createBoss(): Promise<PgBoss> {
  const connectionString = config().DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set; background jobs need the database");
  const boss = new PgBoss({ connectionString, schema: "pgboss", max: 4, application_name: "ferry-jobs" });
  boss.on("error", (error) => console.error("[jobs]", error));
  await boss.start();
  return boss;
}

export function jobQueue(): Promise<PgBoss> {
  state.__ferryBoss ??= createBoss().catch((error) => {
    state.__ferryBoss = undefined;
    throw error;
  });
  return state.__ferryBoss;
}

async function ensureQueue(boss: PgBoss, definition: JobDefinition<z.ZodType>): Promise<void> {
  state.__ferryQueues ??= new Set();
  if (state.__ferryQueues.has(definition.name)) return;
  if (!(await boss.getQueue(definition.name))) {
    await boss.createQueue(definition.name, {
      name: definition.name,
      retryLimit: definition.retryLimit,
      retryDelay: definition.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: definition.expireInSeconds,
    });
  }
  state.__ferryQueues.add(definition.name);
}

export async function enqueue<Schema extends z.ZodType>(
  definition: JobDefinition<Schema>,
  payload: z.input<Schema>,
  options: { startAfterSeconds?: number; priority?: number } = {},
): Promise<void> {
  const data = definition.schema.parse(payload) as object;
  const boss = await jobQueue();
  await ensureQueue(boss, definition);
  await boss.send(definition.name, data, {
    ...(options.startAfterSeconds !== undefined ? { startAfter: options.startAfterSeconds } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    retryLimit: definition.retryLimit,
    retryDelay: definition.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: definition.expireInSeconds,
  });
}

/** Starts `concurrency` pollers per definition in this process. */
export async function startWorkers(definitions: Array<JobDefinition<z.ZodType>>, options: { pollingIntervalSeconds?: number } = {}): Promise<void> {
  const boss = await jobQueue();
  for (const definition of definitions) {
    await ensureQueue(boss, definition);
    for (let index = 0; index < definition.concurrency; index++) {
      await boss.work<object>(
        definition.name,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5 },
        async ([job]) => {
          if (!job) return;
          const payload = definition.schema.safeParse(job.data);
          if (!payload.success) {
            console.error(`[jobs] ${definition.name} ${job.id}: invalid payload`, payload.error.issues);
            return; // A malformed payload never becomes valid by retrying.
          }
          await definition.handler(payload.data, { jobId: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit });
        },
      );
    }
  }
}

export async function stopJobs(): Promise<void> {
  const boss = state.__ferryBoss;
  state.__ferryBoss = undefined;
  state.__ferryQueues = undefined;
  if (boss) await (await boss).stop({ graceful: true, wait: true, timeout: 10_000 });
}
