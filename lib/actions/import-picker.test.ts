import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { stopJobs } from "@/lib/jobs";
import { createBitbucketHandlers, createSandboxState } from "@/mocks/bitbucket";
import { SANDBOX_WORKSPACES, generateRepositories } from "@/mocks/bitbucket/seed";
import { resetDatabase } from "@/test/db";
import { session } from "@/test/session";
import { createLinkedUser } from "@/test/fixtures";

// The actions read the session through currentUser(); the test decides who is signed in.
vi.mock("@/lib/auth/session", () => import("@/test/session"));

const { cancelRepositoryImport, checkImportTarget, importAllRepositories, importRepository, importStatuses, previewImportAllRepositories } = await import("./import-picker");

const state = createSandboxState();
const server = setupServer(...createBitbucketHandlers(state, { webUrl: "https://bitbucket.org", apiUrl: "https://api.bitbucket.org" }));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(async () => {
  server.close();
  await stopJobs();
  // No worker runs here; the queued stage jobs must not reach a later test file's imports.
  await db.$executeRawUnsafe("DELETE FROM pgboss.job WHERE name IN ('import-stage', 'import-unit')");
});
beforeEach(async () => {
  await resetDatabase();
  state.reset();
  session.user = null;
});

async function signIn(nickname: "alice" | "bob" = "alice"): Promise<SessionUser> {
  const user = await createLinkedUser(state, nickname);
  session.user = user;
  return user;
}

async function group(fullPath: string, members: Array<[SessionUser, Role]> = []) {
  const segments = fullPath.split("/");
  const parent = segments.length > 1 ? await db.namespace.findUniqueOrThrow({ where: { fullPath: segments.slice(0, -1).join("/") } }) : null;
  const namespace = await db.namespace.create({ data: { kind: "group", name: segments.at(-1)!, path: segments.at(-1)!, fullPath, parentId: parent?.id ?? null } });
  for (const [user, role] of members) await db.membership.create({ data: { userId: user.id, namespaceId: namespace.id, role } });
  return namespace;
}

const REPOSITORY = "acme/partner-portal";

describe("checkImportTarget: what Import would do, asked as the user types", () => {
  it("answers with the decision the import itself makes, and creates nothing", async () => {
    const alice = await signIn();
    const bob = await db.user.create({ data: { username: "bob" } });
    await group("platform", [[alice, "developer"]]);
    await group("tools", [[alice, "maintainer"]]);
    await db.namespace.create({ data: { kind: "user", name: "bob", path: "bob", fullPath: "bob", ownerId: bob.id } });
    const check = async (targetNamespace: string | null, name: string) => {
      const result = await checkImportTarget({ repository: REPOSITORY, targetNamespace, name });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    };

    expect(await check(null, "partner-portal")).toMatchObject({ fullPath: "alice/partner-portal", namespace: "personal", problem: null });
    expect(await check("tools", "partner-portal")).toMatchObject({ fullPath: "tools/partner-portal", namespace: "existing", problem: null });
    expect(await check("launch/backend", "partner-portal")).toMatchObject({ fullPath: "launch/backend/partner-portal", namespace: "new", problem: null });
    for (const taken of ["bob", "platform"]) {
      expect(await check(taken, "partner-portal")).toMatchObject({
        fullPath: "alice/partner-portal",
        namespace: "fallback",
        warning: `You cannot import into ${taken}: the project will go to your personal namespace alice.`,
      });
    }
    expect(await check("alice/sub", "x")).toMatchObject({ fullPath: null, problem: expect.stringContaining("Groups can't be created inside the personal namespace alice") });
    expect(await check(null, "Partner Portal (copy)")).toMatchObject({ fullPath: "alice/Partner-Portal-copy", problem: null });
    expect(await db.namespace.count({ where: { kind: "group" } })).toBe(2);

    await importRepository({ repository: REPOSITORY, name: "partner-portal" });
    await db.project.create({ data: { namespaceId: (await db.namespace.findUniqueOrThrow({ where: { fullPath: "alice" } })).id, name: "x", path: "partner-portal-2", fullPath: "alice/partner-portal-2" } });
    expect(await check(null, "partner-portal")).toMatchObject({
      problem: "A project already exists at alice/partner-portal. Choose another name.",
      suggestion: "partner-portal-3",
      resumes: false,
    });
  });
});

