import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { projectRepositoryPath } from "@/lib/git";
import { seedProject, sessionOf } from "@/test/projects";
import { countRefs, listMemberProjects, loadProjectForUser, repositoryRefCounts } from "./read";

beforeEach(resetDatabase);
afterAll(disconnectDb);

describe("loadProjectForUser", () => {
  it("returns the project with access for readers, and null for missing or unreadable projects alike", async () => {
    const { alice, namespace } = await seedProject();
    await db.membership.create({ data: { userId: alice.id, namespaceId: namespace.id, role: "developer" } });
    const stranger = await db.user.create({ data: { username: "stranger" } });

    const loaded = await loadProjectForUser(sessionOf(alice), "acme/rocket");
    expect(loaded?.project.fullPath).toBe("acme/rocket");
    expect(loaded?.access).toEqual({ canRead: true, canManage: false, role: "developer" });
    expect(await loadProjectForUser(sessionOf(stranger), "acme/rocket")).toBeNull();
    expect(await loadProjectForUser(null, "acme/rocket")).toBeNull();
    expect(await loadProjectForUser(sessionOf(alice), "acme/missing")).toBeNull();
  });

  it("finds a project whatever the case of its path", async () => {
    await seedProject({ visibility: "public", fullPath: "acme/Rocket" });
    expect((await loadProjectForUser(null, "ACME/rocket"))?.project.fullPath).toBe("acme/Rocket");
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

describe("listMemberProjects", () => {
  it("lists the projects of the user's personal namespace and groups, newest first, filtered by a search", async () => {
    const { alice, namespace, project } = await seedProject();
    const home = await db.namespace.create({ data: { kind: "user", name: "alice", path: "alice", fullPath: "alice", ownerId: alice.id } });
    const other = await db.namespace.create({ data: { kind: "group", name: "other", path: "other", fullPath: "other" } });
    await db.membership.create({ data: { userId: alice.id, namespaceId: namespace.id, role: "guest" } });
    const own = await db.project.create({ data: { namespaceId: home.id, name: "Ledger Engine", path: "ledger-engine", fullPath: "alice/ledger-engine", createdAt: new Date(Date.now() + 60_000) } });
    await db.project.create({ data: { namespaceId: other.id, name: "Public", path: "public", fullPath: "other/public", visibility: "public" } });

    const all = await listMemberProjects(sessionOf(alice), {});
    expect(all.items.map((row) => row.fullPath)).toEqual([own.fullPath, project.fullPath]);
    expect((await listMemberProjects(sessionOf(alice), { search: "LEDGER" })).items.map((row) => row.id)).toEqual([own.id]);
    expect((await listMemberProjects(sessionOf(alice), { search: "50%_" })).items).toEqual([]);
  });
});
