import { z } from "zod";
import { ACCESS_LEVEL_DESCRIPTIONS, listProtectedBranches, type ProtectedBranch } from "@/lib/projects/protected-branches";
import { listReleases, type Release } from "@/lib/projects/releases";
import { paginateArray, paginationQuery } from "../pagination";
import { apiRoute } from "../route";
import type { ApiRoutes } from "../router";

const pushUserSchema = z.array(z.object({ userId: z.string().nullable().optional() }));

function accessLevels(branch: ProtectedBranch, level: number, users: Array<string | null | undefined> = []) {
  return [
    { id: branch.id * 10, access_level: level, access_level_description: ACCESS_LEVEL_DESCRIPTIONS[level] ?? String(level), user_id: null, group_id: null },
    ...users.filter((userId): userId is string => Boolean(userId)).map((userId, index) => ({ id: branch.id * 10 + index + 1, access_level: 40, access_level_description: "A user", user_id: userId, group_id: null })),
  ];
}

/** GitLab's ProtectedBranch entity. */
function serializeProtectedBranch(branch: ProtectedBranch) {
  const pushUsers = pushUserSchema.safeParse(branch.pushUsers).data ?? [];
  return {
    id: branch.id,
    name: branch.name,
    push_access_levels: accessLevels(branch, branch.pushAccessLevel, pushUsers.map((user) => user.userId)),
    merge_access_levels: accessLevels(branch, branch.mergeAccessLevel),
    unprotect_access_levels: [],
    allow_force_push: branch.allowForcePush,
    code_owner_approval_required: branch.codeOwnerApprovalRequired,
  };
}

const listBranches = apiRoute(
  { name: "list protected branches", access: "read", auth: "optional", project: "read", query: z.object({ ...paginationQuery }) },
  async ({ project, query, request }) => paginateArray(request, await listProtectedBranches(project.id), query, serializeProtectedBranch),
);

/** GitLab's Release entity (asset links only: imported assets stay links to where they were published). */
function serializeRelease(release: Release) {
  return {
    tag_name: release.tagName,
    name: release.name,
    description: release.description,
    created_at: release.createdAt.toISOString(),
    released_at: (release.releasedAt ?? release.createdAt).toISOString(),
    upcoming_release: release.upcoming,
    assets: { count: release.links.length, links: release.links.map((link, index) => ({ id: index + 1, name: link.name, url: link.url, link_type: "other" })) },
  };
}

const listProjectReleases = apiRoute(
  { name: "list releases", access: "read", auth: "optional", project: "read", query: z.object({ ...paginationQuery }) },
  async ({ project, query, request }) => paginateArray(request, await listReleases(project.id), query, serializeRelease),
);

export const protectedBranchRoutes: ApiRoutes = {
  "/projects/:id/protected_branches": { GET: listBranches },
  "/projects/:id/releases": { GET: listProjectReleases },
};
