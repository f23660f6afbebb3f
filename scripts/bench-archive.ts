/**
 * `npm run bench:archive`: generates a Bitbucket issue export of about 100 MB (many issues and
 * comments, change logs, and incompressible attachments), imports it into a project, and prints
 * the time, issues per second and the peak RSS of the importing process (the job process the
 * workers start for every archive job, so generating the archive does not count). Options (env):
 *   BENCH_SCALE (1)   multiplies the sizes (10,000 issues, ~60,000 comments, 1,800 attachments of ~55 KB)
 *   DATABASE_URL      a PostgreSQL to use instead of a fresh embedded one
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const scale = Number(process.env.BENCH_SCALE ?? 1);
const sized = (value: number) => Math.max(1, Math.round(value * scale));
const ISSUES = sized(10_000);
const ATTACHMENTS = sized(1_800);
const MB = 1024 * 1024;

const workDir = mkdtempSync(path.join(tmpdir(), "ferry-bench-archive-"));
chmodSync(workDir, 0o755);
process.env.DATA_DIR = path.join(workDir, "data");

// Deterministic text: a small PRNG over a word list (compresses like prose, about 3:1).
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const WORDS = "the launch sequence fails when telemetry overflows buffer retry queue parser issue export wiki commit branch merge review crash stack trace expected actual version release build test fix patch regression timeout".split(" ");
const sentence = (words: number) => Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
const user = (n: number) => ({ display_name: `User ${n}`, account_id: `557058:${String(n).padStart(8, "0")}-0000-4000-8000-000000000000` });
const date = (day: number, minute = 0) => new Date(Date.UTC(2013, 0, 1) + day * 86_400_000 + minute * 60_000).toISOString().replace("Z", "+00:00");

type Plan = { comments: number; logs: number; attachments: number };

async function* exportJson(plan: Plan): AsyncGenerator<string> {
  let commentId = 1;
  const attachmentsPerIssue = new Map<number, number>();
  for (let n = 0; n < ATTACHMENTS; n++) {
    const issue = 1 + Math.floor(random() * ISSUES);
    attachmentsPerIssue.set(issue, (attachmentsPerIssue.get(issue) ?? 0) + 1);
  }
  yield '{"attachments": [';
  let first = true;
  let blob = 0;
  for (const [issue, count] of attachmentsPerIssue) {
    for (let i = 0; i < count; i++) {
      yield `${first ? "" : ","}${JSON.stringify({ path: `attachments/${String(blob++).padStart(32, "0")}`, issue, user: user(issue % 50), filename: i % 2 ? "trace.log" : "screenshot.png" })}`;
      first = false;
      plan.attachments++;
    }
  }
  yield '], "comments": [';
  first = true;
  const stubs: Array<{ issue: number; id: number }> = [];
  for (let issue = 1; issue <= ISSUES; issue++) {
    const count = Math.floor(random() * 12);
    for (let c = 0; c < count; c++) {
      const stub = c === count - 1 && issue % 2 === 0;
      if (stub) stubs.push({ issue, id: commentId });
      yield `${first ? "" : ","}${JSON.stringify({ content: stub ? null : `${sentence(40)}\n\n\`\`\`\n#!python\nprint("${issue}")\n\`\`\`\n→ <<cset 580da529e681>>`, created_on: date(issue % 3000, c + 1), user: user((issue + c) % 50), updated_on: null, issue, id: commentId++ })}`;
      first = false;
      plan.comments++;
    }
  }
  yield '], "meta": {"default_kind": "bug"}, "components": [{"name": "backend"}], "milestones": [{"name": "1.0"}], "versions": [], "issues": [';
  for (let issue = 1; issue <= ISSUES; issue++) {
    yield `${issue === 1 ? "" : ","}${JSON.stringify({
      status: issue % 2 === 0 ? "resolved" : "new",
      priority: "major",
      kind: issue % 7 === 0 ? "enhancement" : "bug",
      content_updated_on: null,
      voters: issue % 5 === 0 ? [user(1)] : [],
      title: `Issue ${issue}: ${sentence(6)}`,
      reporter: user(issue % 50),
      component: issue % 3 === 0 ? "backend" : null,
      watchers: [user(issue % 50)],
      content: sentence(80),
      assignee: issue % 4 === 0 ? user(2) : null,
      created_on: date(issue % 3000),
      version: null,
      edited_on: null,
      milestone: issue % 10 === 0 ? "1.0" : null,
      updated_on: date(issue % 3000, 600),
      id: issue,
    })}`;
  }
  yield '], "logs": [';
  first = true;
  for (const stub of stubs) {
    yield `${first ? "" : ","}${JSON.stringify({ comment: stub.id, changed_to: "resolved", field: "status", created_on: date(stub.issue % 3000, 500), user: user(stub.issue % 50), issue: stub.issue, changed_from: "new" })}`;
    first = false;
    plan.logs++;
  }
  yield "]}";
}

async function* attachmentBytes(size: number): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < size; sent += MB) yield randomBytes(Math.min(MB, size - sent));
}

console.log(`Generating the archive (scale ${scale})…`);
const { ZipWriter } = await import("../lib/archive/zip-writer.ts");
const archive = path.join(workDir, "bench-issues.zip");
const plan: Plan = { comments: 0, logs: 0, attachments: 0 };
const writer = await ZipWriter.create(archive);
await writer.addFile("db-2.0.json", exportJson(plan));
for (let blob = 0; blob < ATTACHMENTS; blob++) {
  await writer.addFile(`attachments/${String(blob).padStart(32, "0")}`, attachmentBytes(20_000 + Math.floor(random() * 70_000)), { method: "store" });
}
await writer.close();
const archiveBytes = statSync(archive).size;
console.log(`  ${(archiveBytes / MB).toFixed(1)} MB: ${ISSUES} issues, ${plan.comments} comments, ${plan.logs} change logs, ${plan.attachments} attachments`);

const { ensureDatabase } = await import("../lib/db/ensure.ts");
const database = await ensureDatabase({ dataDir: process.env.DATA_DIR, databaseUrl: process.env.DATABASE_URL });
process.env.DATABASE_URL = database.url;
const { db } = await import("../lib/db/index.ts");
const { createUserWithProject, uploadFile } = await import("../test/archive.ts");
const { startIssuesArchiveImport } = await import("../lib/archive/jobs.ts");
const { stopJobs } = await import("../lib/jobs/index.ts");

const owner = await createUserWithProject(`bench${Date.now().toString(36)}`);
const upload = await uploadFile(owner.user.id, archive, "bench-issues.zip");
const job = await startIssuesArchiveImport(owner.user, { projectId: owner.project.id, uploadId: upload.id });

console.log("Importing (in a job process of its own, as the workers run it)…");
const { runArchiveJob } = await import("../lib/archive/jobs.ts");
const started = performance.now();
const stats = await runArchiveJob(job.id, { isolated: true });
const seconds = (performance.now() - started) / 1000;
const finished = await db.archiveImportJob.findUniqueOrThrow({ where: { id: job.id } });
if (!stats?.maxRss) throw new Error("The job did not run in a job process (is lib/archive/job-process.ts there?)");

const counts = {
  issues: await db.issue.count({ where: { projectId: owner.project.id } }),
  comments: await db.note.count({ where: { projectId: owner.project.id, system: false } }),
  systemNotes: await db.note.count({ where: { projectId: owner.project.id, system: true } }),
  attachments: await db.attachment.count({ where: { projectId: owner.project.id } }),
};
const stubComments = plan.comments - counts.comments;
console.log(`
Archive import benchmark
  archive          ${(archiveBytes / MB).toFixed(1)} MB
  job              ${finished.state}${finished.error ? ` (${finished.error})` : ""} (job process exit ${stats.exitCode})
  imported         ${counts.issues} issues, ${counts.comments} comments (+${stubComments} stubs without text), ${counts.systemNotes} system notes, ${counts.attachments} attachments
  time             ${seconds.toFixed(1)} s
  throughput       ${(counts.issues / seconds).toFixed(0)} issues/s, ${((counts.comments + counts.systemNotes) / seconds).toFixed(0)} notes/s, ${(archiveBytes / MB / seconds).toFixed(1)} MB/s
  peak RSS         ${(stats.maxRss / MB).toFixed(0)} MB (the importing job process; sampled ${((stats.sampledPeakRss ?? 0) / MB).toFixed(0)} MB) — limit 400 MB
`);
const ok = finished.state === "completed" && counts.issues === ISSUES && counts.systemNotes === plan.logs && counts.attachments === plan.attachments && stats.maxRss < 400 * MB;

await stopJobs();
await db.$disconnect();
await database.stop();
rmSync(workDir, { recursive: true, force: true });
if (!ok) {
  console.error("The benchmark's expectations were not met (see above).");
  process.exit(1);
}
