import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "@/test/db";
import type { SessionUser } from "@/lib/auth";
import { db, disconnectDb } from "@/lib/db";
import { projectRepositoryPath } from "@/lib/git";
import {
  countRefs,
  describePosition,
  getImportDetails,
  getMergeRequest,
  groupDiscussions,
  issueStateCounts,
  listIssues,
  listLabels,
  listMergeRequests,
  listMilestones,
  loadProjectForUser,
  mergeRequestDiscussions,
  PAGE_SIZE,
  parseIssueState,
  parseMergeRequestState,
  parseNotePosition,
  parsePage,
  personName,
  repositoryRefCounts,
} from "./queries";

beforeEach(resetDatabase);
afterAll(disconnectDb);

async function seedProject(options: { visibility?: "private" | "public"; fullPath?: string } = {}) {
  const alice = await db.user.create({ data: { username: "alice", name: "Alice Anders" } });
  const bob = await db.user.create({ data: { username: "bob", name: "Bob Brown" } });
  const carol = await db.user.create({ data: { username: "carol", name: "Carol Chen" } });
  const namespace = await db.namespace.create({ data: { kind: "group", name: "acme", path: "acme", fullPath: "acme" } });
  const project = await db.project.create({
    data: { namespaceId: namespace.id, name: "Rocket", path: "rocket", fullPath: options.fullPath ?? "acme/rocket", visibility: options.visibility ?? "private" },
  });
  return { alice, bob, carol, namespace, project };
}

