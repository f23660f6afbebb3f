import { beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import type { ImportStatus, Visibility } from "@/lib/generated/prisma/enums";
import { resetDatabase } from "@/test/db";
import { progressText, statusLabel, typeCountsText } from "@/components/import/picker/status-text";
import { stagesOf } from "./pipeline/stages";
import { batchSummary, importStatusesFor, overallPercent } from "./status";

beforeEach(resetDatabase);

async function person(username: string, isAdmin = false): Promise<SessionUser> {
  const user = await db.user.create({ data: { username, isAdmin } });
  await db.namespace.create({ data: { kind: "user", name: username, path: username, fullPath: username, ownerId: user.id } });
  return { id: user.id, username, name: null, email: null, image: null, isAdmin };
}

async function imported(
  namespacePath: string,
  name: string,
  source: string,
  options: { importer: SessionUser; status?: ImportStatus; visibility?: Visibility; stage?: string; createdAt?: Date; warning?: string },
) {
  const namespace = await db.namespace.findUniqueOrThrow({ where: { fullPath: namespacePath } });
  const project = await db.project.create({
    data: {
      namespaceId: namespace.id,
      name,
      path: name,
      fullPath: `${namespacePath}/${name}`,
      visibility: options.visibility ?? "private",
      importType: "bitbucket",
      importSource: source,
      importWarning: options.warning ?? null,
    },
  });
  return db.projectImport.create({
    data: {
      projectId: project.id,
      source: "bitbucket_cloud",
      sourceRepository: source,
      userId: options.importer.id,
      status: options.status ?? "started",
      stage: options.stage ?? "pull_requests",
      createdAt: options.createdAt,
    },
  });
}

describe("importStatusesFor", () => {
  it("gives the latest import the user can see, with its counts, failures and warning", async () => {
    const alice = await person("alice");
    const old = await imported("alice", "api", "acme/api", { importer: alice, status: "finished", createdAt: new Date("2026-01-01") });
    const latest = await imported("alice", "api-copy", "acme/api", { importer: alice, stage: "pull_requests", warning: "moved" });
    await db.importProgress.create({ data: { importId: latest.id, objectType: "pull_request", total: 2000, fetched: 400, imported: 330, failed: 10 } });
    await db.importProgress.create({ data: { importId: latest.id, objectType: "label", total: null, fetched: 4, imported: 4 } });
    await db.importFailure.create({ data: { importId: latest.id, stage: "pull_requests", objectType: "pull_request", sourceId: "7", message: "broken" } });
    await db.importFailure.create({ data: { importId: old.id, stage: "issues", objectType: "issue", sourceId: "1", message: "x", resolvedAt: new Date() } });

    const statuses = await importStatusesFor(alice, ["acme/api", "acme/never-imported"]);
    expect(Object.keys(statuses)).toEqual(["acme/api"]);
    expect(statuses["acme/api"]).toMatchObject({
      importId: latest.id,
      projectFullPath: "alice/api-copy",
      status: "started",
      stage: "pull requests",
      counts: { done: 340, total: 2000 },
      failedCount: 1,
      warning: "moved",
      canManage: true,
    });
    expect(progressText(statuses["acme/api"]!)).toBe("pull requests 340/2,000");
    // Every type so far, in the order the stages handle them, as the Import tab counts them.
    expect(typeCountsText(statuses["acme/api"]!)).toBe("Labels 4 · Pull requests 340/2,000");
  });

  it("shows others' imports only when the project is readable, and Cancel only to those who may manage it", async () => {
    const alice = await person("alice");
    const bob = await person("bob");
    const carol = await person("carol");
    const admin = await person("root", true);
    await imported("bob", "secret", "acme/secret", { importer: bob });
    await imported("bob", "open", "acme/open", { importer: bob, visibility: "public" });
    const team = await db.namespace.create({ data: { kind: "group", name: "team", path: "team", fullPath: "team" } });
    const sub = await db.namespace.create({ data: { kind: "group", name: "sub", path: "sub", fullPath: "team/sub", parentId: team.id } });
    await db.membership.createMany({
      data: [
        { userId: carol.id, namespaceId: team.id, role: "developer" },
        { userId: alice.id, namespaceId: team.id, role: "maintainer" },
      ],
    });
    await imported("team/sub", "shared", "acme/shared", { importer: bob });
    expect(sub.parentId).toBe(team.id);

    const names = ["acme/secret", "acme/open", "acme/shared"];
    const forAlice = await importStatusesFor(alice, names);
    expect(Object.keys(forAlice).sort()).toEqual(["acme/open", "acme/shared"]);
    expect(forAlice["acme/open"]!.canManage).toBe(false);
    expect(forAlice["acme/shared"]!.canManage).toBe(true);
    const forCarol = await importStatusesFor(carol, names);
    expect(Object.keys(forCarol).sort()).toEqual(["acme/open", "acme/shared"]);
    expect(forCarol["acme/shared"]!.canManage).toBe(false);
    expect(Object.keys(await importStatusesFor(admin, names)).sort()).toEqual(["acme/open", "acme/secret", "acme/shared"]);
    expect((await importStatusesFor(bob, names))["acme/secret"]!.canManage).toBe(true);
  });

  it("says when an import waits for Bitbucket's rate limit", async () => {
    const alice = await person("alice");
    const row = await imported("alice", "api", "acme/api", { importer: alice });
    const until = new Date(Date.now() + 10 * 60_000);
    await db.projectImport.update({ where: { id: row.id }, data: { waitingUntil: until } });
    const status = (await importStatusesFor(alice, ["acme/api"]))["acme/api"]!;
    expect(status.waitingUntil).toBe(until.toISOString());
    expect(progressText(status)).toMatch(/^waiting for Bitbucket's rate limit, resumes about \d\d:\d\d UTC$/);
    expect(progressText(status, "GitHub")).toMatch(/^waiting for GitHub's rate limit, resumes about \d\d:\d\d UTC$/);
  });

  it("counts an Import all batch, only the caller's own imports", async () => {
    const alice = await person("alice");
    const bob = await person("bob");
    const rows = await Promise.all([
      imported("alice", "a", "acme/a", { importer: alice, status: "finished" }),
      imported("alice", "b", "acme/b", { importer: alice, status: "partial" }),
      imported("alice", "c", "acme/c", { importer: alice, status: "scheduled" }),
      imported("bob", "d", "acme/d", { importer: bob, status: "failed" }),
    ]);
    expect(await batchSummary(alice, rows.map((row) => row.id))).toEqual({ total: 3, scheduled: 1, started: 0, finished: 1, partial: 1, failed: 0, canceled: 0 });
  });
});

describe("status presentation", () => {
  it("fills the bar stage by stage, with each source's own stages", () => {
    const bitbucket = stagesOf("bitbucket_cloud").map((stage) => stage.name);
    expect(overallPercent("scheduled", null, null, bitbucket)).toBe(0);
    expect(overallPercent("started", "repository", null, bitbucket)).toBe(1);
    expect(overallPercent("started", "pull_requests", { done: 1000, total: 2000 }, bitbucket)).toBe(36);
    expect(overallPercent("started", "finish", null, bitbucket)).toBe(99);
    expect(overallPercent("partial", "finish", null, bitbucket)).toBe(100);
    const github = stagesOf("github").map((stage) => stage.name);
    // github_issues is the fourth of thirteen stages.
    expect(overallPercent("started", "github_issues", null, github)).toBe(25);
  });

  it("uses GitLab's names, and says when a cancel is on its way", () => {
    const base = { repository: "a/b", importId: 1, projectId: 1, projectFullPath: "x/b", stage: null, counts: null, progress: [], percent: 0, waitingUntil: null, failedCount: 0, error: null, warning: null, canManage: true };
    expect(statusLabel(null)).toBe("Not started");
    expect(statusLabel({ ...base, status: "scheduled", cancelRequested: false })).toBe("Pending");
    expect(statusLabel({ ...base, status: "started", cancelRequested: true })).toBe("Cancelling…");
    expect(statusLabel({ ...base, status: "partial", cancelRequested: false })).toBe("Partially completed");
    expect(progressText({ ...base, status: "started", stage: "pull request comments", counts: { done: 1234, total: null }, cancelRequested: false })).toBe(
      "pull request comments 1,234",
    );
  });
});
