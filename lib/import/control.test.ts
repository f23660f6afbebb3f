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
      { userId: importer!.id, namespaceId: sub.id, role: "maintainer" },
    ],
  });
  const project = await db.project.create({ data: { namespaceId: sub.id, name: "repo", path: "repo", fullPath: "acme/tools/repo" } });
  const row = await db.projectImport.create({
    data: { projectId: project.id, source: "bitbucket_cloud", sourceRepository: "ws/repo", userId: importer!.id, status: "started", stage: "pull_requests" },
  });
  return { importer: importer!, maintainer: maintainer!, developer: developer!, stranger: stranger!, importId: row.id, subgroupId: sub.id };
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

  it("refuses a Developer (who can read the project) and hides the import from a stranger, changing nothing", async () => {
    const { developer, stranger, importId } = await scenario();
    await expect(cancelImport(developer.id, importId)).rejects.toMatchObject({ code: "forbidden", status: 403 });
    await expect(retryFailedItems(stranger.id, importId)).rejects.toMatchObject({ code: "not_found", status: 404 });
    expect((await db.projectImport.findUniqueOrThrow({ where: { id: importId } })).cancelRequestedAt).toBeNull();
  });

  it("refuses the importer once they may no longer import into the project's namespace", async () => {
    const { importer, importId, subgroupId } = await scenario();
    await db.membership.update({ where: { userId_namespaceId: { userId: importer.id, namespaceId: subgroupId } }, data: { role: "developer" } });
    await expect(cancelImport(importer.id, importId)).rejects.toMatchObject({ code: "forbidden", status: 403 });
    await db.membership.delete({ where: { userId_namespaceId: { userId: importer.id, namespaceId: subgroupId } } });
    await expect(cancelImport(importer.id, importId)).rejects.toMatchObject({ code: "not_found", status: 404 });
    expect((await db.projectImport.findUniqueOrThrow({ where: { id: importId } })).cancelRequestedAt).toBeNull();
  });
});
