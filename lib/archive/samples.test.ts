import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopJobs } from "@/lib/jobs";
import { resetDatabase } from "@/test/db";
import { runArchiveJob, startIssuesArchiveImport } from "./jobs";
import { createLinkedFerryUser, createUserWithProject, uploadFile } from "@/test/archive";

/**
 * The real exports in ../shared/samples/bitbucket-issue-exports, imported end to end. Expected
 * values come from each archive's own JSON (read here with unzip and JSON.parse, not with the
 * importer's reader).
 */

const SAMPLES = path.resolve("../shared/samples/bitbucket-issue-exports");
const available = existsSync(SAMPLES);
if (!available) console.warn(`[samples.test] ${SAMPLES} is missing: the real-archive tests are skipped`);

type RawUser = string | { display_name?: string; account_id?: string } | null;
type RawExport = {
  issues: Array<{ id: number; created_on: string; status: string; kind: string; priority: string; component: string | null; version: string | null; milestone: string | null; reporter: RawUser; assignee: RawUser; voters: RawUser[]; watchers: RawUser[]; title: string }>;
  comments: Array<{ id: number; issue: number; content: string | null; user: RawUser; created_on: string }>;
  logs: Array<{ issue: number; field: string; changed_from: string; changed_to: string; user: RawUser }>;
  attachments: Array<{ issue: number; path: string; filename: string }>;
};

function readExport(zip: string, entry: string): RawExport {
  return JSON.parse(execFileSync("unzip", ["-p", "--", zip, entry], { maxBuffer: 64 * 1024 * 1024 }).toString("utf8")) as RawExport;
}

function zipEntries(zip: string): Set<string> {
  return new Set(execFileSync("unzip", ["-Z1", "--", zip]).toString("utf8").split("\n").filter(Boolean));
}

const CLOSED = ["resolved", "invalid", "duplicate", "wontfix", "closed"];

function expectedLabels(issue: RawExport["issues"][number]): string[] {
  const labels = [issue.kind];
  if (issue.priority) labels.push(`priority::${issue.priority}`);
  if (issue.component) labels.push(`component::${issue.component}`);
  if (issue.version) labels.push(`version::${issue.version}`);
  if (!["new", "open"].includes(issue.status)) labels.push(`status::${issue.status}`);
  return labels.sort();
}

function accountOf(user: RawUser): string | null {
  if (!user) return null;
  return typeof user === "string" ? user : (user.account_id ?? null);
}

async function importSample(file: string, linked: Array<{ username: string; accountId?: string; nickname?: string }>, userMapping?: "attribution" | "placeholders") {
  // An administrator's import: linked Bitbucket accounts map to their Ferry users directly.
  const { user, project } = await createUserWithProject("importer", { admin: true });
  const mapped = new Map<string, string>();
  for (const [index, entry] of linked.entries()) {
    const ferryUser = await createLinkedFerryUser(entry.username, { uuid: `{00000000-0000-4000-8000-00000000000${index}}`, accountId: entry.accountId, nickname: entry.nickname });
    mapped.set(entry.accountId ?? entry.nickname!, ferryUser.id);
  }
  const upload = await uploadFile(user.id, path.join(SAMPLES, file));
  const job = await startIssuesArchiveImport(user, { projectId: project.id, uploadId: upload.id, userMapping });
  await runArchiveJob(job.id);
  const finished = await db.archiveImportJob.findUniqueOrThrow({ where: { id: job.id }, include: { messages: { orderBy: { id: "asc" } } } });
  return { user, project, mapped, job: finished };
}

