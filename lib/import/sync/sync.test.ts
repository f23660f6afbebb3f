import { describe, expect } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { listBranches, lfsStore, repositoryPath, runGit } from "@/lib/git";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { SHOWCASE_REPOSITORY } from "@/mocks/bitbucket";
import type { SandboxChange } from "@/mocks/bitbucket/changes";
import type { SandboxState } from "@/mocks/bitbucket/state";
import { createPersonalAccessToken } from "@/lib/tokens";
import { callApi, userWithToken } from "@/test/api";
import { cancelSyncBeforeItRuns, waitFor, waitForImport } from "@/test/import";
import { importTest as it } from "@/test/sandbox";
import { startBitbucketImport } from "../start";
import type { SourceActivity, SourceComment, SourcePullRequest } from "../sources/types";
import { cutOver, previewSync, setSyncSchedule, startSync } from "./control";
import { commentsFromActivity } from "./pull-requests";

function showcase(state: SandboxState) {
  const [workspace, slug] = SHOWCASE_REPOSITORY.split("/") as [string, string];
  return state.repository(workspace, slug)!;
}

function change(state: SandboxState, changes: SandboxChange[]) {
  return state.changeRepository(showcase(state), changes);
}

async function importShowcase(state: SandboxState, alice: SessionUser) {
  state.updateKnobs({ issuesRemoved: false });
  const started = await startBitbucketImport(alice, { repository: SHOWCASE_REPOSITORY });
  const row = await waitForImport(started.importId);
  expect(row.status).toBe("finished");
  return started;
}

async function waitForSync(syncId: number) {
  return waitFor(async () => {
    const sync = await db.projectSync.findUniqueOrThrow({ where: { id: syncId }, include: { counts: true } });
    return sync.status === "started" || sync.status === "scheduled" ? null : sync;
  }, 60_000, `sync ${syncId}`);
}

function countsOf(sync: { counts: Array<{ objectType: string; created: number; updated: number; removed: number; failed: number }> }) {
  return Object.fromEntries(sync.counts.map(({ objectType, created, updated, removed, failed }) => [objectType, { created, updated, removed, failed }]));
}

const apiRequestsSince = (state: SandboxState, since: number) => state.requests(since).filter((entry) => entry.path.startsWith("/2.0/"));

