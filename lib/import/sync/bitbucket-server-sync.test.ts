/**
 * Syncing a Bitbucket Server import through the real pipeline and the real sandbox server: one
 * import of the showcase, changes made at the sandbox, a sync that brings them with requests
 * proportional to the change, a canceled sync and one that crashed mid-page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { listBranches, repositoryPath } from "@/lib/git";
import { ImportContext } from "@/lib/import/pipeline/context";
import { SYNC_STAGES } from "@/lib/import/pipeline/stages";
import { TextConverter } from "@/lib/import/pipeline/text";
import { canSync } from "@/lib/import/sources/types";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { SHOWCASE_REPOSITORY, type BitbucketServerSandbox, type ServerChange } from "@/mocks/bitbucket-server";
import { importFromServer, startServerImportEnvironment } from "@/test/bitbucket-server";
import { expectCanceledSync, waitFor } from "@/test/import";
import { SYNCING_SOURCES, syncAvailableFor } from "./availability";
import { previewSync, startSync } from "./control";
import { syncPullRequests } from "./pull-requests";
import { readWatermark, unseen } from "./records";

let sandbox: BitbucketServerSandbox;
let stopSandbox: () => Promise<void>;
let alice: SessionUser;
let projectId: number;
let importId: number;

beforeAll(async () => {
  ({ sandbox, stop: stopSandbox, alice } = await startServerImportEnvironment());
  const { started, row } = await importFromServer(sandbox, alice, SHOWCASE_REPOSITORY);
  expect(row.status, row.error ?? "").toBe("finished");
  projectId = started.projectId;
  importId = started.importId;
}, 120_000);

afterAll(async () => {
  await stopJobs();
  await stopSandbox?.();
});

const showcase = () => sandbox.state.repository("ACME", "showcase")!;
const change = (changes: ServerChange[]) => sandbox.state.changeRepository(showcase(), changes);
/** REST requests since a log index, by route template. */
function restRequestsSince(since: number) {
  const counts: Record<string, number> = {};
  for (const entry of sandbox.state.requests(since).filter((request) => request.path.startsWith("/rest/api/1.0/"))) {
    const route = entry.path.replace(/^.*\/pull-requests\/\d+\/activities$/, "activities").replace(/^.*\/pull-requests$/, "pull request listing");
    counts[route] = (counts[route] ?? 0) + 1;
  }
  return counts;
}

async function syncAndWait() {
  const { id } = await startSync(importId, { trigger: "manual", userId: alice.id });
  return waitForSync(id);
}

function waitForSync(id: number) {
  return waitFor(async () => {
    const sync = await db.projectSync.findUniqueOrThrow({ where: { id } });
    return sync.status === "started" || sync.status === "scheduled" ? null : sync;
  }, 60_000, `sync ${id}`);
}

const notesSaying = (text: string) => db.note.count({ where: { projectId, body: { contains: text } } });