async function checkAgainstExport(file: string, entry: string, result: Awaited<ReturnType<typeof importSample>>) {
  const zip = path.join(SAMPLES, file);
  const data = readExport(zip, entry);
  const present = zipEntries(zip);
  const { project, mapped, user } = result;
  const issues = await db.issue.findMany({
    where: { projectId: project.id },
    include: { labels: { include: { label: true } }, notes: true, attachments: true },
    orderBy: { iid: "asc" },
  });

  expect(result.job.state, result.job.messages.map((message) => message.message).join("\n")).toBe("completed");
  expect(issues.map((issue) => issue.iid)).toEqual(data.issues.map((issue) => issue.id).sort((a, b) => a - b));

  const visibleComments = data.comments.filter((comment) => comment.content !== null && comment.content.trim() !== "");
  const notes = issues.flatMap((issue) => issue.notes);
  expect(notes.filter((note) => !note.system)).toHaveLength(visibleComments.length);
  expect(notes.filter((note) => note.system)).toHaveLength(data.logs.length);
  const presentAttachments = data.attachments.filter((attachment) => present.has(attachment.path));
  expect(issues.flatMap((issue) => issue.attachments)).toHaveLength(presentAttachments.length);

  for (const source of data.issues) {
    const issue = issues.find((candidate) => candidate.iid === source.id)!;
    expect(issue.state, `#${source.id} state`).toBe(CLOSED.includes(source.status) ? "closed" : "opened");
    expect(issue.labels.map((entry) => entry.label.title).sort(), `#${source.id} labels`).toEqual(expectedLabels(source));
    expect(issue.upvotes).toBe(source.voters.length);
    expect((issue.watchers as unknown[]).length).toBe(source.watchers.length);
    expect(issue.importedFrom).toBe("bitbucket");
    expect(issue.createdAt.toISOString(), `#${source.id} created`).toBe(new Date(source.created_on.replace(/(\.\d{3})\d+/, "$1")).toISOString());
    expect(issue.sourceId).toBe(String(source.id));
    const reporter = accountOf(source.reporter);
    const reporterUserId = reporter ? mapped.get(reporter) : undefined;
    expect(issue.authorId, `#${source.id} author`).toBe(reporterUserId ?? user.id);
    expect(issue.description.startsWith("*Created by:"), `#${source.id} attribution`).toBe(!reporterUserId);
    if (!source.reporter) expect(issue.description.startsWith("*Created by: Anonymous*")).toBe(true);
    const assignee = accountOf(source.assignee);
    expect(issue.assigneeId).toBe((assignee && mapped.get(assignee)) ?? null);

    const comments = visibleComments.filter((comment) => comment.issue === source.id);
    const issueNotes = issue.notes.filter((note) => !note.system);
    expect(issueNotes.map((note) => note.sourceId).sort()).toEqual(comments.map((comment) => String(comment.id)).sort());
    for (const comment of comments) {
      const note = issueNotes.find((candidate) => candidate.sourceId === String(comment.id))!;
      const commenter = accountOf(comment.user);
      expect(note.authorId).toBe((commenter && mapped.get(commenter)) ?? user.id);
      expect(note.createdAt.toISOString()).toBe(new Date(comment.created_on.replace(/(\.\d{3})\d+/, "$1")).toISOString());
    }
    expect(issue.notes.filter((note) => note.system)).toHaveLength(data.logs.filter((log) => log.issue === source.id).length);
  }
  return { data, issues };
}

beforeEach(resetDatabase);
afterAll(stopJobs);

