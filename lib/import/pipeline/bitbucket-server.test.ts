/**
 * Bitbucket Server through the real pipeline and the real sandbox server: one import of the
 * showcase by alice (not an administrator; bob's identity linked; dave a Ferry user by e-mail
 * only; placeholders mode) shared by the mapping tests, and one by an administrator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { repositoryPath, runGit } from "@/lib/git";
import { startImportWorkers } from "@/lib/import/workers";
import { stopJobs } from "@/lib/jobs";
import { reassignmentSuggestions } from "@/lib/users/placeholders";
import { SERVER_USERS, SHOWCASE_LFS, SHOWCASE_REPOSITORY, type BitbucketServerSandbox } from "@/mocks/bitbucket-server";
import { cancelImport } from "@/lib/import/control";
import { updateSettings } from "@/lib/settings";
import { callApi, userWithToken } from "@/test/api";
import { resumeBitbucketImport } from "@/lib/import/start";
import { startBitbucketServerImport } from "@/lib/import/start-bitbucket-server";
import { ferryUser, importFromServer, serverConnection, startServerSandbox } from "@/test/bitbucket-server";
import { waitFor, waitForImport } from "@/test/import";
import { resetDatabase } from "@/test/db";

let sandbox: BitbucketServerSandbox;
let stopSandbox: () => Promise<void>;
let alice: SessionUser;
let bob: SessionUser;
let dave: SessionUser;
let projectId: number;
let importId: number;

beforeAll(async () => {
  await resetDatabase();
  ({ sandbox, stop: stopSandbox } = await startServerSandbox());
  await startImportWorkers();
  alice = await ferryUser("alice", { linkTo: "alice" });
  bob = await ferryUser("bob", { linkTo: "bob" });
  dave = await ferryUser("dave", { email: SERVER_USERS.dave.emailAddress });
  const { started, row } = await importFromServer(sandbox, alice, SHOWCASE_REPOSITORY, { userMapping: "placeholders" });
  projectId = started.projectId;
  importId = started.importId;
  expect(row.status, row.error ?? "").toBe("finished");
}, 120_000);

afterAll(async () => {
  await stopJobs();
  await stopSandbox?.();
});

const content = () => sandbox.state.content(sandbox.state.repository("ACME", "showcase")!);

function mergeRequest(iid: number) {
  return db.mergeRequest.findFirstOrThrow({
    where: { projectId, iid },
    include: { approvals: true, reviewers: true, notes: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], include: { author: true } } },
  });
}

describe("the repository", () => {
  it("brings description, visibility, default branch, branches, tags, pull request refs and LFS objects", async () => {
    const project = await db.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project).toMatchObject({ description: "Every rule of the Bitbucket Server import in one repository", visibility: "private", defaultBranch: "main", importType: "bitbucket_server", importSource: "ACME/showcase" });
    const { stdout } = await runGit(["--git-dir", repositoryPath(projectId), "for-each-ref", "--format=%(refname) %(objectname)"]);
    const refs = new Map(stdout.trim().split("\n").map((line) => line.split(" ") as [string, string]));
    const names = [...refs.keys()];
    const git = content().git;
    for (const branch of Object.keys(git.branches)) expect(refs.get(`refs/heads/${branch}`)).toBe(git.sha(git.branches[branch]!));
    expect(names).toEqual(expect.arrayContaining(["refs/tags/v1.0", "refs/tags/v1.1"]));
    // Pull request refs of the source, and the readable fork's branch; never the unreadable fork's.
    for (const id of [1, 2, 3, 4, 5, 7]) {
      const pullRequest = content().pullRequests.find((candidate) => candidate.id === id)!;
      expect(refs.get(`refs/merge-requests/${id}/head`), `!${id}`).toBe(pullRequest.from.commit);
    }
    expect(refs.has("refs/merge-requests/6/head")).toBe(false);
    const lfs = await db.projectLfsObject.findMany({ where: { projectId } });
    expect(lfs.map((object) => object.oid)).toEqual(SHOWCASE_LFS.map((object) => object.oid));
  });

  it("says once, as an info message, that there is no issue tracker, and lists the unreadable fork", async () => {
    const messages = await db.importMessage.findMany({ where: { importId } });
    expect(messages.filter((message) => message.severity === "info").map((message) => message.message)).toEqual([expect.stringMatching(/Bitbucket Server has no issue tracker/)]);
    expect(messages.find((message) => message.code === "fork_unreadable_6")?.message).toMatch(/~CAROL\/showcase/);
    const progress = await db.importProgress.findMany({ where: { importId } });
    expect(progress.find((entry) => entry.objectType === "issue")).toBeUndefined();
  });
});

describe("pull requests", () => {
  it("keep their ids, states, drafts, branches and commits", async () => {
    const rows = await db.mergeRequest.findMany({ where: { projectId }, orderBy: { iid: "asc" } });
    const states = { OPEN: "opened", MERGED: "merged", DECLINED: "closed" } as const;
    expect(rows.map((row) => [row.iid, row.state, row.draft])).toEqual(content().pullRequests.map((pr) => [pr.id, states[pr.state], pr.draft]));
    for (const pr of content().pullRequests) {
      const row = rows.find((candidate) => candidate.iid === pr.id)!;
      expect([row.sourceBranch, row.targetBranch, row.targetSha], `!${pr.id}`).toEqual([pr.from.branch, pr.to.branch, pr.to.commit]);
      expect(row.importedFrom).toBe("bitbucket_server");
    }
    expect(rows.find((row) => row.iid === 5)?.sourceFork).toBe("~BOB/showcase");
    expect(rows.find((row) => row.iid === 2)?.mergeCommitSha).toBe(content().git.sha(content().git.branches.main!));
  });

  it("take merged by from the MERGED activity and closed by from DECLINED; approvals are reviewers whose latest verdict is APPROVED", async () => {
    const merged = await mergeRequest(2);
    expect(merged.mergedById).toBe(alice.id);
    expect(merged.approvals.map((approval) => approval.userId)).toEqual([alice.id]);
    const declined = await mergeRequest(3);
    expect(declined.closedById).toBe(bob.id);
    const open = await mergeRequest(1);
    expect(open.reviewers.map((reviewer) => reviewer.sourceUserId).sort()).toEqual([String(SERVER_USERS.bob.id), String(SERVER_USERS.dave.id)]);
    // Dave approved, then withdrew: only bob's approval stands.
    expect(open.approvals.map((approval) => approval.sourceUserId)).toEqual([String(SERVER_USERS.bob.id)]);
  });
});

describe("comments and events", () => {
  it("make a general comment and its nested replies one discussion, in order, with tasks as checklist items", async () => {
    const notes = (await mergeRequest(1)).notes;
    const thread = notes.filter((note) => ["11", "12", "13", "14"].includes(note.sourceId!));
    expect(thread.map((note) => note.sourceId)).toEqual(["11", "12", "14", "13"]);
    expect(new Set(thread.map((note) => note.discussionId)).size).toBe(1);
    expect(thread[0]!.body).toContain("- [x] Run the tests");
    expect(thread.find((note) => note.sourceId === "13")!.body).toContain("- [ ] Update the docs");
    expect(thread.slice(1).every((note) => note.type === "DiscussionNote")).toBe(true);
  });

  it("place inline comments on the new side (TO) and the old side (FROM) as diff notes, with their replies", async () => {
    const notes = (await mergeRequest(1)).notes;
    const added = notes.find((note) => note.sourceId === "21")!;
    expect(added.type).toBe("DiffNote");
    expect(added.position).toMatchObject({ path: "src/login.ts", newLine: 2, oldLine: null });
    const reply = notes.find((note) => note.sourceId === "22")!;
    expect(reply.discussionId).toBe(added.discussionId);
    const removed = notes.find((note) => note.sourceId === "23")!;
    expect(removed.type).toBe("DiffNote");
    expect(removed.position).toMatchObject({ path: "src/app.ts", oldLine: 3, newLine: null });
  });

  it("turn orphaned and unresolvable anchors into plain notes naming the file and line", async () => {
    const notes = (await mergeRequest(1)).notes;
    for (const [id, place] of [["24", /src\/app\.ts/], ["25", /README\.md/]] as const) {
      const note = notes.find((candidate) => candidate.sourceId === id)!;
      expect(note.type, id).toBeNull();
      expect(note.position).toBeNull();
      expect(note.body).toMatch(place);
    }
  });

  it("turn RESCOPED, MERGED, DECLINED and REOPENED into system notes", async () => {
    const systemTexts = async (iid: number) => (await mergeRequest(iid)).notes.filter((note) => note.system).map((note) => note.body);
    expect(await systemTexts(1)).toEqual([expect.stringMatching(/updated the source branch/)]);
    expect(await systemTexts(2)).toEqual([expect.stringMatching(/merged/)]);
    expect(await systemTexts(3)).toEqual([expect.stringMatching(/declined/)]);
    expect(await systemTexts(7)).toEqual([expect.stringMatching(/declined/), expect.stringMatching(/reopened/)]);
    const counted = await db.importProgress.findUniqueOrThrow({ where: { importId_objectType: { importId, objectType: "pull_request_note" } } });
    const notes = await db.note.count({ where: { projectId } });
    expect(counted.imported).toBe(notes);
  });
});

describe("users", () => {
  it("map linked bitbucket_server identities, keep deactivated users attributed by name, and give others placeholders", async () => {
    const open = await mergeRequest(1);
    expect(open.authorId).toBe(alice.id);
    expect(open.notes.find((note) => note.sourceId === "11")!.authorId).toBe(bob.id);
    const declined = await mergeRequest(3);
    expect(declined.authorId).toBe(alice.id);
    expect(declined.description).toContain(`*Created by: ${SERVER_USERS.carol.name}*`);
    const carolNote = (await mergeRequest(2)).notes.find((note) => note.sourceId === "31")!;
    expect(carolNote.authorId).toBe(alice.id);
    expect(carolNote.body).toMatch(/Created by/);
    // Dave's e-mail matches a Ferry user, but a non-administrator's import only suggests it.
    const draft = await mergeRequest(4);
    expect(draft.authorId).not.toBe(dave.id);
    const placeholder = await db.user.findUniqueOrThrow({ where: { id: draft.authorId } });
    expect(placeholder.kind).toBe("placeholder");
    const namespace = await db.project.findUniqueOrThrow({ where: { id: projectId }, select: { namespaceId: true } });
    const suggestions = await reassignmentSuggestions(namespace.namespaceId);
    expect(suggestions).toEqual([expect.objectContaining({ placeholderId: placeholder.id, user: expect.objectContaining({ id: dave.id }), reason: "email" })]);
  });

  it("map an e-mail match directly when an administrator runs the import", async () => {
    const admin = await ferryUser("root", { admin: true });
    const { started, row } = await importFromServer(sandbox, admin, SHOWCASE_REPOSITORY, { as: "admin", userMapping: "placeholders" });
    expect(row.status).toBe("finished");
    const draft = await db.mergeRequest.findFirstOrThrow({ where: { projectId: started.projectId, iid: 4 } });
    expect(draft.authorId).toBe(dave.id);
  });
});

describe("reliability", () => {
  const counts = async (id: number) => ({ mergeRequests: await db.mergeRequest.count({ where: { projectId: id } }), notes: await db.note.count({ where: { projectId: id } }) });

  it("waits out 429 (Retry-After) and 5xx answers and imports the same", async () => {
    sandbox.state.updateKnobs({ rateLimitRatio: 0.15, error5xxRatio: 0.05, retryAfterSeconds: 1, seed: 6 });
    try {
      const { started, row } = await importFromServer(sandbox, alice, SHOWCASE_REPOSITORY, { input: { name: "showcase-faults" } });
      expect(row.status).toBe("finished");
      expect(await counts(started.projectId)).toEqual(await counts(projectId));
      const statuses = new Set(sandbox.state.requests().map((entry) => entry.status));
      expect(statuses.has(429) && statuses.has(503)).toBe(true);
    } finally {
      sandbox.state.reset();
    }
  }, 60_000);

  it("stops at a checkpoint when cancelled, and a resumed import completes without duplicates", async () => {
    sandbox.state.updateKnobs({ latencyMs: 400 });
    const [projectKey, slug] = SHOWCASE_REPOSITORY.split("/") as [string, string];
    const started = await startBitbucketServerImport(alice, { connection: serverConnection(sandbox), projectKey, slug, name: "showcase-cancel" });
    await waitFor(async () => (await db.projectImport.findUniqueOrThrow({ where: { id: started.importId } })).stage === "pull_requests", 30_000, "the pull request stage");
    await cancelImport(alice.id, started.importId);
    const canceled = await waitForImport(started.importId);
    expect(canceled.status).toBe("canceled");
    expect((await counts(started.projectId)).notes).toBeLessThan((await counts(projectId)).notes);
    sandbox.state.reset();
    await resumeBitbucketImport(alice, started.importId);
    expect((await waitForImport(started.importId)).status).toBe("finished");
    expect(await counts(started.projectId)).toEqual(await counts(projectId));
  }, 60_000);
});

describe("POST /api/v4/import/bitbucket_server", () => {
  const body = (overrides: Record<string, unknown> = {}) => ({
    bitbucket_server_url: sandbox.url,
    bitbucket_server_username: "alice",
    personal_access_token: SERVER_USERS.alice.token,
    bitbucket_server_project: "ACME",
    bitbucket_server_repo: "api-01",
    ...overrides,
  });
  const call = async (token: string, payload: object) => {
    const response = await callApi("POST", "/import/bitbucket_server", token, payload);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it("starts an import into the caller's namespace and reports it with stats by object type", async () => {
    const { token } = await userWithToken("apiuser");
    const started = await call(token, body({ new_name: "api-copy" }));
    expect(started).toMatchObject({ status: 201, body: { name: "api-copy", full_path: "/apiuser/api-copy", import_source: "ACME/api-01", import_status: "scheduled" } });
    const row = await db.projectImport.findUniqueOrThrow({ where: { projectId: started.body.id } });
    expect((await waitForImport(row.id)).status).toBe("finished");
    const status = await callApi("GET", `/projects/${started.body.id}/import`, token);
    const report = (await status.json()) as Record<string, any>;
    const generated = sandbox.state.content(sandbox.state.repository("ACME", "api-01")!).pullRequests.length;
    expect(report).toMatchObject({ import_status: "finished", failed_relations: [] });
    expect(report.stats.imported.pull_request ?? 0).toBe(generated);
    expect((await call(token, body({ new_name: "api-copy" }))).status).toBe(422);
    const cancel = await callApi("POST", "/import/bitbucket_server/cancel", token, { project_id: started.body.id });
    expect(cancel.status).toBe(400);
  });

  it("POST /users links a Bitbucket Server identity by the server user's numeric id", async () => {
    const { token } = await userWithToken("apiadmin", { admin: true });
    const created = await callApi("POST", "/users", token, { username: "carla", email: "carla@ferry.test", name: "Carla", password: "correct horse battery", provider: "bitbucket_server", extern_uid: "42" });
    expect(created.status).toBe(201);
    expect(await db.account.findFirst({ where: { provider: "bitbucket_server", providerAccountId: "42" }, select: { user: { select: { username: true } } } })).toEqual({ user: { username: "carla" } });
    const invalid = await callApi("POST", "/users", token, { username: "carlb", email: "carlb@ferry.test", name: "Carl", password: "correct horse battery", provider: "bitbucket_server", extern_uid: "{not-a-number}" });
    expect(invalid.status).toBe(400);
  });

  it("answers 401 for refused credentials, 422 for an unknown repository, 400 for bad fields or a host that is not allowed, 403 when disabled", async () => {
    const { token } = await userWithToken("apiuser2");
    expect(await call(token, body({ personal_access_token: "wrong" }))).toMatchObject({ status: 401, body: { error: expect.stringMatching(/refused/) } });
    expect(await call(token, body({ bitbucket_server_repo: "nope" }))).toEqual({ status: 422, body: { error: "Project ACME/nope could not be found" } });
    expect(await call(token, body({ bitbucket_server_project: "SECRET", bitbucket_server_repo: "vault" }))).toMatchObject({ status: 422 });
    expect((await call(token, body({ new_name: "-bad-" }))).status).toBe(400);
    expect(await call(token, body({ bitbucket_server_repo: undefined }))).toMatchObject({ status: 400, body: { error: expect.stringMatching(/bitbucket_server_repo/) } });
    expect(await call(token, body({ bitbucket_server_url: "http://169.254.169.254" }))).toMatchObject({ status: 400, body: { error: expect.stringMatching(/not allowed/) } });
    await updateSettings({ importSources: { bitbucket_cloud: true, bitbucket_server: false, github: true } });
    try {
      expect((await call(token, body())).status).toBe(403);
    } finally {
      await updateSettings({ importSources: { bitbucket_cloud: true, bitbucket_server: true, github: true } });
    }
  });
});