describe("syncing an imported project with its source", () => {
  it("brings every kind of change, in place, without touching what was created in Ferry", { timeout: 120_000 }, async ({ sandbox, alice }) => {
    const state = sandbox.state;
    const { importId, projectId } = await importShowcase(state, alice);
    const detail = state.detail(showcase(state));
    const [firstOfOne, secondOfOne] = detail.pullRequests.comments(1);
    const rootOfFive = detail.pullRequests.comments(5).find((comment) => comment.parent === null && !comment.deleted && !comment.pending)!;

    const mr5 = await db.mergeRequest.findUniqueOrThrow({ where: { projectId_iid: { projectId, iid: 5 } } });
    const ferryNote = await db.note.create({ data: { projectId, mergeRequestId: mr5.id, discussionId: "ferry-thread", body: "Written in Ferry", authorId: alice.id } });
    const ferryIssue = await db.issue.create({ data: { projectId, iid: 14, title: "Filed in Ferry", authorId: alice.id } });

    const applied = change(state, [
      { type: "comment", pull_request: 5, content: "A new comment after the import", user: "bob" },
      { type: "comment", pull_request: 5, content: "A reply after the import", user: "carol", parent: rootOfFive.id },
      { type: "approve", pull_request: 5, user: "bob" },
      { type: "edit_comment", pull_request: 1, comment: firstOfOne!.id, content: "Edited at the source" },
      { type: "delete_comment", pull_request: 1, comment: secondOfOne!.id },
      { type: "pull_request_state", pull_request: 9, state: "DECLINED", user: "carol" },
      { type: "edit_pull_request", pull_request: 7, title: "Warp drive, renamed" },
      { type: "pull_request", title: "Brand new after the import", user: "alice" },
      { type: "force_push", branch: "feature/abort-button-v2" },
      { type: "delete_branch", branch: "feature/abort-button" },
      { type: "push", branch: "develop", lfs: true },
      { type: "edit_issue", issue: 1, title: "Renamed at the source", state: "resolved" },
      { type: "issue_comment", issue: 2, content: "An issue comment after the import", user: "bob" },
      { type: "issue", title: "Collides with the Ferry issue" },
    ]);
    expect(applied.at(-1)).toEqual({ type: "issue", id: 14 });

    const preview = await previewSync(alice.id, importId);
    expect(preview.pullRequests).toEqual({ created: 1, updated: 4 });
    expect(preview.issues).toEqual({ created: 0, updated: 3 });
    expect(await db.projectSync.count()).toBe(0);

    const logStart = state.requestCount;
    const { id } = await startSync(importId, { trigger: "manual", userId: alice.id });
    const sync = await waitForSync(id);
    expect(sync.status).toBe("partial");
    expect((await db.projectImport.findUniqueOrThrow({ where: { id: importId } })).status).toBe("finished");
    const counts = countsOf(sync);
    expect(counts.pull_request).toEqual({ created: 1, updated: 4, removed: 0, failed: 0 });
    expect(counts.pull_request_note).toEqual({ created: 2, updated: 1, removed: 1, failed: 0 });
    expect(counts.branch).toEqual({ created: 1, updated: 2, removed: 1, failed: 0 });
    expect(counts.issue).toEqual({ created: 0, updated: 2, removed: 0, failed: 0 });
    expect(counts.lfs_object?.created).toBe(1);
    // The activity feed explained every changed pull request; only #5, whose head moved, had its comments read again (to place them on the new diff).
    const requests = apiRequestsSince(state, logStart);
    expect(requests.filter((entry) => /\/pullrequests\/\d+\/comments/.test(entry.path)).map((entry) => entry.path)).toEqual([`/2.0/repositories/${SHOWCASE_REPOSITORY}/pullrequests/5/comments`]);
    expect(requests.filter((entry) => entry.path.endsWith("/pullrequests/activity"))).toHaveLength(1);

    const notesOf = async (iid: number) =>
      db.note.findMany({ where: { mergeRequest: { projectId, iid } }, orderBy: { id: "asc" } });
    const five = await notesOf(5);
    const reply = five.find((note) => note.body.includes("A reply after the import"))!;
    const root = five.find((note) => note.sourceId === String(rootOfFive.id))!;
    expect(reply.discussionId).toBe(root.discussionId);
    expect(five.some((note) => note.body.includes("A new comment after the import"))).toBe(true);
    expect(await db.note.findUniqueOrThrow({ where: { id: ferryNote.id } })).toEqual(ferryNote);
    const one = await notesOf(1);
    expect(one.find((note) => note.sourceId === String(firstOfOne!.id))!.body).toContain("Edited at the source");
    expect(one.find((note) => note.sourceId === String(secondOfOne!.id))!.deletedAtSource).not.toBeNull();

    const mergeRequests = new Map((await db.mergeRequest.findMany({ where: { projectId }, include: { approvals: true } })).map((mr) => [mr.iid, mr]));
    expect(mergeRequests.get(9)!.state).toBe("closed");
    expect(mergeRequests.get(7)!.title).toBe("Warp drive, renamed");
    expect(mergeRequests.get(10)!.title).toBe("Brand new after the import");
    expect(mergeRequests.get(5)!.approvals.map((approval) => (approval.sourceUser as { username: string }).username).sort()).toEqual(["alice", "bob"]);

    const repoPath = repositoryPath(projectId);
    const branches = new Map((await listBranches(repoPath)).map((branch) => [branch.name, branch.sha]));
    const sourceGit = state.detail(showcase(state)).git;
    expect(branches.has("feature/abort-button")).toBe(false);
    expect(branches.get("feature/abort-button-v2")).toBe(sourceGit.sha(sourceGit.branches["feature/abort-button-v2"]!));
    const { stdout: head5 } = await runGit(["rev-parse", "refs/merge-requests/5/head"], { env: { GIT_DIR: repoPath }, cwd: repoPath });
    expect(head5.trim()).toBe(branches.get("feature/abort-button-v2"));
    const newObjects = await db.projectLfsObject.findMany({ where: { projectId } });
    for (const object of newObjects) expect(await lfsStore().has(object.oid)).toBe(true);

    const issues = new Map((await db.issue.findMany({ where: { projectId }, include: { notes: true } })).map((issue) => [issue.iid, issue]));
    expect(issues.get(1)).toMatchObject({ title: "Renamed at the source", state: "closed" });
    expect(issues.get(2)!.notes.some((note) => note.body.includes("An issue comment after the import"))).toBe(true);
    const { notes: _notes, ...untouched } = issues.get(14)!;
    expect(untouched).toEqual(ferryIssue);
    const failures = await db.importFailure.findMany({ where: { syncId: id } });
    expect(failures.map((failure) => [failure.objectType, failure.sourceId])).toEqual([["issue", "14"]]);

    // Nothing changed since: a sync costs a listing per type and one activity page, and changes nothing.
    const quietStart = state.requestCount;
    const quiet = await waitForSync((await startSync(importId, { trigger: "api", userId: alice.id })).id);
    expect(countsOf(quiet)).toEqual({});
    expect(apiRequestsSince(state, quietStart).length).toBeLessThanOrEqual(4);

    // Bitbucket removed issues: a sync leaves every issue as it is.
    state.updateKnobs({ issuesRemoved: true });
    const before = await db.issue.findMany({ where: { projectId }, orderBy: { iid: "asc" } });
    const afterRemoval = await waitForSync((await startSync(importId, { trigger: "api", userId: alice.id })).id);
    expect(afterRemoval.status).not.toBe("failed");
    expect(await db.issue.findMany({ where: { projectId }, orderBy: { iid: "asc" } })).toEqual(before);

    // Keep in sync, then cut over: the schedule is gone and no sync starts any more.
    expect((await setSyncSchedule(alice.id, importId, 15)).nextSyncAt).not.toBeNull();
    await cutOver(alice.id, importId);
    const cut = await db.projectImport.findUniqueOrThrow({ where: { id: importId } });
    expect(cut).toMatchObject({ syncIntervalMinutes: null, nextSyncAt: null });
    expect(cut.cutOverAt).not.toBeNull();
    await expect(startSync(importId, { trigger: "api", userId: alice.id })).rejects.toMatchObject({ code: "sync_cut_over" });
  });

  it("a canceled sync ends as canceled, and a sync that crashed mid-page resumes without duplicating", { timeout: 120_000 }, async ({ sandbox, alice }) => {
    const state = sandbox.state;
    const { importId, projectId } = await importShowcase(state, alice);
    change(state, [{ type: "comment", pull_request: 5, content: "Written while nobody synced", user: "bob" }]);

    expect((await cancelSyncBeforeItRuns(importId, alice.id)).status).toBe("canceled");
    expect((await db.projectImport.findUniqueOrThrow({ where: { id: importId } })).status).toBe("finished");

    // A worker that wrote the pull request page and died before moving the watermark: the sync
    // continues on restart, writes the page again and moves on, with no row written twice.
    await stopJobs();
    const crashed = await startSync(importId, { trigger: "manual", userId: alice.id });
    const { ImportContext } = await import("@/lib/import/pipeline/context");
    const { TextConverter } = await import("@/lib/import/pipeline/text");
    const { syncPullRequests } = await import("./pull-requests");
    const ctx = (await ImportContext.load(importId))!;
    const page = await ctx.source.pullRequestsPage(null);
    await syncPullRequests(ctx, crashed.id, await TextConverter.forImport(ctx, ctx.sourceRepository().webUrl), page.items.filter((pr) => pr.id === 5), null);
    const notesBefore = await db.note.count({ where: { projectId } });
    await startImportWorkers();
    const resumed = await waitForSync(crashed.id);
    expect(resumed.status).toBe("finished");
    expect(await db.note.count({ where: { projectId } })).toBe(notesBefore);
    expect(await db.note.count({ where: { projectId, body: { contains: "Written while nobody synced" } } })).toBe(1);
  });

  it("answers the sync API to who manages the import, and to nobody else", { timeout: 120_000 }, async ({ sandbox, alice }) => {
    const { importId, projectId } = await importShowcase(sandbox.state, alice);
    const { token } = await createPersonalAccessToken(alice.id, { name: "sync", scopes: ["api"] });
    const stranger = await userWithToken("stranger");
    const base = `/projects/${projectId}/import`;
    expect((await callApi("POST", `${base}/sync`, stranger.token)).status).toBe(404);

    const preview = await callApi("GET", `${base}/sync_preview`, token);
    expect(await preview.json()).toEqual({ pull_requests: { created: 0, updated: 0 }, issues: { created: 0, updated: 0 }, issues_note: null });
    const started = await callApi("POST", `${base}/sync`, token);
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: number };
    await waitForSync(id);
    const listResponse = await callApi("GET", `${base}/syncs`, token);
    const listed = (await listResponse.json()) as Array<{ id: number; status: string }>;
    expect(listed.map((sync) => [sync.id, sync.status])).toEqual([[id, "finished"]]);
    expect(await (await callApi("GET", `${base}/syncs/${id}`, token)).json()).toMatchObject({ id, status: "finished", stats: { created: {} }, failed_relations: [] });
    expect((await callApi("GET", `${base}/syncs/999999`, token)).status).toBe(404);

    const scheduled = (await (await callApi("PUT", `${base}/sync_schedule`, token, { interval_minutes: 30 })).json()) as { enabled: boolean; next_sync_at: string };
    expect(scheduled.enabled).toBe(true);
    expect(Date.parse(scheduled.next_sync_at)).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(await (await callApi("PUT", `${base}/sync_schedule`, token, { enabled: false })).json()).toEqual({ enabled: false, interval_minutes: null, next_sync_at: null });
    expect((await callApi("POST", `${base}/cut_over`, token)).status).toBe(200);
    expect((await callApi("POST", `${base}/sync`, token)).status).toBe(409);
    expect((await db.projectImport.findUniqueOrThrow({ where: { id: importId } })).cutOverAt).not.toBeNull();
  });
});