function session(row: { id: string; username: string }): SessionUser {
  return { id: row.id, username: row.username, name: null, email: null, image: null, isAdmin: false };
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

describe("groupDiscussions", () => {
  const note = (id: number, discussionId: string, minute: number, position: unknown = null) => ({ id, discussionId, createdAt: at(minute), position });

  it("groups notes into threads ordered by their first note, replies oldest first", () => {
    const threads = groupDiscussions([note(5, "b", 3), note(1, "a", 1), note(4, "a", 4), note(2, "b", 2), note(3, "c", 2)]);
    expect(threads.map((thread) => [thread.id, thread.notes.map((n) => n.id)])).toEqual([
      ["a", [1, 4]],
      ["b", [2, 5]],
      ["c", [3]],
    ]);
  });

  it("breaks ties of equal times by id", () => {
    const threads = groupDiscussions([note(2, "x", 1), note(1, "x", 1), note(3, "y", 1)]);
    expect(threads.map((thread) => [thread.id, thread.notes.map((n) => n.id)])).toEqual([
      ["x", [1, 2]],
      ["y", [3]],
    ]);
  });

  it("takes the thread position from its first diff note", () => {
    const [thread] = groupDiscussions([note(1, "d", 1, { path: "src/app.ts", oldLine: null, newLine: 5 }), note(2, "d", 2)]);
    expect(thread!.position).toEqual({ path: "src/app.ts", oldLine: null, newLine: 5 });
    expect(groupDiscussions([note(1, "p", 1)])[0]!.position).toBeNull();
  });

  it("returns nothing for no notes", () => {
    expect(groupDiscussions([])).toEqual([]);
  });
});

describe("note positions", () => {
  it("reads {path, oldLine, newLine} and ignores anything unusable", () => {
    expect(parseNotePosition({ path: "a.ts", oldLine: 3, newLine: null })).toEqual({ path: "a.ts", oldLine: 3, newLine: null });
    expect(parseNotePosition({ path: "a.ts", newLine: "7" })).toEqual({ path: "a.ts", oldLine: null, newLine: 7 });
    expect(parseNotePosition({ oldLine: 1 })).toBeNull();
    expect(parseNotePosition(null)).toBeNull();
    expect(parseNotePosition("src/app.ts")).toBeNull();
    expect(parseNotePosition([1, 2])).toBeNull();
  });

  it("describes a position as file and line", () => {
    expect(describePosition({ path: "src/app.ts", oldLine: 4, newLine: 5 })).toBe("src/app.ts · line 5");
    expect(describePosition({ path: "src/app.ts", oldLine: 4, newLine: null })).toBe("src/app.ts · line 4 (removed)");
    expect(describePosition({ path: "README.md", oldLine: null, newLine: null })).toBe("README.md");
  });
});

describe("mergeRequestDiscussions", () => {
  it("loads a merge request's notes as threads: diff threads with replies, plain notes, system notes", async () => {
    const { alice, bob, carol, project } = await seedProject();
    const mergeRequest = await db.mergeRequest.create({
      data: { projectId: project.id, iid: 1, title: "Add launch", sourceBranch: "feature", targetBranch: "main", authorId: alice.id },
    });
    const base = { projectId: project.id, mergeRequestId: mergeRequest.id, importedFrom: "bitbucket" };
    await db.note.createMany({
      data: [
        { ...base, discussionId: "general", body: "Looks good", authorId: bob.id, createdAt: at(1), sourceId: "1" },
        {
          ...base,
          discussionId: "diff-1",
          type: "DiffNote",
          body: "Rename this",
          authorId: carol.id,
          createdAt: at(2),
          sourceId: "2",
          position: { path: "src/app.ts", oldLine: null, newLine: 5, baseSha: "a", headSha: "b" },
        },
        { ...base, discussionId: "system-1", body: "approved this merge request", system: true, authorId: bob.id, createdAt: at(3), sourceId: "3" },
        { ...base, discussionId: "diff-1", type: "DiffNote", body: "Done", authorId: alice.id, createdAt: at(4), sourceId: "4" },
      ],
    });

    const discussions = await mergeRequestDiscussions(mergeRequest.id);
    expect(discussions.map((discussion) => discussion.id)).toEqual(["general", "diff-1", "system-1"]);
    const diff = discussions[1]!;
    expect(diff.notes.map((note) => [note.body, note.author.username])).toEqual([
      ["Rename this", "carol"],
      ["Done", "alice"],
    ]);
    expect(diff.position && describePosition(diff.position)).toBe("src/app.ts · line 5");
    expect(discussions[0]!.position).toBeNull();
    expect(discussions[2]!.notes[0].system).toBe(true);
    expect(discussions[0]!.notes[0].importedFrom).toBe("bitbucket");
  });
});

describe("getMergeRequest", () => {
  it("includes reviewers, approvals in order, and merged by", async () => {
    const { alice, bob, carol, project } = await seedProject();
    const mergeRequest = await db.mergeRequest.create({
      data: {
        projectId: project.id,
        iid: 7,
        title: "Merge me",
        state: "merged",
        sourceBranch: "feature",
        targetBranch: "main",
        sourceFork: "bob/rocket",
        authorId: alice.id,
        mergedById: carol.id,
        mergedAt: at(30),
      },
    });
    await db.approval.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: "{c}", userId: carol.id, sourceUser: {}, approvedAt: at(20) } });
    await db.approval.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: "{b}", userId: bob.id, sourceUser: {}, approvedAt: at(10) } });
    await db.approval.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: "{d}", sourceUser: { display_name: "Dan Dev" }, approvedAt: at(25) } });
    await db.mergeRequestReviewer.create({ data: { mergeRequestId: mergeRequest.id, sourceUserId: "{b}", userId: bob.id, sourceUser: {} } });

    const loaded = await getMergeRequest(project.id, 7);
    expect(loaded?.approvals.map((approval) => personName(approval.user, approval.sourceUser))).toEqual(["Bob Brown", "Carol Chen", "Dan Dev"]);
    expect(loaded?.reviewers.map((reviewer) => reviewer.user?.username)).toEqual(["bob"]);
    expect(loaded?.mergedBy?.username).toBe("carol");
    expect(loaded?.sourceFork).toBe("bob/rocket");
    expect(await getMergeRequest(project.id, 8)).toBeNull();
  });
});

describe("loadProjectForUser", () => {
  it("returns the project with access for readers, and null for missing or unreadable projects alike", async () => {
    const { alice, namespace } = await seedProject();
    await db.membership.create({ data: { userId: alice.id, namespaceId: namespace.id, role: "developer" } });
    const stranger = await db.user.create({ data: { username: "stranger" } });

    const loaded = await loadProjectForUser(session(alice), "acme/rocket");
    expect(loaded?.project.fullPath).toBe("acme/rocket");
    expect(loaded?.access).toEqual({ canRead: true, canManage: false, role: "developer" });
    expect(await loadProjectForUser(session(stranger), "acme/rocket")).toBeNull();
    expect(await loadProjectForUser(null, "acme/rocket")).toBeNull();
    expect(await loadProjectForUser(session(alice), "acme/missing")).toBeNull();
  });

  it("finds a project whatever the case of its path", async () => {
    await seedProject({ visibility: "public", fullPath: "acme/Rocket" });
    expect((await loadProjectForUser(null, "ACME/rocket"))?.project.fullPath).toBe("acme/Rocket");
  });
});

