import { describe, expect } from "vitest";
import { SHOWCASE_REPOSITORY, showcaseExpectations } from "@/mocks/bitbucket";
import { db } from "@/lib/db";
import { listBranches, listTags, lfsStore, repositoryPath } from "@/lib/git";
import { createLinkedUser } from "@/test/fixtures";
import { startBitbucketImport } from "../start";
import { waitForImport, type Sandbox } from "@/test/import";
import { importTest as it } from "@/test/sandbox";
import { reopenUnits, scheduleStage } from "./scheduler";

const expected = showcaseExpectations();

function signedInAlice(sandbox: Sandbox) {
  return createLinkedUser(sandbox.state, "alice");
}

async function contentCounts(projectId: number) {
  return {
    mergeRequests: await db.mergeRequest.count({ where: { projectId } }),
    issues: await db.issue.count({ where: { projectId } }),
    notes: await db.note.count({ where: { projectId } }),
    approvals: await db.approval.count({ where: { mergeRequest: { projectId } } }),
    labels: await db.label.count({ where: { projectId } }),
    milestones: await db.milestone.count({ where: { projectId } }),
  };
}

describe("importing the showcase repository", () => {
  it("brings over git data, wiki, LFS, pull requests with comments and approvals, and issues", { timeout: 120_000 }, async ({ sandbox }) => {
    sandbox.state.updateKnobs({ issuesRemoved: false });
    const alice = await signedInAlice(sandbox);
    const started = await startBitbucketImport(alice, { repository: SHOWCASE_REPOSITORY });
    const finished = await waitForImport(started.importId);
    const failures = await db.importFailure.findMany({ where: { importId: started.importId } });
    expect(failures).toEqual([]);
    expect(finished.status).toBe("finished");

    const project = await db.project.findUniqueOrThrow({ where: { id: started.projectId } });
    expect(project.fullPath).toBe("alice/rocket-launcher");
    expect(project.visibility).toBe("private");
    expect(project.defaultBranch).toBe(expected.mainbranch);
    expect(project.hasWiki).toBe(true);
    const { listWikiPages } = await import("@/lib/projects/wiki");
    expect((await listWikiPages(project.id))?.length).toBe(expected.wikiPages.length);

    const branches = Object.fromEntries((await listBranches(repositoryPath(project.id))).map((branch) => [branch.name, branch.sha]));
    expect(branches).toEqual(expected.branches);
    const tags = (await listTags(repositoryPath(project.id))).map((tag) => tag.name).sort();
    expect(tags).toEqual(Object.keys(expected.tags).sort());

    const lfs = await db.projectLfsObject.findMany({ where: { projectId: project.id } });
    expect(lfs.map((object) => object.oid).sort()).toEqual(expected.lfsObjects.map((object) => object.oid).sort());
    for (const object of expected.lfsObjects) expect(await lfsStore().has(object.oid)).toBe(true);

    const mergeRequests = await db.mergeRequest.findMany({
      where: { projectId: project.id },
      include: { approvals: true, notes: true, reviewers: true },
      orderBy: { iid: "asc" },
    });
    expect(mergeRequests.map((mr) => mr.iid)).toEqual(expected.pullRequests.map((pr) => pr.id));
    for (const pr of expected.pullRequests) {
      const mr = mergeRequests.find((candidate) => candidate.iid === pr.id)!;
      const state = pr.state === "MERGED" ? "merged" : pr.state === "OPEN" ? "opened" : "closed";
      expect(mr.state, `!${pr.id} state`).toBe(state);
      expect(mr.title).toBe(pr.title);
      expect(mr.importedFrom).toBe("bitbucket");
      expect(mr.notes.length, `!${pr.id} notes`).toBe(pr.commentCount);
      const approvers = mr.approvals.map((approval) => (approval.sourceUser as { username: string }).username).sort();
      expect(approvers, `!${pr.id} approvals`).toEqual([...pr.approvedBy].sort());
      expect(mr.reviewers.map((reviewer) => (reviewer.sourceUser as { username: string }).username).sort()).toEqual([...pr.reviewers].sort());
      if (pr.sourceCommitInRepository) expect(mr.sourceSha).toBe(pr.sourceCommit);
      else if (pr.mergeCommit) expect(mr.sourceSha).toBe(pr.mergeCommit);
      const authorIsAlice = pr.author === "alice";
      expect(mr.authorId).toBe(alice.id);
      expect(mr.description.startsWith("*Created by:"), `!${pr.id} attribution`).toBe(!authorIsAlice);
    }
    const diffNotes = mergeRequests.flatMap((mr) => mr.notes).filter((note) => note.type === "DiffNote");
    expect(diffNotes.length).toBeGreaterThan(0);
    for (const note of diffNotes) expect(note.position).toMatchObject({ path: expect.any(String) });

    const issues = await db.issue.findMany({ where: { projectId: project.id }, include: { labels: { include: { label: true } }, milestone: true }, orderBy: { iid: "asc" } });
    expect(issues.map((issue) => issue.iid)).toEqual(expected.issues.map((issue) => issue.id));
    for (const source of expected.issues) {
      const issue = issues.find((candidate) => candidate.iid === source.id)!;
      const closed = ["resolved", "invalid", "duplicate", "wontfix", "closed"].includes(source.state);
      expect(issue.state, `#${source.id} state`).toBe(closed ? "closed" : "opened");
      const labels = issue.labels.map((entry) => entry.label.title);
      expect(labels).toContain(source.kind);
      expect(labels).toContain(`priority::${source.priority}`);
      expect(issue.milestone?.title ?? null).toBe(source.milestone);
    }
  });

  it("records the removed issue tracker and the removed wiki as visible skips, not failures", { timeout: 120_000 }, async ({ sandbox }) => {
    sandbox.state.updateKnobs({ wikisRemoved: true });
    const alice = await signedInAlice(sandbox);
    const started = await startBitbucketImport(alice, { repository: SHOWCASE_REPOSITORY });
    const finished = await waitForImport(started.importId);
    expect(finished.status).toBe("finished");
    expect(await db.importFailure.count({ where: { importId: started.importId } })).toBe(0);
    const messages = await db.importMessage.findMany({ where: { importId: started.importId, severity: "info" }, orderBy: { code: "asc" } });
    expect(messages.map((message) => [message.severity, message.code, message.message])).toEqual([
      ["info", "issues_unavailable", "Issues skipped: Bitbucket no longer serves issues for this repository."],
      ["info", "wiki_unavailable", "Wiki skipped: Bitbucket no longer serves the wiki of this repository."],
    ]);
    const wiki = await db.importProgress.findUniqueOrThrow({ where: { importId_objectType: { importId: started.importId, objectType: "wiki" } } });
    expect(wiki).toMatchObject({ total: 1, imported: 0, failed: 0, skipped: 1 });
    expect(await db.issue.count({ where: { projectId: started.projectId } })).toBe(0);
    expect((await db.project.findUniqueOrThrow({ where: { id: started.projectId } })).hasWiki).toBe(false);
  });

  it("never duplicates when stages run again", { timeout: 120_000 }, async ({ sandbox }) => {
    sandbox.state.updateKnobs({ issuesRemoved: false });
    const alice = await signedInAlice(sandbox);
    const started = await startBitbucketImport(alice, { repository: SHOWCASE_REPOSITORY });
    await waitForImport(started.importId);
    const before = await contentCounts(started.projectId);

    // Replay the pull request and issue stages as a resumed worker would.
    await db.$transaction((tx) => reopenUnits(tx, started.importId, ["pull_requests", "pull_request_notes", "issues", "issue_notes", "lfs_objects", "finish"]));
    await db.projectImport.update({ where: { id: started.importId }, data: { status: "started", stage: "pull_requests", finishedAt: null } });
    await scheduleStage(started.importId, "pull_requests");
    const again = await waitForImport(started.importId);
    expect(again.status).toBe("finished");
    expect(await contentCounts(started.projectId)).toEqual(before);
  });

  it("cancels at a checkpoint and leaves consistent data", { timeout: 120_000 }, async ({ sandbox }) => {
    sandbox.state.updateKnobs({ issuesRemoved: false, latencyMs: 300 });
    const alice = await signedInAlice(sandbox);
    const started = await startBitbucketImport(alice, { repository: SHOWCASE_REPOSITORY });
    // Cancel once merge requests are being written, with their comments and the issues still to come.
    for (;;) {
      if ((await db.mergeRequest.count({ where: { projectId: started.projectId } })) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await db.projectImport.update({ where: { id: started.importId }, data: { cancelRequestedAt: new Date() } });
    const finished = await waitForImport(started.importId);
    expect(finished.status).toBe("canceled");
    // Nothing is half-written: a merge request comes with its reviewers and approvals, and an
    // issue or merge request has all of its comments or none yet.
    const expectedById = new Map(expected.pullRequests.map((pr) => [pr.id, pr]));
    const mergeRequests = await db.mergeRequest.findMany({ where: { projectId: started.projectId }, include: { approvals: true, reviewers: true, _count: { select: { notes: true } } } });
    expect(mergeRequests.length).toBeGreaterThan(0);
    for (const mr of mergeRequests) {
      const source = expectedById.get(mr.iid)!;
      expect(mr.approvals.length).toBe(source.approvedBy.length);
      expect(mr.reviewers.length).toBe(source.reviewers.length);
      expect([0, source.commentCount]).toContain(mr._count.notes);
    }
    const issues = await db.issue.findMany({ where: { projectId: started.projectId }, include: { labels: true, _count: { select: { notes: true } } } });
    expect(issues.length).toBeLessThan(expected.issues.length);
    for (const issue of issues) expect(issue.labels.length).toBeGreaterThan(0);
    // Nothing moves after the cancel.
    const notes = await db.note.count({ where: { projectId: started.projectId } });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await db.note.count({ where: { projectId: started.projectId } })).toBe(notes);
  });
});

describe("retrying failed items", () => {
  it("re-runs the failed stages and ends finished with the ledger resolved", { timeout: 120_000 }, async ({ sandbox }) => {
    sandbox.state.updateKnobs({ issuesRemoved: false });
    const alice = await signedInAlice(sandbox);
    const started = await startBitbucketImport(alice, { repository: SHOWCASE_REPOSITORY });
    await waitForImport(started.importId);
    const before = await contentCounts(started.projectId);
    // Simulate an item that failed: its row is missing and the ledger names it.
    const lost = await db.mergeRequest.findFirstOrThrow({ where: { projectId: started.projectId, iid: 1 } });
    await db.mergeRequest.delete({ where: { id: lost.id } });
    await db.importFailure.create({ data: { importId: started.importId, stage: "pull_requests", objectType: "pull_request", sourceId: "1", message: "simulated" } });
    await db.projectImport.update({ where: { id: started.importId }, data: { status: "partial" } });

    const { retryFailedItems } = await import("../control");
    await retryFailedItems(alice.id, started.importId);
    const after = await waitForImport(started.importId);
    expect(after.status).toBe("finished");
    expect(await db.importFailure.count({ where: { importId: started.importId, resolvedAt: null } })).toBe(0);
    expect(await contentCounts(started.projectId)).toEqual(before);
    const progress = await db.importProgress.findUniqueOrThrow({ where: { importId_objectType: { importId: started.importId, objectType: "pull_request" } } });
    expect(progress.imported).toBe(expected.pullRequests.length);
  });
});

describe("an unreliable Bitbucket", () => {
  async function importShowcase(sandbox: Sandbox) {
    const alice = await signedInAlice(sandbox);
    const started = await startBitbucketImport(alice, { repository: SHOWCASE_REPOSITORY });
    const finished = await waitForImport(started.importId, 170_000);
    return { started, finished };
  }

  async function expectComplete(started: { projectId: number; importId: number }) {
    expect(await db.importFailure.findMany({ where: { importId: started.importId } })).toEqual([]);
    const counts = await contentCounts(started.projectId);
    expect(counts.mergeRequests).toBe(expected.pullRequests.length);
    expect(counts.issues).toBe(expected.issues.length);
    const notes = await db.note.count({ where: { projectId: started.projectId, mergeRequestId: { not: null } } });
    expect(notes).toBe(expected.pullRequests.reduce((sum, pr) => sum + pr.commentCount, 0));
    expect(counts.approvals).toBe(expected.pullRequests.reduce((sum, pr) => sum + pr.approvedBy.length, 0));
  }

  it("waits out 429s (30% of requests, X-RateLimit-Reset) and loses nothing", { timeout: 180_000 }, async ({ sandbox }) => {
    sandbox.state.updateKnobs({ issuesRemoved: false, rateLimit429Ratio: 0.3, rateLimitResetSeconds: 1, seed: 7 });
    const { started, finished } = await importShowcase(sandbox);
    expect(finished.status).toBe("finished");
    await expectComplete(started);
    expect(sandbox.state.requests(0).filter((request) => request.status === 429).length).toBeGreaterThan(5);
  });

  it("retries 500s (5% of requests) and loses nothing", { timeout: 180_000 }, async ({ sandbox }) => {
    sandbox.state.updateKnobs({ issuesRemoved: false, error5xxRatio: 0.05, seed: 11 });
    const { started, finished } = await importShowcase(sandbox);
    expect(finished.status).toBe("finished");
    await expectComplete(started);
  });

  it("refreshes 5-second tokens mid-import, as often as needed, and loses nothing", { timeout: 180_000 }, async ({ sandbox }) => {
    const lifetimeSeconds = 5;
    // Two seconds per API request: the import outlives several tokens, so it must refresh while it runs.
    sandbox.state.updateKnobs({ issuesRemoved: false, tokenLifetimeSeconds: lifetimeSeconds, latencyMs: 2_000 });
    const { started, finished } = await importShowcase(sandbox);
    expect(finished.status).toBe("finished");
    await expectComplete(started);
    const importSeconds = (finished.finishedAt!.getTime() - finished.startedAt!.getTime()) / 1000;
    expect(importSeconds).toBeGreaterThan(3 * lifetimeSeconds);

    const log = sandbox.state.requests(0);
    const refreshes = log.filter((request) => request.path === "/site/oauth2/access_token" && request.status === 200);
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    // Ferry believed the first token had an hour left: Bitbucket's refusal (API or git) made it refresh ...
    expect(log.some((request) => request.status === 401)).toBe(true);
    // ... and refreshes kept coming while the import ran, not only at its start.
    const refreshedAt = refreshes.map((request) => Date.parse(request.at));
    expect(Math.max(...refreshedAt) - Math.min(...refreshedAt)).toBeGreaterThanOrEqual(2 * lifetimeSeconds * 1000);
    // Git and LFS, at the end, used a token refreshed long after the first one expired.
    expect(await db.projectLfsObject.count({ where: { projectId: started.projectId } })).toBe(expected.lfsObjects.length);
  });

  it("ends partial, with the item in the ledger, when one item really fails", { timeout: 180_000 }, async ({ sandbox }) => {
    const broken = expected.pullRequests.find((pr) => pr.commentCount > 0)!;
    sandbox.state.updateKnobs({ brokenPaths: [`/pullrequests/${broken.id}/comments$`] });
    const { started, finished } = await importShowcase(sandbox);
    expect(finished.status).toBe("partial");
    const failures = await db.importFailure.findMany({ where: { importId: started.importId } });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ objectType: "pull_request_note", sourceId: `pull_request:${broken.id}` });
    // The issue tracker's removal is a skip, not a failure.
    const messages = await db.importMessage.findMany({ where: { importId: started.importId } });
    expect(messages.some((message) => /no longer serves issues/.test(message.message))).toBe(true);
    expect(await db.mergeRequest.count({ where: { projectId: started.projectId } })).toBe(expected.pullRequests.length);
  });
});
