import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { routeApiRequest } from "@/lib/api/endpoints";
import { saveUpload } from "@/lib/archive";
import type { SessionUser } from "@/lib/auth";
import { resetConfigForTests } from "@/lib/config";
import { db, type Namespace } from "@/lib/db";
import type { ImportStatus } from "@/lib/generated/prisma/enums";
import { stopJobs } from "@/lib/jobs";
import { createPersonalAccessToken } from "@/lib/tokens";
import { ensurePlaceholder } from "@/lib/users/mapping";
import { createLocalUser } from "@/lib/users/create";
import { SANDBOX_ACCOUNTS, SHOWCASE_REPOSITORY, startSandboxServer } from "@/mocks/bitbucket";
import { resetDatabase } from "@/test/db";
import { session } from "@/test/session";
import { createLinkedUser } from "@/test/fixtures";
import { importAccessById } from "./access";
import { loadProjectForUser } from "./read";

/**
 * Who may do what, through the real entry points: server actions called directly with crafted
 * arguments (only the session is faked) and the /api/v4 API with personal access tokens. Each
 * cell runs against its own project and import, so one cell's effect cannot change another's.
 */

// The actions read the session through currentUser(); the test decides who is signed in.
vi.mock("@/lib/auth/session", () => import("@/test/session"));
// Server actions ask Next to refresh the page they were called from; there is no page here.
vi.mock("next/cache", async (original) => ({ ...(await original<typeof import("next/cache")>()), refresh: () => undefined }));

const { cancelRepositoryImport, importRepository, importStatuses } = await import("@/lib/actions/import-picker");
const { cancelProjectImport, retryProjectImportFailures } = await import("@/lib/actions/project-import");
const { startIssuesArchiveImportAction } = await import("@/lib/actions/archive");
const { reassignPlaceholder } = await import("@/lib/actions/placeholders");
const { syncProjectNow } = await import("@/lib/actions/project-sync");

type Caller =
  | "owner"
  | "maintainer"
  | "importer"
  | "developer"
  | "reporter"
  | "guest"
  | "non-member"
  | "removed importer"
  | "admin"
  | "anonymous";

/** allowed; forbidden (403: may read, may not do); hidden (404, like a missing project); sign-in needed (401); refused (a picker row that starts a new import instead of resuming). */
type Outcome = "allowed" | "forbidden" | "hidden" | "signin" | "refused";
const [A, F, H, S, R] = ["allowed", "forbidden", "hidden", "signin", "refused"] as const;

const ENTRY_POINTS = [
  "read private project: project page",
  "read private project: GET /projects/:id",
  "start import into the group: POST /import/bitbucket",
  "cancel: picker",
  "cancel: project Import tab",
  "cancel: POST /import/bitbucket/cancel",
  "resume: picker Import on a cancelled row",
  "retry failures: project Import tab",
  "attach archive: project settings",
  "attach archive: POST /projects/:id/import/bitbucket_issues",
  "reassign placeholder: placeholders page",
  "read import status: picker",
  "read import status: GET /projects/:id/import",
  "sync now: project Import tab",
  "keep in sync: PUT /projects/:id/import/sync_schedule",
] as const;
type EntryPoint = (typeof ENTRY_POINTS)[number];

// prettier-ignore
const EXPECTED: Record<Caller, Outcome[]> = {
  //                  page api  start cancel×3   resume retry attach×2 reassign status×2 sync×2
  "owner":            [A, A,   A,    A, A, A,   A,     A,    A, A,    A,       A, A,    A, A],
  "maintainer":       [A, A,   A,    A, A, A,   A,     A,    A, A,    H,       A, A,    A, A],
  "importer":         [A, A,   A,    A, A, A,   A,     A,    A, A,    H,       A, A,    A, A],
  "developer":        [A, A,   F,    F, F, F,   R,     F,    F, F,    H,       A, A,    F, F],
  "reporter":         [A, A,   F,    F, F, F,   R,     F,    F, F,    H,       A, A,    F, F],
  "guest":            [A, A,   F,    F, F, F,   R,     F,    F, F,    H,       A, A,    F, F],
  "non-member":       [H, H,   F,    H, H, H,   R,     H,    H, H,    H,       H, H,    H, H],
  "removed importer": [H, H,   F,    H, H, H,   R,     H,    H, H,    H,       H, H,    H, H],
  "admin":            [A, A,   A,    A, A, A,   A,     A,    A, A,    A,       A, A,    A, A],
  "anonymous":        [H, H,   S,    S, S, S,   S,     S,    S, S,    S,       S, H,    S, S],
};

