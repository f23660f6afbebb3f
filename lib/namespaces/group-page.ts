import type { Actor } from "@/lib/projects/access";
import { canManagePlaceholders } from "@/lib/projects/access";
import { listNamespaceProjects } from "@/lib/projects/read";
import { db } from "@/lib/db";
import { groupAncestors, listGroupMembers, listSubgroups, type NamespaceItem } from "./read";

/** Everything a group's page shows, read for a caller who can see the group. */
export async function readGroupPage(user: Actor | null, group: NamespaceItem, page: number) {
  const topPath = group.fullPath.split("/")[0]!;
  const [ancestors, projects, subgroups, { members, more }, top] = await Promise.all([
    groupAncestors(group.fullPath),
    listNamespaceProjects(user, group.id, { page }),
    listSubgroups(user, group.id),
    listGroupMembers(group.id),
    db.namespace.findUnique({ where: { fullPath: topPath }, select: { id: true, ownerId: true, parentId: true, fullPath: true } }),
  ]);
  const placeholdersHref = user && top && (await canManagePlaceholders(user, top)) ? `/groups/${top.fullPath}/-/placeholders` : null;
  return { group, ancestors, projects, subgroups, members, moreMembers: more, placeholdersHref };
}
