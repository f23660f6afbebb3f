import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import { z } from "zod";
import { config } from "@/lib/config";

/**
 * Background work as job definitions: a queue name, a zod payload and an idempotent handler.
 * pg-boss keeps the jobs in the same PostgreSQL, so they survive restarts, and it owns their
 * life: a fetched job is leased to one worker until it completes or expires, a failing job is
 * retried with exponential backoff, an expired job (its worker died) is retried by any worker.
 */
export type JobContext = { jobId: string; retryCount: number; retryLimit: number };

export type JobDefinition<Schema extends z.ZodType> = {
  name: string;
  schema: Schema;
  /** How many of these run at once in one worker process. */
  concurrency: number;
  retryLimit: number;
  retryDelaySeconds: number;
  /**
   * How long a worker may hold a job before pg-boss takes it back and retries it elsewhere: longer
   * than the job can take, short enough that a dead worker's job does not wait long.
   */
  expireInSeconds: number;
  /** Where a job that failed its last retry (or expired on it) goes, for its final bookkeeping. */
  deadLetter?: string;
  /**
   * Run once when a process starts this definition's workers: queues again what the ledger says is
   * unfinished (sending an existing job again must do nothing). Returns how many items it resumed.
   */
  resume?: () => Promise<number>;
  handler: (payload: z.infer<Schema>, context: JobContext) => Promise<void>;
};

type DefinitionOptions = "retryLimit" | "retryDelaySeconds" | "expireInSeconds" | "concurrency";

export function defineJob<Schema extends z.ZodType>(
  definition: Omit<JobDefinition<Schema>, DefinitionOptions> & Partial<Pick<JobDefinition<Schema>, DefinitionOptions>>,
): JobDefinition<Schema> {
  return { retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: 15 * 60, concurrency: 1, ...definition };
}

/**
 * Tuning for tests and small installations: JOB_EXPIRY_MAX_SECONDS caps every job's expiry (a crash
 * test does not wait the production expiry for a killed worker's jobs), JOB_MAINTENANCE_SECONDS is
 * how often pg-boss looks for expired jobs (default 60).
 */
const tuningSchema = z.object({
  JOB_EXPIRY_MAX_SECONDS: z.coerce.number().int().min(1).optional(),
  JOB_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).default(60),
});

function tuning() {
  return tuningSchema.parse({ JOB_EXPIRY_MAX_SECONDS: process.env.JOB_EXPIRY_MAX_SECONDS || undefined, JOB_MAINTENANCE_SECONDS: process.env.JOB_MAINTENANCE_SECONDS || undefined });
}

export function expirySeconds(seconds: number): number {
  const max = tuning().JOB_EXPIRY_MAX_SECONDS;
  return max ? Math.min(seconds, max) : seconds;
}

type JobState = { boss?: Promise<PgBoss>; queues?: Map<string, Promise<void>>; workers?: Map<string, string[]> };
const state = globalThis as typeof globalThis & { __ferryJobs?: JobState };
const jobs = (): JobState => (state.__ferryJobs ??= {});

async function createBoss(): Promise<PgBoss> {
  const connectionString = config().DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set; background jobs need the database");
  const maintenance = tuning().JOB_MAINTENANCE_SECONDS;
  const boss = new PgBoss({
    connectionString,
    schema: "pgboss",
    max: 4,
    application_name: "ferry-jobs",
    maintenanceIntervalSeconds: maintenance,
    monitorStateIntervalSeconds: Math.max(maintenance, 60),
  });
  boss.on("error", (error) => console.error("[jobs]", error));
  await boss.start();
  return boss;
}

export function jobQueue(): Promise<PgBoss> {
  const current = jobs();
  current.boss ??= createBoss().catch((error) => {
    current.boss = undefined;
    throw error;
  });
  return current.boss;
}

/** Creates or updates the definition's queue once per process (concurrent senders share one attempt). */
function ensureQueue(boss: PgBoss, definition: JobDefinition<z.ZodType>): Promise<void> {
  const queues = (jobs().queues ??= new Map());
  let ready = queues.get(definition.name);
  if (!ready) {
    ready = setUpQueue(boss, definition).catch((error: unknown) => {
      queues.delete(definition.name);
      throw error;
    });
    queues.set(definition.name, ready);
  }
  return ready;
}