type Member = { session: SessionUser; token: string };
type World = { acme: Namespace; callers: Record<Exclude<Caller, "anonymous">, Member>; importer: Member; removed: Member };

let sandbox: Awaited<ReturnType<typeof startSandboxServer>>;
let world: World;
let counter = 0;

beforeAll(async () => {
  sandbox = await startSandboxServer({ port: 0, dataDir: mkdtempSync(path.join(tmpdir(), "ferry-access-matrix-")) });
  Object.assign(process.env, { BITBUCKET_URL: sandbox.url, BITBUCKET_API_URL: sandbox.url });
  resetConfigForTests();
  await resetDatabase();
  world = await buildWorld();
}, 120_000);

afterAll(async () => {
  await stopJobs();
  await sandbox?.close();
  // No worker runs here; queued jobs must not reach a later test file.
  await db.$executeRawUnsafe("DELETE FROM pgboss.job WHERE name IN ('import-stage', 'import-unit', 'archive-import')");
});

async function localMember(username: string, options: { isAdmin?: boolean } = {}): Promise<Member> {
  const row = await createLocalUser({ username, email: `${username}@ferry.test`, password: "correct horse battery" });
  if (options.isAdmin) await db.user.update({ where: { id: row.id }, data: { isAdmin: true } });
  return asMember({ id: row.id, username: row.username, name: row.name, email: row.email, image: null, isAdmin: options.isAdmin ?? false });
}

async function asMember(user: SessionUser): Promise<Member> {
  return { session: user, token: (await createPersonalAccessToken(user.id, { name: "matrix", scopes: ["api"] })).token };
}

async function buildWorld(): Promise<World> {
  const acme = await db.namespace.create({ data: { kind: "group", name: "acme", path: "acme", fullPath: "acme" } });
  const callers = {
    owner: await localMember("owner"),
    maintainer: await localMember("maintainer"),
    importer: await localMember("importer"),
    developer: await localMember("developer"),
    reporter: await localMember("reporter"),
    guest: await localMember("guest"),
    "non-member": await localMember("outsider"),
    // Linked to Bitbucket, so the picker can really start a new import for them.
    "removed importer": await asMember(await createLinkedUser(sandbox.state, "alice")),
    admin: await localMember("root", { isAdmin: true }),
  };
  const roles = { owner: "owner", maintainer: "maintainer", importer: "maintainer", developer: "developer", reporter: "reporter", guest: "guest", "removed importer": "maintainer" } as const;
  for (const [caller, role] of Object.entries(roles)) {
    await db.membership.create({ data: { userId: callers[caller as keyof typeof roles].session.id, namespaceId: acme.id, role } });
  }
  // The removed importer started imports while Maintainer, then left the group.
  await db.membership.delete({ where: { userId_namespaceId: { userId: callers["removed importer"].session.id, namespaceId: acme.id } } });
  return { acme, callers, importer: callers.importer, removed: callers["removed importer"] };
}

/** A private project in acme with its own import, started by the caller's importer: the removed importer for that row, the importer otherwise. */
async function importedProject(caller: Caller, status: ImportStatus, options: { failure?: boolean } = {}) {
  const n = ++counter;
  const importer = caller === "removed importer" ? world.removed : world.importer;
  const source = `ws/repo-${n}`;
  const project = await db.project.create({
    data: { namespaceId: world.acme.id, name: `app-${n}`, path: `app-${n}`, fullPath: `acme/app-${n}`, visibility: "private", importType: "bitbucket", importSource: source },
  });
  const row = await db.projectImport.create({
    data: { projectId: project.id, source: "bitbucket_cloud", sourceRepository: source, userId: importer.session.id, status, stage: "issues", finishedAt: status === "started" ? null : new Date() },
  });
  if (options.failure) {
    await db.importFailure.create({ data: { importId: row.id, stage: "issues", objectType: "issue", sourceId: "1", message: "Bitbucket answered 500" } });
  }
  return { project, importId: row.id, source };
}

