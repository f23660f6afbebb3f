import { mkdtempSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { stopJobs } from "@/lib/jobs";
import { resetDatabase } from "@/test/db";
import { cancelArchiveJob, queueArchiveJobsForNewProject, runArchiveJob, startArchiveWorkers, startIssuesArchiveImport } from "./jobs";
import { reassignmentSuggestions } from "@/lib/users/placeholders";
import { createLinkedFerryUser, createUserWithProject, syntheticExport, uploadFile, type SyntheticExport } from "@/test/archive";
import { ZipWriter, writeZip } from "./zip-writer";

const directory = mkdtempSync(path.join(tmpdir(), "ferry-archive-jobs-"));
let counter = 0;

async function archiveOf(data: SyntheticExport | string, extra: Record<string, string | Buffer> = {}): Promise<string> {
  const file = path.join(directory, `export-${++counter}.zip`);
  await writeZip(file, { "db-1.0.json": typeof data === "string" ? data : JSON.stringify(data), ...extra });
  return file;
}

async function startJob(archive: string, owner?: Awaited<ReturnType<typeof createUserWithProject>>) {
  const { user, project } = owner ?? (await createUserWithProject("maintainer"));
  const upload = await uploadFile(user.id, archive, "export.zip");
  const job = await startIssuesArchiveImport(user, { projectId: project.id, uploadId: upload.id });
  return { user, project, job };
}

async function finished(jobId: number) {
  return db.archiveImportJob.findUniqueOrThrow({ where: { id: jobId }, include: { messages: { orderBy: { id: "asc" } } } });
}

async function contentCounts(projectId: number) {
  return {
    issues: await db.issue.count({ where: { projectId } }),
    notes: await db.note.count({ where: { projectId, system: false } }),
    systemNotes: await db.note.count({ where: { projectId, system: true } }),
    attachments: await db.attachment.count({ where: { projectId } }),
    labels: await db.label.count({ where: { projectId } }),
    issueLabels: await db.issueLabel.count({ where: { issue: { projectId } } }),
    milestones: await db.milestone.count({ where: { projectId } }),
  };
}

beforeEach(resetDatabase);
afterAll(async () => {
  await stopJobs();
  rmSync(directory, { recursive: true, force: true });
});

describe("refused archives fail the job and write nothing", () => {
  it("a zip-slip entry name", async () => {
    const { job, project } = await startJob(await archiveOf(syntheticExport({ issues: 2 }), { "attachments/../../../../tmp/evil": "x" }));
    await runArchiveJob(job.id);
    const row = await finished(job.id);
    expect(row.state).toBe("failed");
    expect(row.error).toMatch(/unsafe file name/);
    expect(await db.issue.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("a zip bomb", async () => {
    const file = path.join(directory, "bomb.zip");
    const writer = await ZipWriter.create(file);
    await writer.addFile("db-1.0.json", JSON.stringify(syntheticExport({ issues: 1 })));
    async function* zeros() {
      for (let i = 0; i < 48; i++) yield Buffer.alloc(1024 * 1024);
    }
    await writer.addFile("attachments/0e4cbdde8e394a1f8c32b46b639fa195", zeros());
    await writer.close();
    const { job, project } = await startJob(file);
    await runArchiveJob(job.id);
    const row = await finished(job.id);
    expect(row.state).toBe("failed");
    expect(row.error).toMatch(/zip bomb/);
    expect(await db.issue.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("a truncated archive", async () => {
    const archive = await archiveOf(syntheticExport({ issues: 50 }));
    truncateSync(archive, Math.floor(statSync(archive).size * 0.6));
    const { job } = await startJob(archive);
    await runArchiveJob(job.id);
    const row = await finished(job.id);
    expect(row.state).toBe("failed");
    expect(row.error).toMatch(/truncated or damaged/);
  });

  it("an archive without an export file", async () => {
    const file = path.join(directory, "not-an-export.zip");
    await writeZip(file, { "README.md": "hello" });
    const { job } = await startJob(file);
    await runArchiveJob(job.id);
    expect((await finished(job.id)).error).toMatch(/neither db-2\.0\.json nor db-1\.0\.json/);
  });

  it("a conflicting issue number: reported before anything is written", async () => {
    const owner = await createUserWithProject("maintainer");
    await db.issue.create({ data: { projectId: owner.project.id, iid: 3, title: "Written in Ferry", authorId: owner.user.id } });
    await db.issue.create({ data: { projectId: owner.project.id, iid: 4, title: "Imported elsewhere", authorId: owner.user.id, importedFrom: "github", sourceId: "4" } });
    const { job } = await startJob(await archiveOf(syntheticExport({ issues: 6 })), owner);
    await runArchiveJob(job.id);
    const row = await finished(job.id);
    expect(row.state).toBe("failed");
    expect(row.error).toMatch(/#3–#4 \(2 in all\)/);
    expect(row.messages.map((message) => message.message).join("\n")).toMatch(/Issue numbers already used/);
    expect(await contentCounts(owner.project.id)).toMatchObject({ issues: 2, notes: 0, labels: 0, milestones: 0 });
  });
});

describe("lenient reading", () => {
  it("imports what comes before the end of a cut-off export, with a warning", async () => {
    const full = JSON.stringify({ issues: syntheticExport({ issues: 5 }).issues });
    const cut = full.slice(0, full.indexOf('"id":4') - 2);
    const { job, project } = await startJob(await archiveOf(cut));
    await runArchiveJob(job.id);
    const row = await finished(job.id);
    expect(row.state).toBe("completed");
    expect(await db.issue.count({ where: { projectId: project.id } })).toBe(3);
    expect(row.messages.some((message) => message.severity === "warning" && /ends early/.test(message.message))).toBe(true);
  });

  it("skips malformed and incomplete records one by one, naming each", async () => {
    const data = syntheticExport({ issues: 3 });
    const text = JSON.stringify(data)
      .replace('{"id":2,', '{"id":2 "broken": ,')
      .replace('"comments":[', '"comments":[{"id": 5, "content": "no issue", "created_on": "2014-01-01T00:00:00"},');
    const { job, project } = await startJob(await archiveOf(text));
    await runArchiveJob(job.id);
    const row = await finished(job.id);
    expect(row.state).toBe("completed");
    expect((await db.issue.findMany({ where: { projectId: project.id }, orderBy: { iid: "asc" } })).map((issue) => issue.iid)).toEqual([1, 3]);
    const warnings = row.messages.filter((message) => message.severity === "warning").map((message) => message.message);
    expect(warnings.some((message) => /Skipped issues record 2/.test(message))).toBe(true);
    expect(warnings.some((message) => /comment 5 names no valid issue/.test(message))).toBe(true);
    expect((row.counts as { skippedRecords: number }).skippedRecords).toBe(2);
  });

  it("reads db-2.0.json when both are there, and falls back to db-1.0.json when db-2.0.json is unusable", async () => {
    const v1 = syntheticExport({ issues: 2 });
    const v2 = { ...syntheticExport({ issues: 3 }), issues: syntheticExport({ issues: 3 }).issues.map((issue) => ({ ...issue, reporter: { display_name: "Alice", account_id: "557058:abc" } })) };
    const both = path.join(directory, "both.zip");
    await writeZip(both, { "db-1.0.json": JSON.stringify(v1), "db-2.0.json": JSON.stringify(v2) });
    const first = await startJob(both);
    await runArchiveJob(first.job.id);
    expect(await db.issue.count({ where: { projectId: first.project.id } })).toBe(3);
    expect((await finished(first.job.id)).messages[0]!.message).toMatch(/Read db-2\.0\.json.*Atlassian accounts/);

    await resetDatabase();
    const broken = path.join(directory, "broken-v2.zip");
    await writeZip(broken, { "db-1.0.json": JSON.stringify(v1), "db-2.0.json": "<html>not json</html>" });
    const second = await startJob(broken);
    await runArchiveJob(second.job.id);
    const row = await finished(second.job.id);
    expect(row.state).toBe("completed");
    expect(await db.issue.count({ where: { projectId: second.project.id } })).toBe(2);
    expect(row.messages.some((message) => /db-2\.0\.json could not be used .*db-1\.0\.json was imported instead/.test(message.message))).toBe(true);
  });
});

describe("who an uploaded archive's contributions belong to", () => {
  /** One issue and its comments by a Bitbucket user whom a Ferry administrator linked (db-2.0), and one by their nickname (db-1.0). */
  async function impersonatingArchive() {
    const victim = await createLinkedFerryUser("root", { uuid: "{00000000-0000-4000-8000-0000000000aa}", accountId: "557058:root", nickname: "rootnick" });
    await db.user.update({ where: { id: victim.id }, data: { isAdmin: true } });
    const account = { display_name: "Root", account_id: "557058:root" };
    const data = syntheticExport({ issues: 1, commentsPerIssue: 1 });
    data.issues = data.issues.map((issue) => ({ ...issue, reporter: account, assignee: account, watchers: [] }));
    data.comments = data.comments.map((comment) => ({ ...comment, user: account }));
    data.logs = data.logs.map((log) => ({ ...log, user: account }));
    const v1 = syntheticExport({ issues: 1, commentsPerIssue: 1, firstId: 2 });
    v1.issues = v1.issues.map((issue) => ({ ...issue, reporter: "rootnick" }));
    const v2 = path.join(directory, `impersonating-${++counter}.zip`);
    await writeZip(v2, { "db-2.0.json": JSON.stringify(data) });
    return { victim, v2, v1: await archiveOf(v1) };
  }

  async function importAs(archive: string, options: { admin: boolean; userMapping?: "attribution" | "placeholders"; username?: string }) {
    const owner = await createUserWithProject(options.username ?? (options.admin ? "admin" : "maintainer"), { admin: options.admin });
    const upload = await uploadFile(owner.user.id, archive, "export.zip");
    const job = await startIssuesArchiveImport(owner.user, { projectId: owner.project.id, uploadId: upload.id, userMapping: options.userMapping });
    await runArchiveJob(job.id);
    expect((await finished(job.id)).state).toBe("completed");
    const issues = await db.issue.findMany({ where: { projectId: owner.project.id }, include: { notes: { where: { system: false } } }, orderBy: { iid: "asc" } });
    return { owner, issues };
  }

  it("never publishes as a linked Ferry user when a non-administrator uploads it: placeholders, and a suggestion the user must accept", async () => {
    const { victim, v2 } = await impersonatingArchive();
    const { owner, issues } = await importAs(v2, { admin: false, userMapping: "placeholders" });
    const [issue] = issues;
    expect(issue!.authorId).not.toBe(victim.id);
    expect(issue!.assigneeId).not.toBe(victim.id);
    expect(issue!.notes.map((note) => note.authorId)).not.toContain(victim.id);
    const placeholder = await db.user.findUniqueOrThrow({ where: { id: issue!.authorId! } });
    expect(placeholder.kind).toBe("placeholder");
    expect(issue!.notes.every((note) => note.authorId === placeholder.id)).toBe(true);
    const namespace = await db.namespace.findUniqueOrThrow({ where: { ownerId: owner.user.id } });
    expect(await reassignmentSuggestions(namespace.id)).toEqual([expect.objectContaining({ placeholderId: placeholder.id, user: expect.objectContaining({ id: victim.id }) })]);
  });

  it("attributes them in the text in attribution mode, by account and by nickname alike", async () => {
    const { victim, v2, v1 } = await impersonatingArchive();
    for (const [index, archive] of [v2, v1].entries()) {
      const { owner, issues } = await importAs(archive, { admin: false, username: `maintainer${index}` });
      expect(issues.map((issue) => issue.authorId)).toEqual([owner.user.id]);
      expect(issues[0]!.description).toMatch(index === 0 ? /Created by: Root/ : /Created by: rootnick/);
      expect(issues[0]!.assigneeId).not.toBe(victim.id);
    }
  });

  it("maps linked users directly when an administrator imports it", async () => {
    const { victim, v2 } = await impersonatingArchive();
    const { issues } = await importAs(v2, { admin: true, userMapping: "placeholders" });
    expect(issues[0]!.authorId).toBe(victim.id);
    expect(issues[0]!.notes.map((note) => note.authorId)).toEqual([victim.id]);
  });
});

describe("re-running and cancelling", () => {
  it("re-running the same archive updates and never duplicates", { timeout: 60_000 }, async () => {
    const data = syntheticExport({ issues: 12, commentsPerIssue: 3 });
    data.attachments.push({ issue: 2, filename: "log.txt", path: "attachments/aaaa", user: "alice" }, { issue: 2, filename: "log.txt", path: "attachments/bbbb", user: "alice" });
    const archive = await archiveOf(data, { "attachments/aaaa": "first log", "attachments/bbbb": "second log" });
    const owner = await createUserWithProject("maintainer");
    const first = await startJob(archive, owner);
    await runArchiveJob(first.job.id);
    const before = await contentCounts(owner.project.id);
    expect(before).toMatchObject({ issues: 12, notes: 36, systemNotes: 4, attachments: 2 });
    const names = (await db.attachment.findMany({ where: { projectId: owner.project.id }, orderBy: { fileName: "asc" } })).map((row) => row.fileName);
    expect(names).toEqual(["log (2).txt", "log.txt"]);

    // Same archive again, then one with an edited comment and a new issue.
    const second = await startJob(archive, owner);
    await runArchiveJob(second.job.id);
    expect((await finished(second.job.id)).state).toBe("completed");
    expect(await contentCounts(owner.project.id)).toEqual(before);

    data.comments[0]!.content = "Edited comment";
    data.issues.push({ ...data.issues[0]!, id: 40, title: "Issue 40" });
    const third = await startJob(await archiveOf(data, { "attachments/aaaa": "first log", "attachments/bbbb": "second log" }), owner);
    await runArchiveJob(third.job.id);
    // Issue 40 is a copy of issue 1: resolved, so bug, priority::major and status::resolved.
    expect(await contentCounts(owner.project.id)).toEqual({ ...before, issues: 13, issueLabels: before.issueLabels + 3 });
    expect((await db.note.findFirstOrThrow({ where: { projectId: owner.project.id, sourceId: String(data.comments[0]!.id) } })).body).toContain("Edited comment");
  });

  it("a cancel takes effect before the next issue and leaves every imported issue complete", { timeout: 120_000 }, async () => {
    const data = syntheticExport({ issues: 1500, commentsPerIssue: 4 });
    const { job, project } = await startJob(await archiveOf(data));
    const running = runArchiveJob(job.id);
    for (;;) {
      const row = await db.archiveImportJob.findUniqueOrThrow({ where: { id: job.id } });
      if (((row.counts as { issues?: { imported?: number } }).issues?.imported ?? 0) > 0) break;
      if (row.state !== "queued" && row.state !== "running") throw new Error(`the job ended (${row.state}) before it could be canceled`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { user } = await db.archiveImportJob.findUniqueOrThrow({ where: { id: job.id }, include: { user: true } });
    await cancelArchiveJob({ id: user.id, username: user.username, name: user.name, email: null, image: null, isAdmin: false }, job.id);
    await running;
    const row = await finished(job.id);
    expect(row.state).toBe("canceled");
    const issues = await db.issue.findMany({ where: { projectId: project.id }, include: { _count: { select: { notes: true } } }, orderBy: { iid: "asc" } });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.length).toBeLessThan(1500);
    // Imported issues are the first ones, each with all its comments and system notes.
    expect(issues.map((issue) => issue.iid)).toEqual(issues.map((_, index) => index + 1));
    for (const issue of issues) expect(issue._count.notes, `#${issue.iid}`).toBe(4 + ((issue.iid - 1) % 3 === 0 ? 1 : 0));
    expect(row.messages.at(-1)!.message).toMatch(/Canceled; what was imported before the cancel is complete/);
    expect(await db.archiveImportJob.findUniqueOrThrow({ where: { id: job.id } }).then((r) => r.filePath)).toBeNull();
  });

  it("a queued job is canceled at once; an ended one cannot be", async () => {
    const { user, job } = await startJob(await archiveOf(syntheticExport({ issues: 1 })));
    const canceled = await cancelArchiveJob(user, job.id);
    expect(canceled.state).toBe("canceled");
    await runArchiveJob(job.id);
    expect((await finished(job.id)).state).toBe("canceled");
    await expect(cancelArchiveJob(user, job.id)).rejects.toMatchObject({ code: "job_finished", status: 409 });
  });
});

describe("attachments of the import page", () => {
  it("queues an issue job and a wiki job for a new project, checking everything first", async () => {
    const owner = await createUserWithProject("importer");
    const other = await createUserWithProject("other");
    const archive = await uploadFile(owner.user.id, await archiveOf(syntheticExport({ issues: 2 })));
    await expect(
      queueArchiveJobsForNewProject({ projectId: owner.project.id, userId: owner.user.id, attachments: { issuesArchiveUploadId: archive.id, wikiUrl: "file:///srv/wiki.git" } }),
    ).rejects.toMatchObject({ code: "remote_not_allowed" });
    const foreign = await uploadFile(other.user.id, await archiveOf(syntheticExport({ issues: 1 })));
    await expect(
      queueArchiveJobsForNewProject({ projectId: owner.project.id, userId: owner.user.id, attachments: { issuesArchiveUploadId: foreign.id } }),
    ).rejects.toMatchObject({ code: "upload_not_found" });
    expect(await db.archiveImportJob.count()).toBe(0);

    const jobs = await queueArchiveJobsForNewProject({
      projectId: owner.project.id,
      userId: owner.user.id,
      userMapping: "placeholders",
      attachments: { issuesArchiveUploadId: archive.id, wikiUrl: "https://bitbucket.org/acme/tracker.git/wiki" },
    });
    expect(jobs.map((job) => [job.kind, job.state, job.sourceUrl])).toEqual([
      ["bitbucket_issues", "queued", null],
      ["wiki", "queued", "https://bitbucket.org/acme/tracker.git/wiki"],
    ]);
    expect(jobs[0]!.options).toEqual({ userMapping: "placeholders" });
  });
});

describe("who may import", () => {
  it("needs Maintainer or above: a Developer is told, an outsider sees nothing", async () => {
    const owner = await createUserWithProject("owner");
    const archive = await archiveOf(syntheticExport({ issues: 1 }));
    const developer = await createUserWithProject("developer");
    await db.membership.create({ data: { userId: developer.user.id, namespaceId: owner.project.namespaceId, role: "developer" } });
    const upload = await uploadFile(developer.user.id, archive);
    await expect(startIssuesArchiveImport(developer.user, { projectId: owner.project.id, uploadId: upload.id })).rejects.toMatchObject({ code: "forbidden", status: 403 });
    const outsider = await createUserWithProject("outsider");
    const outsiderUpload = await uploadFile(outsider.user.id, archive);
    await expect(startIssuesArchiveImport(outsider.user, { projectId: owner.project.id, uploadId: outsiderUpload.id })).rejects.toMatchObject({ code: "not_found", status: 404 });
  });

  it("a job whose requester lost the right to import before it ran imports nothing", async () => {
    const owner = await createUserWithProject("owner");
    const maintainer = await createUserWithProject("maintainer");
    const membership = await db.membership.create({ data: { userId: maintainer.user.id, namespaceId: owner.project.namespaceId, role: "maintainer" } });
    const upload = await uploadFile(maintainer.user.id, await archiveOf(syntheticExport({ issues: 2 })));
    const job = await startIssuesArchiveImport(maintainer.user, { projectId: owner.project.id, uploadId: upload.id });
    await db.membership.delete({ where: { id: membership.id } });
    await runArchiveJob(job.id);
    expect(await finished(job.id)).toMatchObject({ state: "failed", error: "Project not found." });
    expect(await db.issue.count({ where: { projectId: owner.project.id } })).toBe(0);
  });

  it("an upload is usable only by whoever uploaded it", async () => {
    const owner = await createUserWithProject("owner");
    const other = await createUserWithProject("other");
    const upload = await uploadFile(other.user.id, await archiveOf(syntheticExport({ issues: 1 })));
    const error = await startIssuesArchiveImport(owner.user, { projectId: owner.project.id, uploadId: upload.id }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("upload_not_found");
  });
});

describe("in a job process", () => {
  it("runs the job in a process of its own and reports its peak memory", { timeout: 60_000 }, async () => {
    const { job, project } = await startJob(await archiveOf(syntheticExport({ issues: 5 })));
    const stats = await runArchiveJob(job.id, { isolated: true });
    expect(stats).toMatchObject({ exitCode: 0, maxRss: expect.any(Number) });
    expect(stats!.maxRss!).toBeGreaterThan(10 * 1024 * 1024);
    expect((await finished(job.id)).state).toBe("completed");
    expect(await db.issue.count({ where: { projectId: project.id } })).toBe(5);
  });

  it("a job process that dies leaves the job ended with a message, not running", { timeout: 60_000 }, async () => {
    const { job } = await startJob(await archiveOf(syntheticExport({ issues: 5 })));
    const saved = process.env.DATABASE_URL;
    // The child inherits a database it cannot reach, so it exits with an error at once.
    process.env.DATABASE_URL = "postgresql://nobody:wrong@127.0.0.1:1/none";
    try {
      const stats = await runArchiveJob(job.id, { isolated: true });
      expect(stats?.exitCode).not.toBe(0);
    } finally {
      process.env.DATABASE_URL = saved;
    }
    const row = await finished(job.id);
    expect(row.state).toBe("failed");
    expect(row.error).toMatch(/The import process stopped unexpectedly \(exit code \d+; possibly out of memory\)\. Nothing was imported\./);
  });
});

describe("on pg-boss", () => {
  it("waits while the project's Bitbucket import runs, then imports", { timeout: 90_000 }, async () => {
    await startArchiveWorkers();
    const owner = await createUserWithProject("maintainer");
    await db.projectImport.create({ data: { projectId: owner.project.id, source: "bitbucket_cloud", sourceRepository: "acme/tracker", userId: owner.user.id, status: "started" } });
    const { job } = await startJob(await archiveOf(syntheticExport({ issues: 3 })), owner);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await finished(job.id)).state).toBe("queued");
    await db.projectImport.update({ where: { projectId: owner.project.id }, data: { status: "finished" } });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await finished(job.id);
      if (row.state === "completed") break;
      if (Date.now() > deadline || !["queued", "running"].includes(row.state)) throw new Error(`job ${row.state}: ${row.error}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await db.issue.count({ where: { projectId: owner.project.id } })).toBe(3);
  });
});