describe("importRepository: the target namespace is checked on the server", () => {
  it("a Developer who crafts a call into their group does not get a project there: it lands in the personal namespace, with the warning", async () => {
    const alice = await signIn();
    const platform = await group("platform", [[alice, "developer"]]);

    const result = await importRepository({ repository: REPOSITORY, targetNamespace: "platform", name: "partner-portal" });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.fullPath).toBe("alice/partner-portal");
    expect(result.data.warning).toMatch(/The namespace platform is taken/);
    expect(await db.project.count({ where: { namespaceId: platform.id } })).toBe(0);
    const project = await db.project.findUniqueOrThrow({ where: { fullPath: "alice/partner-portal" } });
    expect(project.importWarning).toBe(result.data.warning);
    expect(result.data.status).toMatchObject({ status: "scheduled", repository: REPOSITORY, warning: result.data.warning, canManage: true });
  });

  it("nor through a new subgroup of that group, nor into a group the user is not in", async () => {
    const alice = await signIn();
    const bob = await db.user.create({ data: { username: "bob" } });
    await group("platform", [[alice, "reporter"]]);
    const foreign = await group("foreign", [[{ id: bob.id } as SessionUser, "owner"]]);

    const nested = await importRepository({ repository: REPOSITORY, targetNamespace: "platform/skunkworks", name: "one" });
    const outside = await importRepository({ repository: REPOSITORY, targetNamespace: "foreign", name: "two" });

    expect(nested.ok && nested.data.fullPath).toBe("alice/one");
    expect(outside.ok && outside.data.fullPath).toBe("alice/two");
    expect(await db.namespace.count({ where: { fullPath: "platform/skunkworks" } })).toBe(0);
    expect(await db.project.count({ where: { namespaceId: foreign.id } })).toBe(0);
    expect(await db.membership.count({ where: { userId: alice.id } })).toBe(1);
  });

  it("a Maintainer of the group (or of a parent group) imports into it", async () => {
    const alice = await signIn();
    await group("platform", [[alice, "maintainer"]]);
    await group("platform/tools");

    const direct = await importRepository({ repository: REPOSITORY, targetNamespace: "platform", name: "partner-portal" });
    const nested = await importRepository({ repository: REPOSITORY, targetNamespace: "platform/tools", name: "partner-portal" });

    expect(direct.ok && direct.data).toMatchObject({ fullPath: "platform/partner-portal", warning: null });
    expect(nested.ok && nested.data).toMatchObject({ fullPath: "platform/tools/partner-portal", warning: null });
  });

  it("creates a missing group with the importer as Owner", async () => {
    const alice = await signIn();
    const result = await importRepository({ repository: REPOSITORY, targetNamespace: "launch-team/backend", name: "partner-portal" });
    expect(result.ok && result.data.fullPath).toBe("launch-team/backend/partner-portal");
    const created = await db.namespace.findUniqueOrThrow({ where: { fullPath: "launch-team/backend" }, include: { memberships: true } });
    expect(created.memberships).toEqual([expect.objectContaining({ userId: alice.id, role: "owner" })]);
  });

  it("refuses a call without a session, an invalid path and a taken path, creating nothing", async () => {
    const anonymous = await importRepository({ repository: REPOSITORY, name: "partner-portal" });
    expect(anonymous).toMatchObject({ ok: false, error: { code: "unauthenticated" } });

    await signIn();
    const invalidName = await importRepository({ repository: REPOSITORY, name: "-routing--engine" });
    expect(invalidName).toMatchObject({ ok: false, error: { code: "invalid_path", message: expect.stringContaining("must not start or end with a special character") } });
    const invalidNamespace = await importRepository({ repository: REPOSITORY, targetNamespace: "team..a", name: "x" });
    expect(invalidNamespace).toMatchObject({ ok: false, error: { code: "invalid_path" } });
    expect(await db.project.count()).toBe(0);

    expect((await importRepository({ repository: REPOSITORY, name: "partner-portal" })).ok).toBe(true);
    const duplicate = await importRepository({ repository: "acme/scheduler-cli", targetNamespace: "new-group", name: "x" });
    expect(duplicate.ok).toBe(true);
    const taken = await importRepository({ repository: "acme/scheduler-cli", name: "partner-portal" });
    expect(taken).toMatchObject({ ok: false, error: { code: "project_path_taken", message: "A project already exists at alice/partner-portal. Choose another name." } });
    const takenInNewGroup = await importRepository({ repository: REPOSITORY, targetNamespace: "new-group", name: "x" });
    expect(takenInNewGroup).toMatchObject({ ok: false, error: { code: "project_path_taken" } });
    expect(await db.project.count()).toBe(2);
    expect(await db.projectImport.count()).toBe(2);
  });

  it("a repository the user cannot read on Bitbucket is an error", async () => {
    await signIn("bob");
    const result = await importRepository({ repository: "initech/tps-reports", name: "tps-reports" });
    expect(result).toMatchObject({ ok: false, error: { code: "repository_not_found" } });
    expect(await db.project.count()).toBe(0);
  });
});