function member(caller: Caller): Member | null {
  return caller === "anonymous" ? null : world.callers[caller];
}

function actionOutcome(result: { ok: true } | { ok: false; error: { code: string } }): Outcome | string {
  if (result.ok) return A;
  return ({ forbidden: F, not_found: H, unauthenticated: S } as Record<string, Outcome>)[result.error.code] ?? `error ${result.error.code}`;
}

function apiOutcome(status: number): Outcome | string {
  if (status >= 200 && status < 300) return A;
  return ({ 401: S, 403: F, 404: H } as Record<number, Outcome>)[status] ?? `status ${status}`;
}

function api(method: string, pathname: string, caller: Member | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (caller) headers["private-token"] = caller.token;
  if (body !== undefined) headers["content-type"] = "application/json";
  return routeApiRequest(new Request(`http://localhost:3000/api/v4${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
}

async function uploadFor(caller: Member | null): Promise<string> {
  // Anonymous callers cannot upload; the id is then someone else's, which changes nothing for them.
  const owner = caller ?? world.importer;
  const upload = await saveUpload({ ownerId: owner.session.id, originalName: "export.zip", body: Readable.from([Buffer.from("PK\u0005\u0006")]) });
  return upload.id;
}

/** Runs one entry point as the caller and says what happened; each checks its own effect too, so an "allowed" that did nothing fails. */
const RUN: Record<EntryPoint, (caller: Caller) => Promise<Outcome | string>> = {
  "read private project: project page": async (caller) => {
    const { project } = await importedProject(caller, "finished");
    return (await loadProjectForUser(member(caller)?.session ?? null, project.fullPath)) ? A : H;
  },
  "read private project: GET /projects/:id": async (caller) => {
    const { project } = await importedProject(caller, "finished");
    return apiOutcome((await api("GET", `/projects/${project.id}`, member(caller))).status);
  },
  "start import into the group: POST /import/bitbucket": async (caller) => {
    const alice = SANDBOX_ACCOUNTS.alice;
    const name = `started-${++counter}`;
    const response = await api("POST", "/import/bitbucket", member(caller), {
      bitbucket_email: alice.email,
      bitbucket_api_token: alice.apiToken,
      repo_path: SHOWCASE_REPOSITORY,
      target_namespace: "acme",
      new_name: name,
      taken_namespace: "reject",
    });
    const created = await db.project.count({ where: { fullPath: `acme/${name}` } });
    expect(created, `${caller}: project created`).toBe(response.status === 201 ? 1 : 0);
    return apiOutcome(response.status);
  },
  "cancel: picker": async (caller) => {
    const { importId } = await importedProject(caller, "started");
    session.user = member(caller)?.session ?? null;
    const outcome = actionOutcome(await cancelRepositoryImport({ importId }));
    return expectCancelled(importId, outcome);
  },
  "cancel: project Import tab": async (caller) => {
    const { importId } = await importedProject(caller, "started");
    session.user = member(caller)?.session ?? null;
    const outcome = actionOutcome(await cancelProjectImport({ importId }));
    return expectCancelled(importId, outcome);
  },
  "cancel: POST /import/bitbucket/cancel": async (caller) => {
    const { project, importId } = await importedProject(caller, "started");
    const outcome = apiOutcome((await api("POST", "/import/bitbucket/cancel", member(caller), { project_id: project.id })).status);
    return expectCancelled(importId, outcome);
  },
  "resume: picker Import on a cancelled row": async (caller) => {
    const { project, importId, source } = await importedProject(caller, "canceled");
    session.user = member(caller)?.session ?? null;
    const result = await importRepository({ repository: source, targetNamespace: "acme", name: project.path });
    const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId } });
    if (!result.ok && result.error.code === "unauthenticated") return S;
    return row.status === "scheduled" ? A : R;
  },
  "retry failures: project Import tab": async (caller) => {
    const { importId } = await importedProject(caller, "partial", { failure: true });
    session.user = member(caller)?.session ?? null;
    const outcome = actionOutcome(await retryProjectImportFailures({ importId }));
    const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId } });
    expect(row.status, `${caller}: import re-run`).toBe(outcome === A ? "started" : "partial");
    return outcome;
  },
  "sync now: project Import tab": async (caller) => {
    const { importId } = await importedProject(caller, "finished");
    session.user = member(caller)?.session ?? null;
    const outcome = actionOutcome(await syncProjectNow({ importId }));
    expect(await db.projectSync.count({ where: { importId } }), `${caller}: sync started`).toBe(outcome === A ? 1 : 0);
    return outcome;
  },
  "keep in sync: PUT /projects/:id/import/sync_schedule": async (caller) => {
    const { project, importId } = await importedProject(caller, "finished");
    const outcome = apiOutcome((await api("PUT", `/projects/${project.id}/import/sync_schedule`, member(caller), { interval_minutes: 30 })).status);
    const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId } });
    expect(row.syncIntervalMinutes, `${caller}: schedule set`).toBe(outcome === A ? 30 : null);
    return outcome;
  },
  "attach archive: project settings": async (caller) => {
    const { project } = await importedProject(caller, "finished");
    const uploadId = await uploadFor(member(caller));
    session.user = member(caller)?.session ?? null;
    const outcome = actionOutcome(await startIssuesArchiveImportAction({ projectId: project.id, uploadId }));
    return expectArchiveJobs(project.id, outcome);
  },
  "attach archive: POST /projects/:id/import/bitbucket_issues": async (caller) => {
    const { project } = await importedProject(caller, "finished");
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("PK\u0005\u0006")], { type: "application/zip" }), "export.zip");
    const headers: Record<string, string> = member(caller) ? { "private-token": member(caller)!.token } : {};
    const request = new Request(`http://localhost:3000/api/v4/projects/${project.id}/import/bitbucket_issues`, { method: "POST", headers, body: form });
    const response = await routeApiRequest(request);
    return expectArchiveJobs(project.id, apiOutcome(response.status));
  },
  "reassign placeholder: placeholders page": async (caller) => {
    const n = ++counter;
    const placeholder = await ensurePlaceholder(world.acme.id, { provider: "bitbucket", uuid: `{00000000-0000-0000-0000-${String(n).padStart(12, "0")}}`, username: `someone-${n}` });
    session.user = member(caller)?.session ?? null;
    const outcome = actionOutcome(await reassignPlaceholder({ placeholderId: placeholder.id, targetUsername: "developer" }));
    const row = await db.placeholderReassignment.findUniqueOrThrow({ where: { placeholderId: placeholder.id } });
    expect(row.status, `${caller}: reassignment requested`).toBe(outcome === A ? "awaiting_approval" : "pending");
    return outcome;
  },
  "read import status: picker": async (caller) => {
    const { source, importId } = await importedProject(caller, "started");
    session.user = member(caller)?.session ?? null;
    const result = await importStatuses({ repositories: [source] });
    if (!result.ok) return actionOutcome(result);
    if (!result.data.statuses[source]) return H;
    expect(result.data.statuses[source]!.importId).toBe(importId);
    return A;
  },
  "read import status: GET /projects/:id/import": async (caller) => {
    const { project } = await importedProject(caller, "started");
    return apiOutcome((await api("GET", `/projects/${project.id}/import`, member(caller))).status);
  },
};

async function expectCancelled(importId: number, outcome: Outcome | string): Promise<Outcome | string> {
  const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId } });
  expect(row.cancelRequestedAt !== null, `import ${importId} cancel requested`).toBe(outcome === A);
  return outcome;
}