describe.skipIf(!available)("real Bitbucket exports", () => {
  it("quest-2020: db-2.0 with account users, attachments, stub comments and status logs", { timeout: 60_000 }, async () => {
    const kevin = "557058:75d9630a-689f-4e0e-a6dd-6368bb668f02";
    const result = await importSample("quest-2020.zip", [{ username: "kevin", accountId: kevin }]);
    const { data, issues } = await checkAgainstExport("quest-2020.zip", "db-2.0.json", result);
    expect(result.job.messages.some((message) => message.message.includes("Read db-2.0.json"))).toBe(true);

    // Attachments: the db-2.0 blobs only, with their original names, sizes and image types.
    const attachments = issues.flatMap((issue) => issue.attachments);
    expect(attachments.map((attachment) => attachment.originalName).sort()).toEqual(data.attachments.map((attachment) => attachment.filename).sort());
    const sizes = Object.fromEntries(execFileSync("unzip", ["-Zl", "--", path.join(SAMPLES, "quest-2020.zip")]).toString("utf8").split("\n").map((line) => line.trim().split(/\s+/)).filter((parts) => parts.length >= 10).map((parts) => [parts.at(-1)!, Number(parts[3])]));
    for (const source of data.attachments) {
      const stored = attachments.find((attachment) => attachment.originalName === source.filename)!;
      expect(Number(stored.size)).toBe(sizes[source.path]);
      expect(stored.contentType).toBe("image/png");
    }

    // A status log becomes "changed status from new to resolved" by the mapped user.
    const statusLog = data.logs.find((log) => log.field === "status" && log.changed_from === "new" && log.changed_to === "resolved")!;
    const issue = issues.find((candidate) => candidate.iid === statusLog.issue)!;
    const systemNote = issue.notes.find((note) => note.system && note.body === "changed status from new to resolved");
    expect(systemNote?.authorId).toBe(result.mapped.get(kevin));
    // The one `responsible` log names a raw username even in db-2.0.
    const responsible = data.logs.find((log) => log.field === "responsible")!;
    const assigned = issues.find((candidate) => candidate.iid === responsible.issue)!;
    expect(assigned.notes.some((note) => note.body === `changed assignee to ${responsible.changed_to}`)).toBe(true);
  });

  it("gdc-2014: db-1.0 usernames, anonymous users and missing attachment blobs are warnings, not failures", { timeout: 120_000 }, async () => {
    const result = await importSample("gdc-2014.zip", [{ username: "iain", nickname: "ibuclaw" }]);
    const { data, issues } = await checkAgainstExport("gdc-2014.zip", "db-1.0.json", result);
    const warnings = result.job.messages.filter((message) => message.severity === "warning").map((message) => message.message);
    expect(warnings.filter((message) => /attachment .* is not in the archive/.test(message)).length).toBeGreaterThan(0);
    expect(warnings.some((message) => /and \d+ more messages like the ones above \(attachment_missing\)/.test(message))).toBe(true);
    expect(warnings.some((message) => /have no user in the export; they are attributed to "Anonymous"/.test(message))).toBe(true);
    const counts = result.job.counts as { attachments: { missing: number; total: number }; issues: { failed: number } };
    expect(counts.attachments).toMatchObject({ total: data.attachments.length, missing: data.attachments.length });
    expect(counts.issues.failed).toBe(0);
    expect(result.job.messages.filter((message) => message.severity === "error")).toEqual([]);

    // "None" is read as empty: `responsible` from None to ibuclaw.
    const noneLog = data.logs.find((log) => log.field === "responsible" && log.changed_from === "None")!;
    const issue = issues.find((candidate) => candidate.iid === noneLog.issue)!;
    expect(issue.notes.some((note) => note.system && note.body === `changed assignee to ${noneLog.changed_to}`)).toBe(true);
    // Anonymous commenters keep an "Anonymous" attribution.
    const anonymous = data.comments.find((comment) => comment.user === null && comment.content?.trim())!;
    const note = await db.note.findFirstOrThrow({ where: { sourceId: String(anonymous.id) } });
    expect(note.body.startsWith("*Created by: Anonymous*")).toBe(true);
    // `{{{ #!d … }}}` code blocks became fenced D code.
    const withCode = data.comments.find((comment) => comment.content?.includes("{{{\r\n#!d") || comment.content?.includes("{{{\n#!d"));
    if (withCode) expect((await db.note.findFirstOrThrow({ where: { sourceId: String(withCode.id) } })).body).toMatch(/```d\n/);
  });

  it("financial-equalizer-2022: Cyrillic text, voters, commit references", { timeout: 60_000 }, async () => {
    const result = await importSample("financial-equalizer-2022.zip", []);
    const { data, issues } = await checkAgainstExport("financial-equalizer-2022.zip", "db-2.0.json", result);
    const cyrillic = data.issues.find((issue) => /[А-я]/.test(issue.title))!;
    expect(issues.find((issue) => issue.iid === cyrillic.id)!.title).toBe(cyrillic.title);
    const cset = data.comments.find((comment) => comment.content?.includes("<<cset 580da529e681>>"))!;
    const note = await db.note.findFirstOrThrow({ where: { sourceId: String(cset.id) } });
    expect(note.body).toContain("[580da529e681](http://localhost:3000/importer/tracker/-/commit/580da529e681)");
    expect(note.body).not.toContain("<<cset");
  });

  it("placeholders: db-2.0 users not linked to Ferry become placeholder users, db-1.0 usernames are attributed", { timeout: 120_000 }, async () => {
    const result = await importSample("financial-equalizer-2022.zip", [], "placeholders");
    const data = readExport(path.join(SAMPLES, "financial-equalizer-2022.zip"), "db-2.0.json");
    const people = new Set([...data.issues.map((issue) => accountOf(issue.reporter)), ...data.comments.map((comment) => accountOf(comment.user)), ...data.logs.map((log) => accountOf(log.user))].filter((id): id is string => id !== null));
    const placeholders = await db.user.findMany({ where: { kind: "placeholder" }, select: { id: true, placeholderSource: true } });
    expect(placeholders.map((placeholder) => (placeholder.placeholderSource as { accountId: string }).accountId).sort()).toEqual([...people].sort());
    const byAccount = new Map(placeholders.map((placeholder) => [(placeholder.placeholderSource as { accountId: string }).accountId, placeholder.id]));
    const issues = await db.issue.findMany({ where: { projectId: result.project.id } });
    for (const source of data.issues) {
      const issue = issues.find((candidate) => candidate.iid === source.id)!;
      expect(issue.authorId).toBe(byAccount.get(accountOf(source.reporter)!));
      expect(issue.description.startsWith("*Created by:")).toBe(false);
    }

    await resetDatabase();
    const gdc = await importSample("gdc-2014.zip", [], "placeholders");
    expect(await db.user.count({ where: { kind: "placeholder" } })).toBe(0);
    expect(gdc.job.messages.some((message) => /by username only \(db-1\.0\)/.test(message.message))).toBe(true);
    const attributed = await db.issue.count({ where: { projectId: gdc.project.id, description: { startsWith: "*Created by:" } } });
    expect(attributed).toBe(await db.issue.count({ where: { projectId: gdc.project.id } }));
  });
});
