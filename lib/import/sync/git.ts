import { db } from "@/lib/db";
import { fetchRepository, MIRROR_REFSPECS, listBranches, listLfsPointers, listTags, repositoryPath, updateRefs } from "@/lib/git";
import type { ImportContext } from "@/lib/import/pipeline/context";
import { downloadLfsPointers } from "@/lib/import/pipeline/lfs";
import { addSyncCounts } from "./records";

type RefChanges = { created: number; updated: number; removed: number };

function compare(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): RefChanges {
  let created = 0;
  let updated = 0;
  for (const [name, sha] of after) {
    const previous = before.get(name);
    if (previous === undefined) created++;
    else if (previous !== sha) updated++;
  }
  const removed = [...before.keys()].filter((name) => !after.has(name)).length;
  return { created, updated, removed };
}

/**
 * Every branch and tag as the source has them now: new ones, moved and force-pushed ones
 * (their old commits stay reachable where a merge request's head ref keeps them), and branches
 * deleted at the source deleted here too, except the project's default branch.
 */
export async function syncRefs(ctx: ImportContext, syncId: number): Promise<void> {
  const repository = ctx.sourceRepository();
  const repoPath = repositoryPath(ctx.project.id);
  const branchesBefore = new Map((await listBranches(repoPath)).map((branch) => [branch.name, branch.sha]));
  const tagsBefore = new Map((await listTags(repoPath)).map((tag) => [tag.name, tag.target]));
  await fetchRepository({
    repoPath,
    remoteUrl: repository.cloneUrl,
    credentials: (refused) => ctx.repositorySource.gitCredentials(refused),
    ...(repository.extraRefspecs ? { refspecs: [...MIRROR_REFSPECS, ...repository.extraRefspecs] } : {}),
  });
  const defaultBranch = ctx.project.defaultBranch;
  const branchesAfter = new Map((await listBranches(repoPath)).map((branch) => [branch.name, branch.sha]));
  const kept = defaultBranch ? branchesBefore.get(defaultBranch) : undefined;
  if (defaultBranch && kept && !branchesAfter.has(defaultBranch)) {
    await updateRefs(repoPath, [{ ref: `refs/heads/${defaultBranch}`, sha: kept }]);
    branchesAfter.set(defaultBranch, kept);
  }
  const tagsAfter = new Map((await listTags(repoPath)).map((tag) => [tag.name, tag.target]));
  await addSyncCounts(syncId, "branch", compare(branchesBefore, branchesAfter));
  await addSyncCounts(syncId, "tag", compare(tagsBefore, tagsAfter));
}

/** The LFS objects of pointers the project did not have yet; objects it has are not asked for again. */
export async function syncLfsObjects(ctx: ImportContext, syncId: number): Promise<void> {
  const repository = ctx.sourceRepository();
  const pointers = await listLfsPointers(repositoryPath(ctx.project.id));
  const present = new Set(
    (await db.projectLfsObject.findMany({ where: { projectId: ctx.project.id, oid: { in: pointers.map((pointer) => pointer.oid) } }, select: { oid: true } })).map((row) => row.oid),
  );
  const missing = pointers.filter((pointer) => !present.has(pointer.oid));
  if (missing.length === 0) return;
  const { stored, failed } = await downloadLfsPointers(ctx, repository, missing, "sync_lfs_objects");
  await addSyncCounts(syncId, "lfs_object", { created: stored, failed });
}
