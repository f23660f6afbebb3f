import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { resolveProjectForGit } from "./git-access";

beforeEach(resetDatabase);

async function project(visibility: "public" | "private") {
  const user = await db.user.create({ data: { username: `u-${visibility}` } });
  const namespace = await db.namespace.create({ data: { kind: "user", name: user.username, path: user.username, fullPath: user.username, ownerId: user.id } });
  return db.project.create({ data: { namespaceId: namespace.id, name: "repo", path: "repo", fullPath: `${user.username}/repo`, visibility } });
}

describe("resolveProjectForGit", () => {
  it("serves public projects to anyone", async () => {
    const row = await project("public");
    expect(await resolveProjectForGit(row.fullPath, null)).toMatchObject({ projectId: row.id, repoPath: expect.stringMatching(new RegExp(`${row.id}\\.git$`)) });
  });

  it("hides private projects and missing ones alike", async () => {
    const row = await project("private");
    expect(await resolveProjectForGit(row.fullPath, null)).toBeNull();
    expect(await resolveProjectForGit(row.fullPath, "Basic eDp5")).toBeNull();
    expect(await resolveProjectForGit("nobody/nothing", null)).toBeNull();
  });
});