describe("issues", () => {
  it("filters by state and pages 20 at a time, newest first", async () => {
    const { alice, project } = await seedProject();
    for (let iid = 1; iid <= 25; iid++) {
      await db.issue.create({
        data: { projectId: project.id, iid, title: `Issue ${iid}`, state: iid % 5 === 0 ? "closed" : "opened", authorId: alice.id, createdAt: at(iid) },
      });
    }
    expect(await issueStateCounts(project.id)).toEqual({ opened: 20, closed: 5, all: 25 });

    const first = await listIssues(project.id, { state: "all", page: 1 });
    expect(first.items).toHaveLength(PAGE_SIZE);
    expect(first.items[0]!.iid).toBe(25);
    expect(first).toMatchObject({ total: 25, page: 1, pageCount: 2 });
    const second = await listIssues(project.id, { state: "all", page: 2 });
    expect(second.items.map((issue) => issue.iid)).toEqual([5, 4, 3, 2, 1]);

    const closed = await listIssues(project.id, { state: "closed", page: 1 });
    expect(closed.items.map((issue) => issue.iid)).toEqual([25, 20, 15, 10, 5]);
    expect(closed.pageCount).toBe(1);
    expect((await listIssues(project.id, { state: "opened", page: 1 })).total).toBe(20);
  });

  it("includes labels sorted by title, the milestone and the assignee", async () => {
    const { alice, bob, project } = await seedProject();
    const milestone = await db.milestone.create({ data: { projectId: project.id, iid: 1, title: "v1" } });
    const bug = await db.label.create({ data: { projectId: project.id, title: "bug", color: "#ff0000" } });
    const priority = await db.label.create({ data: { projectId: project.id, title: "priority::major", color: "#00ff00" } });
    await db.issue.create({
      data: {
        projectId: project.id,
        iid: 1,
        title: "Broken",
        authorId: alice.id,
        assigneeId: bob.id,
        milestoneId: milestone.id,
        importedFrom: "bitbucket",
        labels: { create: [{ labelId: priority.id }, { labelId: bug.id }] },
      },
    });
    const [issue] = (await listIssues(project.id, { state: "opened", page: 1 })).items;
    expect(issue!.labels.map(({ label }) => label.title)).toEqual(["bug", "priority::major"]);
    expect(issue!.milestone?.title).toBe("v1");
    expect(issue!.assignee?.username).toBe("bob");
    expect(issue!.importedFrom).toBe("bitbucket");
  });
});

describe("merge request list", () => {
  it("filters by opened, merged, closed and all", async () => {
    const { alice, project } = await seedProject();
    const states = ["opened", "merged", "closed", "merged"] as const;
    for (const [index, state] of states.entries()) {
      await db.mergeRequest.create({
        data: { projectId: project.id, iid: index + 1, title: `MR ${index + 1}`, state, sourceBranch: "f", targetBranch: "main", authorId: alice.id, createdAt: at(index) },
      });
    }
    expect((await listMergeRequests(project.id, { state: "merged", page: 1 })).items.map((mr) => mr.iid)).toEqual([4, 2]);
    expect((await listMergeRequests(project.id, { state: "all", page: 1 })).total).toBe(4);
    expect((await listMergeRequests(project.id, { state: "opened", page: 1 })).items.map((mr) => mr.iid)).toEqual([1]);
  });
});

describe("labels and milestones", () => {
  it("counts issues per label and open/closed issues per milestone", async () => {
    const { alice, project } = await seedProject();
    const bug = await db.label.create({ data: { projectId: project.id, title: "bug", color: "#f00", description: "Broken things" } });
    await db.label.create({ data: { projectId: project.id, title: "idea", color: "#0f0" } });
    const v1 = await db.milestone.create({ data: { projectId: project.id, iid: 1, title: "v1" } });
    await db.milestone.create({ data: { projectId: project.id, iid: 2, title: "v2", state: "closed" } });
    for (const [iid, state] of [[1, "opened"], [2, "closed"], [3, "closed"]] as const) {
      await db.issue.create({
        data: { projectId: project.id, iid, title: `I${iid}`, state, authorId: alice.id, milestoneId: v1.id, labels: { create: iid < 3 ? [{ labelId: bug.id }] : [] } },
      });
    }
    expect((await listLabels(project.id)).map((label) => [label.title, label.issueCount, label.description])).toEqual([
      ["bug", 2, "Broken things"],
      ["idea", 0, null],
    ]);
    expect((await listMilestones(project.id)).map((m) => [m.title, m.state, m.openIssues, m.closedIssues])).toEqual([
      ["v1", "active", 1, 2],
      ["v2", "closed", 0, 0],
    ]);
  });
});

