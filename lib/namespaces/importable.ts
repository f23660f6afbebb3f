import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { importableNamespacesWhere } from "@/lib/projects/access";
import { personalNamespace } from "./targets";

export type ImportableNamespace = { fullPath: string; kind: "user" | "group" };

/** The picker offers at most this many groups (admins may import anywhere). */
const GROUP_LIMIT = 1000;

/**
 * The namespaces the picker offers as import targets: the user's personal namespace first, then
 * every group where the user is at least Maintainer, with all of their subgroups (a role on a
 * group carries over to the groups below it). The filter that matches canImportInto, the server's check.
 */
export async function listImportableNamespaces(user: SessionUser): Promise<ImportableNamespace[]> {
  const personal = await personalNamespace(db, user);
  const groups = await db.namespace.findMany({
    where: { kind: "group", ...(await importableNamespacesWhere(user)) },
    select: { fullPath: true },
    orderBy: { fullPath: "asc" },
    take: GROUP_LIMIT,
  });
  return [{ fullPath: personal.fullPath, kind: "user" }, ...groups.map((group) => ({ fullPath: group.fullPath, kind: "group" as const }))];
}
