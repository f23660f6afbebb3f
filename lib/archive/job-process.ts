/**
 * The process that runs one claimed archive import job (started by runJobInChildProcess in
 * jobs.ts, with a heap limit): `node --import tsx lib/archive/job-process.ts <jobId>`.
 */
import { executeClaimedJob, jobProcessStatsLine } from "./jobs";
import { db } from "@/lib/db";

const jobId = Number(process.argv[2]);
if (!Number.isSafeInteger(jobId) || jobId <= 0) {
  console.error("usage: job-process.ts <jobId>");
  process.exit(2);
}
let sampledPeakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage().rss)), 100);
await executeClaimedJob(jobId);
clearInterval(sampler);
process.stdout.write(`${jobProcessStatsLine({ maxRss: process.resourceUsage().maxRSS * 1024, sampledPeakRss })}\n`);
await db.$disconnect();
process.exit(0);
