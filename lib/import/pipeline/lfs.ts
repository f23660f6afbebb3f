import { db } from "@/lib/db";
import { downloadLfsObjects, listLfsPointers, lfsStore, repositoryPath } from "@/lib/git";
import type { SourceRepository } from "@/lib/import/sources/types";
import type { ImportContext } from "./context";
import { addProgress, recordFailure, resolveFailure } from "./records";

const LFS_CONCURRENCY = 4;

/** Every LFS object the imported refs point to, stored so clones from Ferry get the content. */
export async function importLfsObjects(ctx: ImportContext, repository: SourceRepository): Promise<void> {
  const objects = await listLfsPointers(repositoryPath(ctx.project.id));
  await addProgress(ctx.importId, "lfs_object", { total: objects.length });
  if (objects.length === 0) return;
  const results = await downloadLfsObjects({
    batchUrl: repository.lfsBatchUrl,
    objects,
    credentials: () => ctx.source.gitCredentials(),
    store: lfsStore(),
    concurrency: LFS_CONCURRENCY,
  });
  for (const result of results) {
    const object = objects.find((candidate) => candidate.oid === result.oid);
    if (result.status === "stored" || result.status === "already-present") {
      await db.projectLfsObject.upsert({
        where: { projectId_oid: { projectId: ctx.project.id, oid: result.oid } },
        create: { projectId: ctx.project.id, oid: result.oid, size: BigInt(object?.size ?? 0) },
        update: {},
      });
      await addProgress(ctx.importId, "lfs_object", { fetched: 1, imported: 1 });
      await resolveFailure(ctx.importId, "lfs_object", result.oid);
    } else {
      await addProgress(ctx.importId, "lfs_object", { failed: 1 });
      await recordFailure(ctx.importId, {
        stage: "lfs_objects",
        objectType: "lfs_object",
        sourceId: result.oid,
        message: result.status === "missing" ? "Bitbucket does not have this LFS object" : (result.message ?? "The LFS object could not be downloaded"),
      });
    }
    await ctx.checkpoint();
  }
}
