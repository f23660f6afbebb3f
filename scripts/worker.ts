/**
 * `npm run worker`: import workers in a process of their own (another machine, or beside a web
 * process started with WORKERS=0). Uses DATABASE_URL, or the embedded database of the app
 * running from the same DATA_DIR.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseConfig, reloadConfig } from "../lib/config/index.ts";

const settings = parseConfig(process.env);
if (!settings.DATABASE_URL) {
  const runtime = path.join(settings.DATA_DIR, "runtime.json");
  if (!existsSync(runtime)) {
    console.error("Set DATABASE_URL, or start Ferry (npm start) first so its embedded database is running.");
    process.exit(1);
  }
  process.env.DATABASE_URL = (JSON.parse(readFileSync(runtime, "utf8")) as { databaseUrl: string }).databaseUrl;
  reloadConfig();
}
const { startImportWorkers } = await import("../lib/import/workers.ts");
const { stopJobs } = await import("../lib/jobs/index.ts");
await startImportWorkers();
const { startArchiveWorkers } = await import("../lib/archive/jobs.ts");
await startArchiveWorkers();
const { startGistsImportWorkers } = await import("../lib/snippets/index.ts");
await startGistsImportWorkers();
console.log(`Ferry import worker ${process.pid} is running.`);
const stop = async () => {
  await stopJobs();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
