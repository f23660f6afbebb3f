import { startWorkers } from "@/lib/jobs";
import { IMPORT_JOBS, resumeImports } from "./pipeline/runner";

/** Starts this process's import workers and resumes imports a previous process left running. */
export async function startImportWorkers(): Promise<void> {
  await startWorkers(IMPORT_JOBS);
  const resumed = await resumeImports();
  if (resumed > 0) console.log(`[import] resumed ${resumed} import(s)`);
}
