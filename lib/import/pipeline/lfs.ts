import { db } from "@/lib/db";
import { downloadLfsObjects, listLfsPointers, lfsStore, repositoryPath } from "@/lib/git";
import type { SourceRepository } from "@/lib/import/sources/types";
import type { ImportContext } from "./context";
import { addProgress, recordFailure, resolveFailures } from "./records";

const LFS_CONCURRENCY = 4;

/** Every LFS object the imported refs point to, stored so clones from Ferry get the content. */
export async function importLfsObjects(ctx: ImportContext, repository: SourceRepository): Promise<void> {
  const objects = await listLfsPointers(repositoryPath(ctx.project.id));
  await addProgress(ctx.importId, "lfs_object", { total: objects.length });
  if (objects.length === 0) return;
  const results = await downloadLfsObjects({
    batchUrl: repository.lfsBatchUrl,
    objects,
    credentials: (refused) => ctx.repositorySource.gitCredentials(refused),
    store: lfsStore(),
    concurrency: LFS_CONCURRENCY,
  });
  const sizes = new Map(objects.map((object) => [object.oid, object.size]));
  const stored = results.filter((result) => result.status === "stored" || result.status === "already-present");
  const failed = results.filter((result) => result.status !== "stored" && result.status !== "already-present");
  await ctx.checkpoint();
  await db.projectLfsObject.createMany({
    data: stored.map((result) => ({ projectId: ctx.project.id, oid: result.oid, size: BigInt(sizes.get(result.oid) ?? 0) })),
    skipDuplicates: true,
  });
  await addProgress(ctx.importId, "lfs_object", { fetched: stored.length, imported: stored.length, failed: failed.length });
  await resolveFailures(ctx.importId, "lfs_object", stored.map((result) => result.oid));
  for (const result of failed) {
    await recordFailure(ctx.importId, {
      stage: "lfs_objects",
      objectType: "lfs_object",
      sourceId: result.oid,
      message: result.status === "missing" ? `${ctx.repositorySource.displayName} does not have this LFS object` : (result.message ?? "The LFS object could not be downloaded"),
    });
  }
}
