import { startWorkers } from "@/lib/jobs";
import { IMPORT_JOBS } from "./pipeline/scheduler";
import { scheduledSyncJob } from "./sync/schedule";

/** Starts this process's import workers; imports a previous process left running continue. */
export async function startImportWorkers(): Promise<void> {
  await startWorkers([...IMPORT_JOBS, scheduledSyncJob]);
}
