import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { personalNamespace } from "./targets";

export type ImportableNamespace = { fullPath: string; kind: "user" | "group" };

/** Admins may import anywhere; the picker offers at most this many groups. */
const ADMIN_GROUP_LIMIT = 1000;

/**
 * The namespaces the picker offers as import targets: the user's personal namespace first, then
 * every group where the user is at least Maintainer, with all of their subgroups (a role on a
 * group carries over to the groups below it). The same rule canImportInto enforces on the server.
 */
export async function listImportableNamespaces(user: SessionUser): Promise<ImportableNamespace[]> {
  const personal = await personalNamespace(db, user);
  const groups = user.isAdmin
    ? await db.namespace.findMany({ where: { kind: "group" }, select: { fullPath: true }, orderBy: { fullPath: "asc" }, take: ADMIN_GROUP_LIMIT })
    : await db.$queryRaw<Array<{ fullPath: string }>>`
        WITH RECURSIVE managed(id) AS (
          SELECT namespace_id FROM memberships WHERE user_id = ${user.id} AND role IN ('maintainer', 'owner')
          UNION
          SELECT n.id FROM namespaces n JOIN managed m ON n.parent_id = m.id
        )
        SELECT n.full_path AS "fullPath" FROM namespaces n
        WHERE n.kind = 'group' AND n.id IN (SELECT id FROM managed)
        ORDER BY n.full_path`;
  return [{ fullPath: personal.fullPath, kind: "user" }, ...groups.map((group) => ({ fullPath: group.fullPath, kind: "group" as const }))];
}
