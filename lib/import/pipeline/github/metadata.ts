import { db, type Prisma } from "@/lib/db";
import { sourceUserOf, type GitHubProtection, type GitHubRelease } from "@/lib/import/sources/github";
import type { ImportContext } from "../context";
import { addMessage, addProgress, errorMessage, recordFailure, type ObjectType } from "../records";
import { localiseWrittenTexts } from "./attachments";
import { GitHubText } from "./text";

/** GitLab's access levels. */
export const ACCESS_LEVEL = { noOne: 0, developer: 30, maintainer: 40 } as const;

/**
 * How a GitHub branch protection rule becomes Ferry's push and merge levels:
 *
 * - pull request reviews required: nobody pushes directly (changes arrive as merge requests),
 *   Developers and Maintainers merge; GitHub's required approval count is kept with the rule;
 * - pushes restricted to people: only those people push (the mapped ones are listed), Maintainers merge;
 * - otherwise (e.g. only status checks): Developers and Maintainers push and merge;
 * - force pushes allowed / code owner reviews required are kept as such.
 */
export function protectionLevels(rule: GitHubProtection): { push: number; merge: number; pushLogins: string[]; allowForcePush: boolean; codeOwners: boolean } {
  const reviews = rule.required_pull_request_reviews;
  const pushLogins = (rule.restrictions?.users ?? []).flatMap((user) => (user ? [user.login] : []));
  const restricted = rule.restrictions != null;
  return {
    push: reviews || restricted ? ACCESS_LEVEL.noOne : ACCESS_LEVEL.developer,
    merge: reviews ? ACCESS_LEVEL.developer : restricted ? ACCESS_LEVEL.maintainer : ACCESS_LEVEL.developer,
    pushLogins,
    allowForcePush: rule.allow_force_pushes?.enabled ?? false,
    codeOwners: reviews?.require_code_owner_reviews ?? false,
  };
}

/** GitHub's repository roles as Ferry roles. */
export const COLLABORATOR_ROLES: Record<string, "guest" | "reporter" | "developer" | "maintainer" | "owner"> = {
  read: "guest",
  pull: "guest",
  triage: "reporter",
  write: "developer",
  push: "developer",
  maintain: "maintainer",
  admin: "owner",
};

/** Runs one part of the metadata; a failure is recorded against its object type and the others go on. */
async function part(ctx: ImportContext, objectType: ObjectType, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if ((error as { code?: string }).code === "github_rate_limited") throw error;
    await recordFailure(ctx.importId, { stage: "github_metadata", objectType, sourceId: objectType, message: `The ${objectType.replace("_", " ")}s could not be imported: ${errorMessage(error)}` });
  }
}

/** Waits for every part, then rethrows the first failure a part let through (a rate limit). */
async function settled(parts: ReadonlyArray<Promise<void>>): Promise<void> {
  const failed = (await Promise.allSettled(parts)).find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}

/** The release row of a published GitHub release (its assets kept as links). */
export function releaseRow(projectId: number, text: GitHubText, release: GitHubRelease) {
  return {
    projectId,
    tagName: release.tag_name,
    name: release.name || release.tag_name,
    description: text.convert(release.body ?? "", null, true),
    links: release.assets.map((asset) => ({ name: asset.name, url: asset.browser_download_url })),
    upcoming: release.prerelease,
    createdAt: new Date(release.created_at),
    releasedAt: release.published_at ? new Date(release.published_at) : null,
    sourceId: String(release.id),
  };
}

/** The attachments release descriptions link to, downloaded, and the descriptions pointed at them. */
export async function localiseReleaseTexts(ctx: ImportContext, releases: readonly GitHubRelease[]): Promise<void> {
  const projectId = ctx.project.id;
  await localiseWrittenTexts(
    ctx,
    new Map(releases.map((release) => [release.id, release.body])),
    async (ids) =>
      (await db.release.findMany({ where: { projectId, sourceId: { in: ids.map(String) } }, select: { id: true, sourceId: true, description: true } })).map((row) => ({
        id: row.id,
        key: Number(row.sourceId),
        owner: { releaseId: row.id },
        text: row.description,
      })),
    (row, description) => db.release.update({ where: { id: row.id }, data: { description } }),
  );
}