async function expectArchiveJobs(projectId: number, outcome: Outcome | string): Promise<Outcome | string> {
  expect(await db.archiveImportJob.count({ where: { projectId } }), `archive jobs of project ${projectId}`).toBe(outcome === A ? 1 : 0);
  return outcome;
}

describe("authorization matrix", () => {
  it.each(ENTRY_POINTS.map((entryPoint, column) => [entryPoint, column] as const))("%s", async (entryPoint, column) => {
    const actual: Record<string, Outcome | string> = {};
    const expected: Record<string, Outcome> = {};
    for (const caller of Object.keys(EXPECTED) as Caller[]) {
      actual[caller] = await RUN[entryPoint](caller);
      expected[caller] = EXPECTED[caller][column]!;
    }
    expect(actual).toEqual(expected);
  });

  it("the project's Import tab shows its controls to exactly those the picker lets cancel", async () => {
    for (const caller of Object.keys(EXPECTED) as Caller[]) {
      const { importId, source } = await importedProject(caller, "started");
      const tab = await importAccessById(member(caller)?.session ?? null, importId);
      session.user = member(caller)?.session ?? null;
      const picker = await importStatuses({ repositories: [source] });
      const pickerOffersCancel = picker.ok && picker.data.statuses[source]?.canManage === true;
      expect(tab.canManage, caller).toBe(pickerOffersCancel);
      expect(tab.canManage, caller).toBe(EXPECTED[caller][ENTRY_POINTS.indexOf("cancel: project Import tab")] === A);
    }
  });
});

