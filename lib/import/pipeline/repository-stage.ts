import { db } from "@/lib/db";
import { fetchRepository, MIRROR_REFSPECS, repositoryPath, setDefaultBranch, wikiPath } from "@/lib/git";
import { SourceFeatureUnavailable, type SourceRepository } from "@/lib/import/sources/types";
import type { ImportContext } from "./context";
import { addMessage, addProgress, errorMessage, recordFailure, resolveFailure } from "./records";

/** GitLab's four kind labels, plus what Ferry adds as scoped labels on demand. */
export const KIND_LABELS = [
  { title: "bug", color: "#FF0000" },
  { title: "enhancement", color: "#428BCA" },
  { title: "proposal", color: "#69D100" },
  { title: "task", color: "#7F8C8D" },
] as const;

/**
 * Git data, wiki, labels and milestones. A failure of the git data fails the import;
 * the wiki and milestones are recorded per item and the import goes on.
 */
export async function importRepository(ctx: ImportContext): Promise<void> {
  await importGitData(ctx, await ctx.source.repository());
  await db.label.createMany({ data: KIND_LABELS.map((label) => ({ projectId: ctx.project.id, ...label })), skipDuplicates: true });
  await addProgress(ctx.importId, "label", { total: KIND_LABELS.length, fetched: KIND_LABELS.length, imported: KIND_LABELS.length });

  try {
    const milestones = await ctx.source.milestones();
    await addProgress(ctx.importId, "milestone", { total: milestones.length, fetched: milestones.length });
    for (const milestone of milestones) {
      await ensureMilestone(ctx.project.id, milestone.title, milestone.id);
    }
    await addProgress(ctx.importId, "milestone", { imported: milestones.length });
  } catch (error) {
    if (!(error instanceof SourceFeatureUnavailable)) throw error;
    // Milestones belong to the issue tracker; its removal is reported once by the issues stage.
  }
}

/** The project's description and visibility, its git data and its wiki, whatever the source. A failure of the git data fails the import; of the wiki, is recorded. */
export async function importGitData(ctx: ImportContext, repository: SourceRepository): Promise<void> {
  await db.project.update({
    where: { id: ctx.project.id },
    data: {
      description: repository.description,
      visibility: repository.isPrivate ? "private" : "public",
      importUrl: repository.webUrl,
    },
  });
  await addProgress(ctx.importId, "repository", { total: 1, fetched: 1 });

  const repoPath = repositoryPath(ctx.project.id);
  await fetchRepository({
    repoPath,
    remoteUrl: repository.cloneUrl,
    credentials: (refused) => ctx.repositorySource.gitCredentials(refused),
    ...(repository.extraRefspecs ? { refspecs: [...MIRROR_REFSPECS, ...repository.extraRefspecs] } : {}),
  });
  const defaultBranch = await setDefaultBranch(repoPath, repository.defaultBranch);
  await db.project.update({ where: { id: ctx.project.id }, data: { defaultBranch } });
  await addProgress(ctx.importId, "repository", { imported: 1 });
  await ctx.checkpoint();

  if (repository.wikiCloneUrl) {
    try {
      await fetchRepository({ repoPath: wikiPath(ctx.project.id), remoteUrl: repository.wikiCloneUrl, credentials: (refused) => ctx.repositorySource.gitCredentials(refused) });
      // A mirror fetch does not carry the remote's HEAD; point it at the wiki's branch.
      await setDefaultBranch(wikiPath(ctx.project.id), null);
      await db.project.update({ where: { id: ctx.project.id }, data: { hasWiki: true } });
      await addProgress(ctx.importId, "wiki", { total: 1, fetched: 1, imported: 1 });
      await resolveFailure(ctx.importId, "wiki", repository.fullName);
    } catch (error) {
      await addProgress(ctx.importId, "wiki", { total: 1, failed: 1 });
      await recordFailure(ctx.importId, {
        stage: "repository",
        objectType: "wiki",
        sourceId: repository.fullName,
        sourceUrl: `${repository.webUrl}/wiki`,
        message: `The wiki could not be imported: ${errorMessage(error)}`,
      });
    }
  }

}

/** Milestones get per-project iids in creation order; titles are unique per project. */
export async function ensureMilestone(projectId: number, title: string, sourceId: string | null): Promise<number> {
  const existing = await db.milestone.findUnique({ where: { projectId_title: { projectId, title } }, select: { id: true } });
  if (existing) return existing.id;
  for (let attempt = 0; attempt < 5; attempt++) {
    const last = await db.milestone.findFirst({ where: { projectId }, orderBy: { iid: "desc" }, select: { iid: true } });
    try {
      const created = await db.milestone.create({ data: { projectId, title, iid: (last?.iid ?? 0) + 1, sourceId } });
      return created.id;
    } catch (error) {
      const again = await db.milestone.findUnique({ where: { projectId_title: { projectId, title } }, select: { id: true } });
      if (again) return again.id;
      if (attempt === 4) throw error;
    }
  }
  throw new Error("unreachable");
}

export async function reportIssuesUnavailable(ctx: ImportContext, error: SourceFeatureUnavailable): Promise<void> {
  await addMessage(ctx.importId, "info", "issues_unavailable", `Issues skipped: ${error.message}.`);
}
