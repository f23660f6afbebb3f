import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

async function requireManageableImport(userId: string, importId: number) {
  const row = await db.projectImport.findUnique({
    where: { id: importId },
    include: { project: { include: { namespace: { include: { memberships: { where: { userId } } } } } } },
  });
  const user = await db.user.findUnique({ where: { id: userId }, select: { isAdmin: true } });
  const namespace = row?.project.namespace;
  const allowed =
    Boolean(user?.isAdmin) ||
    namespace?.ownerId === userId ||
    Boolean(namespace?.memberships.some((membership) => membership.role === "maintainer" || membership.role === "owner")) ||
    row?.userId === userId;
  // Someone who cannot manage the project does not learn that the import exists.
  if (!row || !allowed) throw new AppError("not_found", "Import not found.", { status: 404 });
  return row;
}

/** Requests cancellation; the pipeline stops at its next checkpoint, between items. */
export async function cancelImport(userId: string, importId: number): Promise<void> {
  const row = await requireManageableImport(userId, importId);
  if (row.status !== "scheduled" && row.status !== "started") {
    throw new AppError("import_not_running", "Only a pending or running import can be cancelled.", { status: 409 });
  }
  await db.projectImport.update({ where: { id: importId }, data: { cancelRequestedAt: new Date() } });
  // A scheduled import whose first job has not started yet ends at once.
  await db.projectImport.updateMany({ where: { id: importId, status: "scheduled" }, data: { status: "canceled", finishedAt: new Date() } });
}

/** Re-runs the items in the failure ledger that are not resolved yet. */
export async function retryFailedItems(userId: string, importId: number): Promise<void> {
  await requireManageableImport(userId, importId);
  throw new AppError("not_implemented", "Retrying failed items is not available yet.", { status: 501 });
}