describe("commentsFromActivity", () => {
  const pullRequest = { updatedAt: "2026-12-01T10:00:05.000000+00:00" } as SourcePullRequest;
  const comment = (id: number, parentId: number | null = null): SourceComment => ({
    id,
    body: `comment ${id}`,
    author: null,
    parentId,
    inline: null,
    deleted: false,
    createdAt: "2026-12-01T10:00:00.000000+00:00",
    updatedAt: "2026-12-01T10:00:0" + id + ".000000+00:00",
    webUrl: null,
  });
  const entry = (item: SourceComment, complete = true): SourceActivity => ({ pullRequestId: 1, date: item.updatedAt, kind: "comment", comment: item, complete });

  it("takes the comments from the feed when it explains the pull request's last change", () => {
    expect(commentsFromActivity(pullRequest, [entry(comment(5)), entry(comment(4, 3))], new Set(["3"]))?.map((item) => item.id)).toEqual([5, 4]);
  });

  it("reads the comments again when an entry lacks fields, the feed ends before the last change, or a reply's parent is unknown", () => {
    expect(commentsFromActivity(pullRequest, [entry(comment(5), false)], new Set())).toBeNull();
    expect(commentsFromActivity(pullRequest, [entry(comment(4))], new Set())).toBeNull();
    expect(commentsFromActivity(pullRequest, [entry(comment(5, 3))], new Set())).toBeNull();
    expect(commentsFromActivity(pullRequest, [], new Set())).toBeNull();
  });
});