describe("a removed importer", () => {
  it("cannot resume their import nor attach archives to it; the picker imports into their personal namespace instead", async () => {
    const alice = world.removed;
    const project = await db.project.create({
      data: { namespaceId: world.acme.id, name: "rocket-launcher", path: "rocket-launcher", fullPath: "acme/rocket-launcher", visibility: "public", importType: "bitbucket", importSource: SHOWCASE_REPOSITORY },
    });
    const previous = await db.projectImport.create({
      data: { projectId: project.id, source: "bitbucket_cloud", sourceRepository: SHOWCASE_REPOSITORY, userId: alice.session.id, status: "canceled", stage: "issues", finishedAt: new Date() },
    });
    // Still able to read the (public) project, but no longer allowed to import into acme.
    await db.membership.create({ data: { userId: alice.session.id, namespaceId: world.acme.id, role: "developer" } });
    const uploadId = await uploadFor(alice);

    session.user = alice.session;
    const result = await importRepository({ repository: SHOWCASE_REPOSITORY, targetNamespace: "acme", name: "rocket-launcher", attachments: { issuesArchiveUploadId: uploadId } });
    expect(result.ok && result.data).toMatchObject({ resumed: false, fullPath: "alice/rocket-launcher", warning: expect.stringMatching(/The namespace acme is taken/) });
    expect(await db.projectImport.findUniqueOrThrow({ where: { id: previous.id } })).toMatchObject({ status: "canceled" });
    expect(await db.archiveImportJob.count({ where: { projectId: project.id } })).toBe(0);
    const ownProject = await db.project.findUniqueOrThrow({ where: { fullPath: "alice/rocket-launcher" } });
    expect(await db.archiveImportJob.count({ where: { projectId: ownProject.id } })).toBe(1);

    const again = await uploadFor(alice);
    expect(actionOutcome(await startIssuesArchiveImportAction({ projectId: project.id, uploadId: again }))).toBe(F);
    expect(actionOutcome(await cancelProjectImport({ importId: previous.id }))).toBe(F);
    const { queueArchiveJobsForNewProject } = await import("@/lib/archive");
    await expect(queueArchiveJobsForNewProject({ projectId: project.id, userId: alice.session.id, attachments: { issuesArchiveUploadId: again } })).rejects.toMatchObject({
      code: "forbidden",
      status: 403,
    });
    expect(await db.archiveImportJob.count({ where: { projectId: project.id } })).toBe(0);
    await db.membership.delete({ where: { userId_namespaceId: { userId: alice.session.id, namespaceId: world.acme.id } } });
  });
});