const notesOf = (iid: number) =>
  db.note.findMany({ where: { projectId, mergeRequest: { iid } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { body: true, discussionId: true, sourceId: true, system: true } });

describe("syncing a Bitbucket Server import", () => {
  it("brings a new pull request, a state change, comments, a force push and a deleted branch, once, reading only the changed pull requests", { timeout: 120_000 }, async () => {
    const notesOfOneBefore = await notesOf(1);
    const applied = change([
      { type: "pull_request", title: "Opened after the import", source_branch: "feature/draft", user: "bob" },
      { type: "pull_request_state", pull_request: 4, state: "DECLINED", user: "carol" },
      { type: "comment", pull_request: 1, content: "A comment after the import", user: "bob" },
      { type: "comment", pull_request: 1, content: "A reply after the import", user: "alice", parent: 11 },
      { type: "force_push", branch: "feature/login" },
      { type: "delete_branch", branch: "feature/reopened" },
    ]);
    expect(applied[0]).toEqual({ type: "pull_request", id: 8 });

    const preview = await previewSync(alice.id, importId);
    expect(preview.pullRequests).toEqual({ created: 1, updated: 2 });
    expect(preview.issues).toBeNull();

    const logIndex = sandbox.state.requestCount;
    const sync = await syncAndWait();
    const failures = await db.importFailure.findMany({ where: { importId } });
    expect(sync.status, JSON.stringify([sync.error, failures])).toBe("finished");

    // One listing page down to the watermark and one activity read per changed pull request (1, 4, 8).
    const requests = restRequestsSince(logIndex);
    expect(requests["pull request listing"]).toBe(1);
    expect(requests.activities).toBe(3);
    expect(Object.values(requests).reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(8);

    const created = await db.mergeRequest.findUniqueOrThrow({ where: { projectId_iid: { projectId, iid: 8 } } });
    expect(created).toMatchObject({ title: "Opened after the import", state: "opened", sourceBranch: "feature/draft" });
    expect(await db.mergeRequest.count({ where: { projectId } })).toBe(8);
    expect((await db.mergeRequest.findUniqueOrThrow({ where: { projectId_iid: { projectId, iid: 4 } } })).state).toBe("closed");

    const notesOfOne = await notesOf(1);
    const comment = notesOfOne.filter((note) => note.body.includes("A comment after the import"));
    const reply = notesOfOne.filter((note) => note.body.includes("A reply after the import"));
    expect(comment).toHaveLength(1);
    expect(reply).toHaveLength(1);
    const thread = notesOfOne.find((note) => note.body.includes("Looks good overall"))!;
    expect(reply[0]!.discussionId).toBe(thread.discussionId);
    // Nothing imported before is written twice: the old notes stay, one each.
    for (const note of notesOfOneBefore) expect(notesOfOne.filter((current) => current.sourceId === note.sourceId && current.system === note.system)).toHaveLength(1);

    const git = sandbox.state.content(showcase()).git;
    const branches = new Map((await listBranches(repositoryPath(projectId))).map((branch) => [branch.name, branch.sha]));
    expect(branches.get("feature/login")).toBe(git.sha(git.branches["feature/login"]!));
    expect(branches.has("feature/reopened")).toBe(false);
    expect(branches.has("main")).toBe(true);

    // Nothing changed since: the listing is read once; only the pull request updated exactly at the
    // watermark is read again (ties are listed so none is skipped) and then left alone as seen.
    const quietIndex = sandbox.state.requestCount;
    expect((await syncAndWait()).status).toBe("finished");
    const quiet = restRequestsSince(quietIndex);
    expect(quiet["pull request listing"]).toBe(1);
    expect(quiet.activities ?? 0).toBeLessThanOrEqual(1);
    expect(await db.mergeRequest.count({ where: { projectId } })).toBe(8);
    expect((await notesOf(1)).filter((note) => note.body.includes("A comment after the import"))).toHaveLength(1);
  });

  it("a canceled sync ends as canceled, writes nothing and leaves its changes to the next sync", { timeout: 60_000 }, async () => {
    change([{ type: "comment", pull_request: 3, content: "Written while the sync was canceled", user: "bob" }]);
    await expectCanceledSync(importId, alice.id);
    expect(await notesSaying("Written while the sync was canceled")).toBe(0);

    expect((await syncAndWait()).status).toBe("finished");
    expect(await notesSaying("Written while the sync was canceled")).toBe(1);
  });

  it("a sync whose worker died after writing a page, before moving the watermark, resumes on restart and writes nothing twice", { timeout: 60_000 }, async () => {
    change([
      { type: "comment", pull_request: 7, content: "Written before the crash", user: "carol" },
      { type: "pull_request_state", pull_request: 7, state: "DECLINED", user: "carol" },
    ]);
    await stopJobs();
    const crashed = await startSync(importId, { trigger: "manual", userId: alice.id });
    // What the dead worker did: the changed pull requests written, the watermark left where it was.
    const ctx = (await ImportContext.load(importId))!;
    const source = ctx.source;
    if (!canSync(source)) throw new Error("A Bitbucket Server source syncs");
    const watermark = await readWatermark(importId, "pull_request");
    const written = unseen(watermark, (await source.pullRequestsUpdatedSince(watermark.since)).items);
    expect(written.map((pullRequest) => pullRequest.id)).toEqual([7]);
    await syncPullRequests(ctx, crashed.id, await TextConverter.forImport(ctx, ctx.sourceRepository().webUrl), written, null);
    const notesBefore = await db.note.count({ where: { projectId } });
    expect(await notesSaying("Written before the crash")).toBe(1);

    await startImportWorkers();
    expect((await waitForSync(crashed.id)).status).toBe("finished");
    expect(await db.note.count({ where: { projectId } })).toBe(notesBefore);
    expect(await notesSaying("Written before the crash")).toBe(1);
    expect((await db.mergeRequest.findUniqueOrThrow({ where: { projectId_iid: { projectId, iid: 7 } } })).state).toBe("closed");
  });
});

describe("sources that sync", () => {
  it("lists exactly the sources with sync stages", () => {
    expect([...SYNCING_SOURCES].sort()).toEqual(Object.keys(SYNC_STAGES).sort());
    for (const source of ["bitbucket_cloud", "bitbucket_server", "github"]) expect(syncAvailableFor(source)).toBe(true);
    expect(syncAvailableFor("gitlab")).toBe(false);
  });
});
