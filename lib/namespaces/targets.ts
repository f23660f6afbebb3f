import type { SessionUser } from "@/lib/auth";
import { db, type DbTransaction, type Namespace } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { AppError } from "@/lib/errors";
import { canImportInto } from "@/lib/projects/access";
import { namespacePathProblem, splitNamespacePath } from "./paths";

/**
 * Where an import may put its project:
 * - no target: the user's personal namespace;
 * - a target that does not exist is created as a group (nested paths too), the user its Owner;
 * - a target the user may not import into ("taken") falls back to the personal namespace with a
 *   warning (or is refused, when the caller asks for that);
 * - importing into an existing namespace needs the right to import there (canImportInto in lib/projects/access).
 */

export type ImportTarget = { namespace: Namespace; warning: string | null; created: boolean };
export type TakenNamespacePolicy = "fallback" | "reject";

export { namespacePathProblem, splitNamespacePath };

export async function personalNamespace(tx: DbTransaction | typeof db, user: SessionUser): Promise<Namespace> {
  const namespace = await tx.namespace.findUnique({ where: { ownerId: user.id } });
  if (!namespace) throw new AppError("namespace_missing", "Your personal namespace is missing.");
  return namespace;
}

/**
 * Resolves (and creates, when missing) the namespace an import goes to. Run inside the
 * transaction that creates the project, so a created group and the project land together.
 */
export async function resolveImportTarget(
  tx: DbTransaction,
  user: SessionUser,
  target: string | null | undefined,
  policy: TakenNamespacePolicy = "fallback",
): Promise<ImportTarget> {
  const personal = await personalNamespace(tx, user);
  if (!target || target.trim() === "" || target.trim().toLowerCase() === personal.fullPath.toLowerCase()) {
    return { namespace: personal, warning: null, created: false };
  }
  const problem = namespacePathProblem(target);
  if (problem) throw new AppError("invalid_namespace", problem);
  const segments = splitNamespacePath(target);

  const taken = (fullPath: string): ImportTarget => {
    if (policy === "reject") {
      throw new AppError("namespace_forbidden", `You are not allowed to import projects in the namespace ${fullPath}.`);
    }
    return {
      namespace: personal,
      warning: `The namespace ${fullPath} is taken (you cannot import into it), so the project was imported into your personal namespace ${personal.fullPath} instead.`,
      created: false,
    };
  };

  let parent: Namespace | null = null;
  let created = false;
  for (let depth = 0; depth < segments.length; depth++) {
    const fullPath = segments.slice(0, depth + 1).join("/");
    // Serialize concurrent imports creating the same group path.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`namespace:${fullPath.toLowerCase()}`}))`;
    const existing: Namespace | null = await tx.namespace.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) } });
    if (existing) {
      if (existing.kind === "user" && existing.ownerId !== user.id) return taken(segments.join("/"));
      parent = existing;
      continue;
    }
    if (parent && !(await canImportInto(user, parent.id, tx))) return taken(segments.join("/"));
    if (parent?.kind === "user") {
      throw new AppError("invalid_namespace", `Groups can't be created inside the personal namespace ${parent.fullPath}. Choose a group, or a new top-level group path.`);
    }
    const clash = await tx.project.findFirst({ where: { fullPath: sameTextIgnoringCase(fullPath) }, select: { fullPath: true } });
    if (clash) throw new AppError("invalid_namespace", `${clash.fullPath} is a project, not a group. Choose another namespace.`);
    const segment = segments[depth]!;
    const group: Namespace = await tx.namespace.create({
      data: { kind: "group", name: segment, path: segment, fullPath, parentId: parent?.id ?? null },
    });
    await tx.membership.create({ data: { userId: user.id, namespaceId: group.id, role: "owner" } });
    parent = group;
    created = true;
  }
  if (!created && !(await canImportInto(user, parent!.id, tx))) return taken(parent!.fullPath);
  return { namespace: parent!, warning: null, created };
}