async function setUpQueue(boss: PgBoss, definition: JobDefinition<z.ZodType>): Promise<void> {
  if (definition.deadLetter && !(await boss.getQueue(definition.deadLetter))) {
    await boss.createQueue(definition.deadLetter, { name: definition.deadLetter }).catch(ignoreExisting);
  }
  const options = {
    name: definition.name,
    retryLimit: definition.retryLimit,
    retryDelay: definition.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: expirySeconds(definition.expireInSeconds),
    ...(definition.deadLetter ? { deadLetter: definition.deadLetter } : {}),
  };
  if (await boss.getQueue(definition.name)) await boss.updateQueue(definition.name, options);
  else await boss.createQueue(definition.name, options).catch(ignoreExisting);
}

/** Two processes may create a queue at once; the one that loses finds it there. */
function ignoreExisting(error: unknown): void {
  if (!/already exists|duplicate key|deadlock/i.test(String((error as Error)?.message))) throw error;
}

/** A job id that is the same every time for the same key: sending it twice queues one job. */
export function jobIdFor(key: string): string {
  const hex = createHash("sha256").update(key).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export type EnqueueOptions = {
  startAfterSeconds?: number;
  priority?: number;
  /** Makes the send idempotent (see jobIdFor): while a job with this key exists, sending it again does nothing. */
  key?: string;
  /** Overrides the definition's expiry for this job. */
  expireInSeconds?: number;
};

export async function enqueue<Schema extends z.ZodType>(definition: JobDefinition<Schema>, payload: z.input<Schema>, options: EnqueueOptions = {}): Promise<void> {
  await enqueueMany(definition, [{ payload, ...options }]);
}

/** Queues several jobs of one definition in one statement. */
export async function enqueueMany<Schema extends z.ZodType>(
  definition: JobDefinition<Schema>,
  entries: ReadonlyArray<{ payload: z.input<Schema> } & EnqueueOptions>,
): Promise<void> {
  if (entries.length === 0) return;
  const boss = await jobQueue();
  await ensureQueue(boss, definition);
  await boss.insert(
    entries.map((entry) => ({
      name: definition.name,
      data: definition.schema.parse(entry.payload) as object,
      ...(entry.key !== undefined ? { id: jobIdFor(entry.key) } : {}),
      ...(entry.startAfterSeconds !== undefined ? { startAfter: new Date(Date.now() + entry.startAfterSeconds * 1000) } : {}),
      ...(entry.priority !== undefined ? { priority: entry.priority } : {}),
      ...(entry.expireInSeconds !== undefined ? { expireInSeconds: expirySeconds(entry.expireInSeconds) } : {}),
    })),
  );
  wakeWorkers(boss, definition.name);
}

/** Idle workers of this process take new jobs at once instead of at their next poll. */
function wakeWorkers(boss: PgBoss, queue: string): void {
  for (const id of jobs().workers?.get(queue) ?? []) boss.notifyWorker(id);
}

/** Starts `concurrency` workers per definition in this process. */
export async function startWorkers(definitions: Array<JobDefinition<z.ZodType>>, options: { pollingIntervalSeconds?: number } = {}): Promise<void> {
  const boss = await jobQueue();
  const workers = (jobs().workers ??= new Map());
  for (const definition of definitions) {
    await ensureQueue(boss, definition);
    const ids = workers.get(definition.name) ?? [];
    workers.set(definition.name, ids);
    for (let index = 0; index < definition.concurrency; index++) {
      let workerId = "";
      workerId = await boss.work<object>(
        definition.name,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5 },
        async ([job]) => {
          if (!job) return;
          try {
            const payload = definition.schema.safeParse(job.data);
            if (!payload.success) {
              console.error(`[jobs] ${definition.name} ${job.id}: invalid payload`, payload.error.issues);
              return; // A malformed payload never becomes valid by retrying.
            }
            // JOB_LOG=1: one line per job taken, for following the work across worker processes.
            if (process.env.JOB_LOG === "1") console.log(`[jobs] ${definition.name} ${job.id} taken by ${process.pid}`);
            await definition.handler(payload.data, { jobId: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit });
          } finally {
            // The slot takes its next job at once rather than after the polling interval.
            boss.notifyWorker(workerId);
          }
        },
      );
      ids.push(workerId);
    }
  }
  for (const definition of definitions) {
    const resumed = (await definition.resume?.()) ?? 0;
    if (resumed > 0) console.log(`[jobs] ${definition.name}: resumed ${resumed}`);
  }
}

export async function stopJobs(): Promise<void> {
  const current = jobs();
  const boss = current.boss;
  state.__ferryJobs = {};
  if (boss) await (await boss).stop({ graceful: true, wait: true, timeout: 10_000 });
}
