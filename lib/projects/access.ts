import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import type { Role, Visibility } from "@/lib/generated/prisma/enums";

/**
 * Who may see and manage a project. Every project page and project action asks this one
 * function; a project the caller cannot read must look exactly like a missing one (404).
 *
 * - Public projects: readable by anyone, signed in or not.
 * - Private and internal projects: readable only by the owner of the personal namespace
 *   the project lives in, members of the project's namespace or of any ancestor
 *   namespace, and admins.
 * - Manage (cancel or retry an import, …): Maintainer or Owner anywhere on the namespace
 *   chain, the personal namespace's owner, or an admin.
 */

export type ProjectAccess = {
  canRead: boolean;
  canManage: boolean;
  /** The caller's effective role: the highest membership on the namespace chain, "owner" for the personal namespace's owner; null otherwise (also for admins who are not members). */
  role: Role | null;
};

/** What projectAccess needs to know about the project. */
export type AccessSubject = { namespaceId: number; visibility: Visibility };

const ROLE_LEVEL: Record<Role, number> = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 };

export function roleLevel(role: Role): number {
  return ROLE_LEVEL[role];
}

export function highestRole(roles: readonly Role[]): Role | null {
  let best: Role | null = null;
  for (const role of roles) if (!best || ROLE_LEVEL[role] > ROLE_LEVEL[best]) best = role;
  return best;
}

type ChainRow = { id: number; owner_id: string | null; role: Role | null };

/** The namespace and its ancestors, with the user's membership (if any) in each. */
async function namespaceChain(namespaceId: number, userId: string): Promise<ChainRow[]> {
  // UNION (not UNION ALL) also stops on a corrupted tree that loops.
  return db.$queryRaw<ChainRow[]>`
    WITH RECURSIVE chain(id, parent_id, owner_id) AS (
      SELECT id, parent_id, owner_id FROM namespaces WHERE id = ${namespaceId}
      UNION
      SELECT n.id, n.parent_id, n.owner_id FROM namespaces n JOIN chain c ON n.id = c.parent_id
    )
    SELECT chain.id, chain.owner_id, m.role::text AS role
    FROM chain LEFT JOIN memberships m ON m.namespace_id = chain.id AND m.user_id = ${userId}`;
}

export async function projectAccess(user: SessionUser | null, project: AccessSubject): Promise<ProjectAccess> {
  const isPublic = project.visibility === "public";
  if (!user) return { canRead: isPublic, canManage: false, role: null };

  const chain = await namespaceChain(project.namespaceId, user.id);
  const ownsPersonalNamespace = chain.some((row) => row.owner_id === user.id);
  const memberRole = highestRole(chain.flatMap((row) => (row.role ? [row.role] : [])));
  const role: Role | null = ownsPersonalNamespace ? "owner" : memberRole;

  const canManage = user.isAdmin || (role !== null && ROLE_LEVEL[role] >= ROLE_LEVEL.maintainer);
  const canRead = isPublic || user.isAdmin || role !== null;
  return { canRead, canManage, role };
}