describe("import, cancel and import again", () => {
  it("Import on a cancelled row continues the same project, and only its owner may cancel", async () => {
    const alice = await signIn();
    const first = await importRepository({ repository: REPOSITORY, name: "partner-portal" });
    if (!first.ok) throw new Error(first.error.message);

    session.user = await createLinkedUser(state, "bob");
    const crafted = await cancelRepositoryImport({ importId: first.data.status.importId });
    expect(crafted).toMatchObject({ ok: false, error: { code: "not_found" } });
    // bob cannot see alice's private project's import either.
    const peek = await importStatuses({ repositories: [REPOSITORY] });
    expect(peek.ok && peek.data.statuses).toEqual({});

    session.user = alice;
    const cancelled = await cancelRepositoryImport({ importId: first.data.status.importId });
    expect(cancelled.ok && cancelled.data.status).toBe("canceled");

    const unitJobs = async () =>
      Number(
        (await db.$queryRaw<Array<{ count: bigint }>>`SELECT count(*) AS count FROM pgboss.job WHERE name = 'import-unit' AND (data->>'importId')::int = ${first.data.status.importId}`)[0]!
          .count,
      );
    const jobsBefore = await unitJobs();
    const again = await importRepository({ repository: REPOSITORY, name: "partner-portal" });
    expect(again.ok && again.data).toMatchObject({ resumed: true, status: { importId: first.data.status.importId, status: "scheduled", projectFullPath: "alice/partner-portal" } });
    expect(await db.project.count()).toBe(1);
    // Resuming queues the stopped stage's undone units again, as jobs of a new run.
    expect(await unitJobs()).toBeGreaterThan(jobsBefore);
  });

  it("a re-import under a new name is a second project; the first is untouched", async () => {
    await signIn();
    const first = await importRepository({ repository: REPOSITORY, name: "partner-portal" });
    if (!first.ok) throw new Error(first.error.message);
    await db.projectImport.update({ where: { id: first.data.status.importId }, data: { status: "finished", finishedAt: new Date() } });

    const second = await importRepository({ repository: REPOSITORY, name: "partner-portal-copy" });
    expect(second.ok && second.data).toMatchObject({ resumed: false, fullPath: "alice/partner-portal-copy" });
    const projects = await db.project.findMany({ orderBy: { id: "asc" }, include: { import: true } });
    expect(projects.map((project) => [project.fullPath, project.import?.status])).toEqual([
      ["alice/partner-portal", "finished"],
      ["alice/partner-portal-copy", "scheduled"],
    ]);
    const statuses = await importStatuses({ repositories: [REPOSITORY] });
    expect(statuses.ok && statuses.data.statuses[REPOSITORY]?.projectFullPath).toBe("alice/partner-portal-copy");
  });
});

describe("Import all", () => {
  const aliceRepositories = SANDBOX_WORKSPACES.filter((workspace) => workspace.members.some((member) => member.nickname === "alice")).flatMap((workspace) =>
    generateRepositories(workspace),
  );

  it("counts and imports every not-yet-imported match on all pages; rows with problems are reported and the rest proceed", async () => {
    await signIn();
    // acme has more than one page (100 a page): its last repositories are only on page 2.
    const acme = aliceRepositories.filter((repository) => repository.workspace === "acme").map((repository) => repository.slug).sort();
    expect(acme.length).toBeGreaterThan(100);
    const filter = "connector";
    const matching = aliceRepositories.filter((repository) => repository.name.toLowerCase().includes(filter)).map((repository) => repository.full_name);
    expect(matching.length).toBeGreaterThan(3);
    const [alreadyImported, badName, ...rest] = [...matching].sort();

    expect((await importRepository({ repository: alreadyImported!, name: "already" })).ok).toBe(true);
    const preview = await previewImportAllRepositories({ filter });
    expect(preview.ok && preview.data).toMatchObject({ count: matching.length - 1, alreadyImported: 1, problems: [] });

    const result = await importAllRepositories({ filter, overrides: { [badName!]: { name: "bad--name" } } });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.rejected).toEqual([{ repository: badName, message: "Project path must not contain consecutive special characters." }]);
    expect(result.data.started.map((status) => status.repository).sort()).toEqual(rest);
    expect(result.data.started.every((status) => status.status === "scheduled" && status.projectFullPath.startsWith("alice/"))).toBe(true);
    expect(await db.project.count()).toBe(matching.length - 1);

    const batch = await importStatuses({ repositories: [], importIds: result.data.started.map((status) => status.importId) });
    expect(batch.ok && batch.data.batch).toMatchObject({ total: rest.length, scheduled: rest.length });

    const again = await previewImportAllRepositories({ filter });
    expect(again.ok && again.data.count).toBe(1);
  });

  it("reaches repositories beyond the first page", async () => {
    await signIn();
    const lastOfAcme = aliceRepositories.filter((repository) => repository.workspace === "acme").sort((a, b) => (a.slug < b.slug ? -1 : 1)).at(-1)!;
    const result = await importAllRepositories({ filter: lastOfAcme.name, targetNamespace: "everything" });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.started.map((status) => status.projectFullPath)).toContain(`everything/${lastOfAcme.slug}`);
  });
});