export async function importGitHubMetadata(ctx: ImportContext): Promise<void> {
  const projectId = ctx.project.id;
  const source = ctx.github;
  const text = await GitHubText.forContext(ctx);
  // The parts are independent of each other: their requests go out together.
  const parts: Array<Promise<void>> = [];
  parts.push(part(ctx, "label", async () => {
    const labels = await source.labels();
    await db.label.createMany({ data: labels.map((label) => ({ projectId, title: label.name, color: `#${label.color ?? "ededed"}`, description: label.description ?? null })), skipDuplicates: true });
    await addProgress(ctx.importId, "label", { total: labels.length, fetched: labels.length, imported: labels.length });
  }));
  parts.push(part(ctx, "milestone", async () => {
    const milestones = await source.milestones();
    await db.milestone.createMany({
      data: milestones.map((milestone) => ({
        projectId,
        iid: milestone.number,
        title: milestone.title,
        description: milestone.description ?? "",
        state: milestone.state === "closed" ? ("closed" as const) : ("active" as const),
        dueDate: milestone.due_on ? new Date(milestone.due_on) : null,
        sourceId: String(milestone.id),
        createdAt: new Date(milestone.created_at),
      })),
      skipDuplicates: true,
    });
    await addProgress(ctx.importId, "milestone", { total: milestones.length, fetched: milestones.length, imported: milestones.length });
  }));
  parts.push(part(ctx, "release", async () => {
    const releases = (await source.releases()).filter((release) => !release.draft);
    await text.remember(ctx, releases.map((release) => sourceUserOf(release.author)));
    await db.release.createMany({ data: releases.map((release) => releaseRow(projectId, text, release)), skipDuplicates: true });
    await localiseReleaseTexts(ctx, releases);
    await addProgress(ctx.importId, "release", { total: releases.length, fetched: releases.length, imported: releases.length });
  }));
  parts.push(part(ctx, "protected_branch", async () => {
    const branches = (await source.branches()).filter((branch) => branch.protected);
    await addProgress(ctx.importId, "protected_branch", { total: branches.length });
    for (const branch of branches) {
      const rule = await source.protection(branch.name);
      const levels = protectionLevels(rule);
      const pushUsers: Prisma.InputJsonValue[] = [];
      for (const user of rule.restrictions?.users ?? []) {
        const sourceUser = sourceUserOf(user);
        if (sourceUser) pushUsers.push({ sourceUserId: sourceUser.id, login: sourceUser.username, userId: await ctx.mappedUserFor(sourceUser) });
      }
      const data = {
        pushAccessLevel: levels.push,
        mergeAccessLevel: levels.merge,
        allowForcePush: levels.allowForcePush,
        codeOwnerApprovalRequired: levels.codeOwners,
        pushUsers,
        sourceRule: {
          requiredApprovingReviewCount: rule.required_pull_request_reviews?.required_approving_review_count ?? 0,
          dismissStaleReviews: rule.required_pull_request_reviews?.dismiss_stale_reviews ?? false,
          enforceAdmins: rule.enforce_admins?.enabled ?? false,
          requiredStatusChecks: rule.required_status_checks?.contexts ?? [],
        },
      };
      await db.protectedBranch.upsert({ where: { projectId_name: { projectId, name: branch.name } }, create: { projectId, name: branch.name, ...data }, update: data });
      await addProgress(ctx.importId, "protected_branch", { fetched: 1, imported: 1 });
    }
  }));
  if (!(ctx.row.options as { github?: { collaborators?: boolean } } | null)?.github?.collaborators) return settled(parts);
  parts.push(part(ctx, "collaborator", async () => {
    // Only collaborators who map to a Ferry user become project members (keyed by user and project,
    // so a repeated run updates instead of duplicating); the others are listed in a message.
    const collaborators = await source.collaborators();
    await text.remember(ctx, collaborators.map((collaborator) => sourceUserOf({ id: collaborator.id, login: collaborator.login })));
    await addProgress(ctx.importId, "collaborator", { total: collaborators.length, fetched: collaborators.length });
    const unmapped: string[] = [];
    for (const collaborator of collaborators) {
      const role = COLLABORATOR_ROLES[collaborator.role_name ?? ""];
      const userId = role ? await ctx.mappedUserFor(sourceUserOf({ id: collaborator.id, login: collaborator.login })) : null;
      if (!role || !userId) {
        unmapped.push(`${collaborator.login} (${role ?? collaborator.role_name})`);
        await addProgress(ctx.importId, "collaborator", { skipped: 1 });
        continue;
      }
      await db.projectMembership.upsert({ where: { userId_projectId: { userId, projectId } }, create: { userId, projectId, role }, update: { role } });
      await addProgress(ctx.importId, "collaborator", { imported: 1 });
    }
    if (unmapped.length > 0) {
      await addMessage(ctx.importId, "info", "collaborators_not_members", `GitHub collaborators without a linked Ferry account were not added as members: ${unmapped.join(", ")}.`);
    }
  }));
  await settled(parts);
}
