import { db, type Prisma } from "@/lib/db";
import { sourceUserOf, type GitHubCollaborator, type GitHubProtection, type GitHubRelease } from "@/lib/import/sources/github";
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

/** Whether this import makes the repository's collaborators project members. */
export function importsCollaborators(ctx: ImportContext): boolean {
  return (ctx.row.options as { github?: { collaborators?: boolean } } | null)?.github?.collaborators === true;
}

/** The protected branch row (levels, who may push, the source's rule for the record) of a GitHub protection rule. */
export async function protectedBranchData(ctx: ImportContext, rule: GitHubProtection) {
  const levels = protectionLevels(rule);
  const pushUsers: Prisma.InputJsonValue[] = [];
  for (const user of rule.restrictions?.users ?? []) {
    const sourceUser = sourceUserOf(user);
    if (sourceUser) pushUsers.push({ sourceUserId: sourceUser.id, login: sourceUser.username, userId: await ctx.mappedUserFor(sourceUser) });
  }
  return {
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
}

/**
 * Collaborators who map to a Ferry user become project members with their GitHub role (keyed by
 * user and project, so a repeated run updates instead of duplicating); returns how many became
 * members, changed role or stayed as they were, and the others (login and role) for a message.
 */
export async function writeMembers(ctx: ImportContext, collaborators: readonly GitHubCollaborator[]): Promise<{ created: number; updated: number; kept: number; unmapped: string[] }> {
  const projectId = ctx.project.id;
  const text = await GitHubText.forContext(ctx);
  await text.remember(ctx, collaborators.map((collaborator) => sourceUserOf({ id: collaborator.id, login: collaborator.login })));
  const result = { created: 0, updated: 0, kept: 0, unmapped: [] as string[] };
  for (const collaborator of collaborators) {
    const role = COLLABORATOR_ROLES[collaborator.role_name ?? ""];
    const userId = role ? await ctx.mappedUserFor(sourceUserOf({ id: collaborator.id, login: collaborator.login })) : null;
    if (!role || !userId) {
      result.unmapped.push(`${collaborator.login} (${role ?? collaborator.role_name})`);
      continue;
    }
    const current = await db.projectMembership.findUnique({ where: { userId_projectId: { userId, projectId } }, select: { role: true } });
    if (current?.role === role) {
      result.kept++;
      continue;
    }
    await db.projectMembership.upsert({ where: { userId_projectId: { userId, projectId } }, create: { userId, projectId, role }, update: { role } });
    if (current) result.updated++;
    else result.created++;
  }
  return result;
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
      const data = await protectedBranchData(ctx, await source.protection(branch.name));
      await db.protectedBranch.upsert({ where: { projectId_name: { projectId, name: branch.name } }, create: { projectId, name: branch.name, ...data }, update: data });
      await addProgress(ctx.importId, "protected_branch", { fetched: 1, imported: 1 });
    }
  }));
  if (!importsCollaborators(ctx)) return settled(parts);
  parts.push(part(ctx, "collaborator", async () => {
    const collaborators = await source.collaborators();
    await addProgress(ctx.importId, "collaborator", { total: collaborators.length, fetched: collaborators.length });
    const { unmapped, created, updated, kept } = await writeMembers(ctx, collaborators);
    await addProgress(ctx.importId, "collaborator", { imported: created + updated + kept, skipped: unmapped.length });
    if (unmapped.length > 0) {
      await addMessage(ctx.importId, "info", "collaborators_not_members", `GitHub collaborators without a linked Ferry account were not added as members: ${unmapped.join(", ")}.`);
    }
  }));
  await settled(parts);
}