describe("getImportDetails", () => {
  it("orders progress by import order and lists unresolved failures first", async () => {
    const { alice, project } = await seedProject();
    const run = await db.projectImport.create({
      data: { projectId: project.id, source: "bitbucket_cloud", sourceRepository: "acme/rocket", userId: alice.id, status: "partial" },
    });
    await db.importProgress.createMany({
      data: [
        { importId: run.id, objectType: "issue", total: 3, fetched: 3, imported: 2, failed: 1 },
        { importId: run.id, objectType: "pull_request", total: 2, fetched: 2, imported: 2 },
        { importId: run.id, objectType: "repository", total: 1, fetched: 1, imported: 1 },
      ],
    });
    await db.importFailure.create({ data: { importId: run.id, stage: "issues", objectType: "issue", sourceId: "1", message: "old", resolvedAt: at(5), createdAt: at(1) } });
    await db.importFailure.create({ data: { importId: run.id, stage: "issues", objectType: "issue", sourceId: "2", message: "boom", createdAt: at(2) } });
    await db.importMessage.create({ data: { importId: run.id, severity: "warning", code: "issues_removed", message: "Some issues were removed" } });

    const details = await getImportDetails(project.id);
    expect(details?.progress.map((row) => row.objectType)).toEqual(["repository", "pull_request", "issue"]);
    expect(details?.failures.map((failure) => failure.message)).toEqual(["boom", "old"]);
    expect(details?.unresolvedFailures).toBe(1);
    expect(details?._count.failures).toBe(2);
    expect(details?.messages.map((message) => message.code)).toEqual(["issues_removed"]);
  });

  it("is null for a project that was not imported", async () => {
    const { project } = await seedProject();
    expect(await getImportDetails(project.id)).toBeNull();
  });
});

describe("repository ref counts", () => {
  it("counts branches and tags from for-each-ref output", () => {
    expect(countRefs("refs/heads/main\nrefs/heads/dev\nrefs/tags/v1\n")).toEqual({ branches: 2, tags: 1 });
    expect(countRefs("")).toEqual({ branches: 0, tags: 0 });
  });

  it("reads the bare repository under DATA_DIR and tolerates a missing one", async () => {
    expect(await repositoryRefCounts(424242)).toBeNull();

    const repository = projectRepositoryPath(424243);
    const work = mkdtempSync(path.join(os.tmpdir(), "ferry-refs-"));
    try {
      mkdirSync(path.dirname(repository), { recursive: true });
      execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", repository]);
      const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", `--git-dir=${repository}`, `--work-tree=${work}`, ...args], { stdio: "pipe" });
      writeFileSync(path.join(work, "README.md"), "hi\n");
      git("add", "README.md");
      git("commit", "-m", "first");
      git("branch", "develop");
      git("branch", "feature/x");
      git("tag", "v1.0");
      expect(await repositoryRefCounts(424243)).toEqual({ branches: 3, tags: 1 });
    } finally {
      rmSync(repository, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("URL parameters", () => {
  it("parses state and page with safe defaults", () => {
    expect(parseIssueState(undefined)).toBe("opened");
    expect(parseIssueState("closed")).toBe("closed");
    expect(parseIssueState(["all", "closed"])).toBe("all");
    expect(parseIssueState("merged")).toBe("opened");
    expect(parseMergeRequestState("merged")).toBe("merged");
    expect(parseMergeRequestState("nope")).toBe("opened");
    expect(parsePage("3")).toBe(3);
    expect(parsePage("0")).toBe(1);
    expect(parsePage("-2")).toBe(1);
    expect(parsePage("1e9")).toBe(1);
    expect(parsePage(undefined)).toBe(1);
  });
});
