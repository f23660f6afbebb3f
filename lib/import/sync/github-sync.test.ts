/**
 * Syncing a GitHub import through the real pipeline and the real GitHub sandbox server: the
 * showcase imported once, changes made at the sandbox (new, edited, state changes, labels,
 * comments edited and deleted, reviews edited and deleted, review comments deleted, collaborators,
 * branch protections, force push, deleted branch), syncs that bring them in
 * place with requests proportional to the change, never touching what was created in Ferry; a
 * canceled sync, and a sync that crashed mid-page and resumes without duplicating.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { listBranches, repositoryPath, runGit } from "@/lib/git";
import { ImportContext } from "@/lib/import/pipeline/context";
import { importCrossReferences } from "@/lib/import/pipeline/github/cross-references";
import { eventRows } from "@/lib/import/pipeline/github/notes";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { minimumSyncRequests, type GithubChange } from "@/mocks/github";
import { routeTemplate } from "@/mocks/github/state";
import { SHOWCASE_REPO_ID, useImportedGithubShowcase } from "@/test/github";
import { createGithubLinkedUser } from "@/test/github-accounts";
import { expectCanceledSync, waitForSync } from "@/test/import";
import { previewSync, startSync } from "./control";
import { syncGitHubIssueComments } from "./github";
import { readWatermark } from "./records";

const showcase = useImportedGithubShowcase(["bob"]);
const repo = () => showcase.sandbox.state.repositoryById(SHOWCASE_REPO_ID)!;
const content = () => showcase.sandbox.state.content(repo());
const change = (changes: GithubChange[]) => showcase.sandbox.state.changeRepository(repo(), changes);

async function syncAndWait() {
  const { id } = await startSync(showcase.imported.importId, { trigger: "manual", userId: showcase.imported.alice.id });
  return waitForSync(id);
}

/** API requests since a log index, by route template. */
function apiRequestsSince(since: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of showcase.sandbox.state.requests(since)) {
    const route = routeTemplate(entry.path);
    if (!route.includes("/repos/")) continue;
    counts[route] = (counts[route] ?? 0) + 1;
  }
  return counts;
}

const issue = (iid: number) => db.issue.findUniqueOrThrow({ where: { projectId_iid: { projectId: showcase.imported.projectId, iid } }, include: { labels: { include: { label: true } } } });
const mergeRequest = (iid: number) => db.mergeRequest.findUniqueOrThrow({ where: { projectId_iid: { projectId: showcase.imported.projectId, iid } }, include: { approvals: true } });
const notesWith = (text: string) => db.note.findMany({ where: { projectId: showcase.imported.projectId, body: { contains: text } } });
const countsOf = (sync: { counts: Array<{ objectType: string; created: number; updated: number; removed: number }> }) =>
  Object.fromEntries(sync.counts.map((count) => [count.objectType, { created: count.created, updated: count.updated, removed: count.removed }]));

