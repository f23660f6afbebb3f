import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetDatabase } from "@/test/db";
import { cancelImport, retryFailedItems } from "./control";

beforeEach(resetDatabase);

async function scenario() {
  const [importer, maintainer, developer, stranger] = await Promise.all(
    ["importer", "maintainer", "developer", "stranger"].map((username) => db.user.create({ data: { username } })),
  );
  const top = await db.namespace.create({ data: { kind: "group", name: "acme", path: "acme", fullPath: "acme" } });
  const sub = await db.namespace.create({ data: { kind: "group", name: "tools", path: "tools", fullPath: "acme/tools", parentId: top.id } });
  await db.membership.createMany({
    data: [
      { userId: maintainer!.id, namespaceId: top.id, role: "maintainer" },
      { userId: developer!.id, namespaceId: sub.id, role: "developer" },
    ],
  });
  const project = await db.project.create({ data: { namespaceId: sub.id, name: "repo", path: "repo", fullPath: "acme/tools/repo" } });
  const row = await db.projectImport.create({
    data: { projectId: project.id, source: "bitbucket_cloud", sourceRepository: "ws/repo", userId: importer!.id, status: "started", stage: "pull_requests" },
  });
  return { importer: importer!, maintainer: maintainer!, developer: developer!, stranger: stranger!, importId: row.id };
}

describe("import control permissions", () => {
  it("lets a Maintainer of a parent group cancel, and records the request", async () => {
    const { maintainer, importId } = await scenario();
    await cancelImport(maintainer.id, importId);
    expect((await db.projectImport.findUniqueOrThrow({ where: { id: importId } })).cancelRequestedAt).not.toBeNull();
  });

  it("lets the importing user cancel their own import", async () => {
    const { importer, importId } = await scenario();
    await expect(cancelImport(importer.id, importId)).resolves.toBeUndefined();
  });

  it("hides the import from a Developer and a stranger, changing nothing", async () => {
    const { developer, stranger, importId } = await scenario();
    await expect(cancelImport(developer.id, importId)).rejects.toMatchObject({ code: "not_found", status: 404 });
    await expect(retryFailedItems(stranger.id, importId)).rejects.toMatchObject({ code: "not_found" });
    expect((await db.projectImport.findUniqueOrThrow({ where: { id: importId } })).cancelRequestedAt).toBeNull();
  });
});
