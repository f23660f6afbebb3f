import { db } from "@/lib/db";

/** GitLab's access level names. */
export const ACCESS_LEVEL_DESCRIPTIONS: Record<number, string> = { 0: "No one", 30: "Developers + Maintainers", 40: "Maintainers", 60: "Admins" };

export type ProtectedBranch = Awaited<ReturnType<typeof listProtectedBranches>>[number];

/** The project's protected branches, by name (the one read model for pages and the API; callers check read access). */
export async function listProtectedBranches(projectId: number) {
  return db.protectedBranch.findMany({ where: { projectId }, orderBy: { name: "asc" } });
}