describe("syncing a GitHub import", () => {
  it("brings new, edited, closed, merged, relabeled items, comments edited and deleted, reviews, a force push and a deleted branch, in place and once", { timeout: 180_000 }, async () => {
    const { projectId, alice } = showcase.imported;
    // Made in Ferry: an issue past GitHub's numbers and a comment on an imported issue.
    const issueOne = await issue(1);
    const ferryIssue = await db.issue.create({ data: { projectId, iid: 100, title: "Made in Ferry", description: "", authorId: alice.id, state: "opened" } });
    const ferryNote = await db.note.create({ data: { projectId, issueId: issueOne.id, discussionId: "ferry-note", body: "Written in Ferry", authorId: alice.id } });

    const [kept, edited, deleted] = [...content().issueComments.filter((comment) => comment.number === 1), ...content().issueComments.filter((comment) => comment.number === 8)];
    const applied = change([
      { type: "issue", title: "Filed after the import", body: "Found during the migration.", user: "bob", labels: ["bug"] },
      { type: "pull_request", title: "Opened after the import", source_branch: "release/1.x", user: "carol" },
      { type: "edit", number: 1, title: "Rocket drifts left on launch" },
      { type: "state", number: 3, state: "open", user: "carol" },
      { type: "label", number: 2, label: "bug", user: "alice" },
      { type: "comment", number: 1, body: "Still drifting after the import.", user: "bob" },
      { type: "edit_comment", comment: edited!.id, body: "Edited after the import." },
      { type: "delete_comment", comment: deleted!.id },
      { type: "force_push", branch: "feature/telemetry" },
      { type: "review", number: 7, state: "APPROVED", user: "bob" },
      { type: "review_comment", number: 7, body: "A review comment after the import.", path: "README.md", line: 1, user: "erin" },
      { type: "state", number: 7, state: "merged", user: "alice" },
      { type: "delete_branch", branch: "feature/abandoned" },
    ]);
    expect(applied.slice(0, 2)).toEqual([{ type: "issue", id: 9 }, { type: "pull_request", id: 10 }]);

    const preview = await previewSync(alice.id, showcase.imported.importId);
    expect(preview).toEqual({ pullRequests: { created: 1, updated: 1 }, issues: { created: 1, updated: 4 }, issuesNote: null });

    const since = (await readWatermark(showcase.imported.importId, "item")).since;
    const logIndex = showcase.sandbox.state.requestCount;
    const sync = await syncAndWait();
    const failures = await db.importFailure.findMany({ where: { importId: showcase.imported.importId, syncId: sync.id } });
    expect(sync.status, JSON.stringify([sync.error, failures])).toBe("finished");

    // Requests: the minimum for these changes (re-reading #8's comments, whose count fell, included).
    const requests = apiRequestsSince(logIndex);
    const made = Object.values(requests).reduce((sum, count) => sum + count, 0);
    const budget = minimumSyncRequests(showcase.sandbox.state, repo(), { since });
    expect(made, JSON.stringify([requests, budget.breakdown])).toBeLessThanOrEqual(budget.minimum);
    expect(requests["/repos/{owner}/{repo}/pulls/{number}/*"]).toBe(2);

    // New items, as the import would make them.
    expect(await issue(9)).toMatchObject({ title: "Filed after the import", state: "opened", importedFrom: "github" });
    expect((await issue(9)).labels.map((link) => link.label.title)).toEqual(["bug"]);
    expect(await mergeRequest(10)).toMatchObject({ title: "Opened after the import", state: "opened", sourceBranch: "release/1.x", targetBranch: "main" });

    // Changed items, in place.
    expect((await issue(1)).title).toBe("Rocket drifts left on launch");
    expect((await issue(1)).id).toBe(issueOne.id);
    expect((await issue(3)).state).toBe("opened");
    expect((await issue(2)).labels.map((link) => link.label.title)).toContain("bug");
    const seven = await mergeRequest(7);
    const telemetry = content().git;
    expect(seven).toMatchObject({ state: "merged", mergedById: alice.id, sourceSha: telemetry.sha(telemetry.branches["feature/telemetry"]!) });
    expect(seven.approvals.map((approval) => approval.sourceUserId)).toContain("1002");
    const repoPath = repositoryPath(projectId);
    const { stdout: head7 } = await runGit(["rev-parse", "refs/merge-requests/7/head"], { env: { GIT_DIR: repoPath }, cwd: repoPath });
    expect(head7.trim()).toBe(seven.sourceSha);

    // Comments: new once, edited in place, deleted marked and kept; review comment and events as notes.
    expect(await notesWith("Still drifting after the import.")).toHaveLength(1);
    const editedNote = await db.note.findFirstOrThrow({ where: { projectId, sourceId: String(edited!.id) } });
    expect(editedNote.body).toContain("Edited after the import.");
    expect((await db.note.findFirstOrThrow({ where: { projectId, sourceId: String(deleted!.id) } })).deletedAtSource).not.toBeNull();
    expect((await db.note.findFirstOrThrow({ where: { projectId, sourceId: String(kept!.id) } })).deletedAtSource).toBeNull();
    expect(await notesWith("A review comment after the import.")).toHaveLength(1);
    expect((await db.note.findMany({ where: { projectId, system: true, mergeRequestId: seven.id, body: { startsWith: "merged" } } })).length).toBe(1);
    expect((await db.note.findMany({ where: { projectId, system: true, issue: { iid: 3 }, body: { contains: "reopened" } } })).length).toBe(1);

    // Git: the force push and the deleted branch.
    const branches = new Map((await listBranches(repoPath)).map((branch) => [branch.name, branch.sha]));
    expect(branches.get("feature/telemetry")).toBe(seven.sourceSha);
    expect(branches.has("feature/abandoned")).toBe(false);
    expect(branches.has("main")).toBe(true);

    const counts = countsOf(sync);
    expect(counts.issue).toEqual({ created: 1, updated: 4, removed: 0 });
    expect(counts.pull_request).toEqual({ created: 1, updated: 1, removed: 0 });
    expect(counts.issue_note).toMatchObject({ updated: 1, removed: 1 });
    expect(counts.issue_note!.created).toBeGreaterThanOrEqual(1);
    expect(counts.branch).toMatchObject({ updated: 1, removed: 1 });

    // Made in Ferry: untouched.
    expect(await db.issue.findUniqueOrThrow({ where: { id: ferryIssue.id } })).toEqual(ferryIssue);
    expect(await db.note.findUniqueOrThrow({ where: { id: ferryNote.id } })).toEqual(ferryNote);

    // Nothing changed since: one page of each listing, nothing written twice.
    const notesBefore = await db.note.count({ where: { projectId } });
    const quietIndex = showcase.sandbox.state.requestCount;
    const quiet = await syncAndWait();
    expect(quiet.status).toBe("finished");
    const quietRequests = apiRequestsSince(quietIndex);
    expect(quietRequests["/repos/{owner}/{repo}/issues"]).toBe(1);
    expect(Object.values(quietRequests).reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(12);
    expect(await db.note.count({ where: { projectId } })).toBe(notesBefore);
    expect(await db.mergeRequest.count({ where: { projectId } })).toBe(5);
  });

  it("updates edited review bodies, marks deleted reviews and review comments, brings members and branch protections, and counts an unchanged release as nothing", { timeout: 120_000 }, async () => {
    const { projectId, importId, linked } = showcase.imported;
    const daniel = await createGithubLinkedUser("daniel");
    const editedReview = content().reviews.find((review) => review.body === "Approved with a suggestion.")!;
    const deletedReview = content().reviews.find((review) => review.body === "Nice catch.")!;
    const deletedReviewComment = content().reviewComments.find((comment) => comment.body.startsWith("Because the countdown"))!;
    const keptReviewComment = content().reviewComments.find((comment) => comment.body.startsWith("This removed line"))!;
    change([
      { type: "edit_review", review: editedReview.id, body: "Approved, suggestion taken." },
      { type: "delete_review", review: deletedReview.id },
      { type: "delete_review_comment", comment: deletedReviewComment.id },
      { type: "collaborator", login: "bob", permission: "maintain" },
      { type: "protection", branch: "main", rule: null },
      { type: "protection", branch: "release/1.x", rule: { required_approving_review_count: 1 } },
      { type: "protection", branch: "feature/telemetry", rule: { push_users: ["alice"] } },
    ]);

    const since = (await readWatermark(importId, "item")).since;
    const logIndex = showcase.sandbox.state.requestCount;
    const sync = await syncAndWait();
    expect(sync.status, sync.error ?? "").toBe("finished");
    const requests = apiRequestsSince(logIndex);
    const budget = minimumSyncRequests(showcase.sandbox.state, repo(), { since });
    expect(Object.values(requests).reduce((sum, count) => sum + count, 0), JSON.stringify([requests, budget.breakdown])).toBeLessThanOrEqual(budget.minimum);
    expect(budget.breakdown["GET /repos/{owner}/{repo}/pulls/{number}/comments"]).toBe(1);

    const note = (sourceId: string) => db.note.findFirstOrThrow({ where: { projectId, sourceId } });
    expect((await note(`review-${editedReview.id}`)).body).toContain("Approved, suggestion taken.");
    expect((await note(`review-${editedReview.id}`)).deletedAtSource).toBeNull();
    expect((await note(`review-${deletedReview.id}`)).deletedAtSource).not.toBeNull();
    expect((await note(`review-comment-${deletedReviewComment.id}`)).deletedAtSource).not.toBeNull();
    expect((await note(`review-comment-${keptReviewComment.id}`)).deletedAtSource).toBeNull();

    const role = async (userId: string) => (await db.projectMembership.findUnique({ where: { userId_projectId: { userId, projectId } } }))?.role;
    expect(await role(linked.bob!.id)).toBe("maintainer");
    expect(await role(daniel.id)).toBe("guest");
    const protections = new Map((await db.protectedBranch.findMany({ where: { projectId } })).map((row) => [row.name, row]));
    expect([...protections.keys()].sort()).toEqual(["feature/telemetry", "release/1.x"]);
    expect(protections.get("release/1.x")).toMatchObject({ pushAccessLevel: 0, mergeAccessLevel: 30, pushUsers: [] });
    expect(protections.get("feature/telemetry")!.pushUsers).toEqual([expect.objectContaining({ login: "alice" })]);

    const counts = countsOf(sync);
    expect(counts.pull_request_note).toMatchObject({ updated: 1, removed: 2 });
    expect(counts.collaborator).toEqual({ created: 1, updated: 1, removed: 0 });
    expect(counts.protected_branch).toEqual({ created: 1, updated: 1, removed: 1 });
    expect(counts.release).toBeUndefined();

    const quiet = await syncAndWait();
    expect(countsOf(quiet)).toEqual({});
  });

  it("a canceled sync ends as canceled, and a sync that crashed mid-page resumes without duplicating", { timeout: 180_000 }, async () => {
    const { projectId, alice, importId } = showcase.imported;
    change([{ type: "comment", number: 2, body: "Written while nobody synced", user: "bob" }]);

    await expectCanceledSync(importId, alice.id);

    // A worker that wrote the comment page and died before moving the watermark: the sync
    // continues on restart, writes the page again and moves on, with no row written twice.
    await stopJobs();
    const crashed = await startSync(importId, { trigger: "manual", userId: alice.id });
    const ctx = (await ImportContext.load(importId))!;
    const page = await ctx.github.issueCommentsUpdatedSince((await readWatermark(importId, "issue_comment")).since);
    await syncGitHubIssueComments(ctx, crashed.id, page.items);
    const notesBefore = await db.note.count({ where: { projectId } });
    await startImportWorkers();
    expect((await waitForSync(crashed.id)).status).toBe("finished");
    expect(await db.note.count({ where: { projectId } })).toBe(notesBefore);
    expect(await notesWith("Written while nobody synced")).toHaveLength(1);
  });

  it("makes the \"mentioned in\" notes of references in synced bodies and comments as a fresh import would, without reading timelines", { timeout: 120_000 }, async () => {
    const { projectId, importId, linked } = showcase.imported;
    const [newPull, comment, reviewComment] = change([
      { type: "pull_request", title: "Counts the drift", body: "Measures what #8 describes.", source_branch: "release/1.x", user: "bob" },
      { type: "comment", number: 2, body: "See #8 for the same drift.", user: "bob" },
      { type: "review_comment", number: 7, body: "Like #1, and #999 is no item.", path: "README.md", line: 1, user: "bob" },
    ]);
    const logIndex = showcase.sandbox.state.requestCount;
    const sync = await syncAndWait();
    expect(sync.status, sync.error ?? "").toBe("finished");
    expect(apiRequestsSince(logIndex)["/repos/{owner}/{repo}/issues/{number}/timeline"]).toBeUndefined();

    // What a fresh import writes: the referenced items' timelines as the sandbox serves them now, through the import's rows.
    const ctx = (await ImportContext.load(importId))!;
    const timelines = await Promise.all([8, 1].map(async (number) => (await ctx.github.crossReferences(number)).map((event) => ({ ...event, issue: { number } }))));
    const fresh = (await eventRows(ctx, timelines.flat())).rows;
    const fields = ["issueId", "mergeRequestId", "discussionId", "system", "body", "authorId", "createdAt", "updatedAt", "importedFrom", "sourceId", "sourceAuthor"] as const;
    const pick = (row: Record<string, unknown>) => Object.fromEntries(fields.map((field) => [field, row[field] ?? null]));
    const commentTime = (id: number) => [...content().issueComments, ...content().reviewComments].find((entry) => entry.id === id)!.created_at;
    expect(newPull).toEqual({ type: "pull_request", id: 11 });
    const mentions = [
      { from: 11, target: 8, body: "mentioned in !11", at: content().items.find((item) => item.number === 11)!.created_at },
      { from: 2, target: 8, body: "mentioned in #2", at: commentTime(comment!.id!) },
      { from: 7, target: 1, body: "mentioned in !7", at: commentTime(reviewComment!.id!) },
    ];
    for (const { from, target, body, at } of mentions) {
      const sourceId = `xref-${from}-${at}`;
      const expected = fresh.find((row) => row.sourceId === sourceId);
      expect(expected, `the sandbox's timeline of #${target} has the cross-reference`).toBeDefined();
      const synced = await db.note.findMany({ where: { projectId, sourceId } });
      expect(synced).toHaveLength(1);
      expect(pick(synced[0]!)).toEqual(pick(expected!));
      expect(synced[0]).toMatchObject({ system: true, body, authorId: linked.bob!.id, createdAt: new Date(at) });
    }

    // A quiet sync, and the import's own timeline stage over the same items, write no second note.
    const notesBefore = await db.note.count({ where: { projectId } });
    expect((await syncAndWait()).status).toBe("finished");
    await importCrossReferences(ctx, [8, 1]);
    expect(await db.note.count({ where: { projectId } })).toBe(notesBefore);
  });
});
