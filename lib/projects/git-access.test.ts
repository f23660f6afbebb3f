import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createPersonalAccessToken, revokePersonalAccessToken } from "@/lib/tokens";
import { resetDatabase } from "@/test/db";
import { parseBasicAuthorization, resolveProjectForGit } from "./git-access";

beforeEach(resetDatabase);

async function project(visibility: "public" | "private") {
  const user = await db.user.create({ data: { username: `u-${visibility}` } });
  const namespace = await db.namespace.create({ data: { kind: "user", name: user.username, path: user.username, fullPath: user.username, ownerId: user.id } });
  const row = await db.project.create({ data: { namespaceId: namespace.id, name: "repo", path: "repo", fullPath: `${user.username}/repo`, visibility } });
  return { ...row, owner: user };
}

function basic(username: string, password: string) {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

describe("resolveProjectForGit", () => {
  it("serves public projects to anyone", async () => {
    const row = await project("public");
    expect(await resolveProjectForGit(row.fullPath, null)).toMatchObject({ projectId: row.id, repoPath: expect.stringMatching(new RegExp(`${row.id}\\.git$`)) });
  });

  it("hides private projects and missing ones alike from anonymous callers", async () => {
    const row = await project("private");
    expect(await resolveProjectForGit(row.fullPath, null)).toBeNull();
    expect(await resolveProjectForGit("nobody/nothing", null)).toBeNull();
  });

  it("serves a private project to its owner's username and personal access token over HTTP Basic", async () => {
    const row = await project("private");
    const { token, summary } = await createPersonalAccessToken(row.owner.id, { name: "git", scopes: ["read_api"] });
    expect(await resolveProjectForGit(row.fullPath, basic(row.owner.username, token))).toMatchObject({ projectId: row.id });
    // Another user's token, the wrong username, a password and a revoked token are refused as credentials.
    const other = await db.user.create({ data: { username: "other" } });
    const otherToken = (await createPersonalAccessToken(other.id, { name: "git", scopes: ["api"] })).token;
    expect(await resolveProjectForGit(row.fullPath, basic(row.owner.username, otherToken))).toBe("unauthorized");
    expect(await resolveProjectForGit(row.fullPath, basic("other", token))).toBe("unauthorized");
    expect(await resolveProjectForGit(row.fullPath, basic(row.owner.username, "password"))).toBe("unauthorized");
    expect(await resolveProjectForGit(row.fullPath, "Basic eDp5")).toBe("unauthorized");
    expect(await resolveProjectForGit(row.fullPath, `Bearer ${token}`)).toBe("unauthorized");
    // A valid user who may not read the project sees nothing, as in the UI.
    expect(await resolveProjectForGit(row.fullPath, basic("other", otherToken))).toBeNull();
    await revokePersonalAccessToken(row.owner.id, summary.id);
    expect(await resolveProjectForGit(row.fullPath, basic(row.owner.username, token))).toBe("unauthorized");
  });

  it("parses HTTP Basic headers", () => {
    expect(parseBasicAuthorization(basic("alice", "a:b"))).toEqual({ username: "alice", password: "a:b" });
    expect(parseBasicAuthorization("Basic !!!")).toBeNull();
    expect(parseBasicAuthorization(`Basic ${Buffer.from("nocolon").toString("base64")}`)).toBeNull();
  });
});
