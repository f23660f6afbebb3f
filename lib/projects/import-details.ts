import { db, type Prisma } from "@/lib/db";
import type { ImportStatus } from "@/lib/generated/prisma/enums";
import { importSummarySelect, type Project } from "./read";

/** A project's import as its Import tab and `GET /projects/:id/import` show it: progress, messages, the failure ledger. */

/** The order object types are imported in; unknown types go last. */
const OBJECT_TYPE_ORDER = [
  "repository",
  "wiki",
  "label",
  "milestone",
  "user",
  "pull_request",
  "pull_request_note",
  "approval",
  "issue",
  "issue_note",
  "lfs_object",
];

/** At most this many ledger rows are loaded (unresolved first). */
export const FAILURE_LIMIT = 200;

/** A row of the failure ledger as the pages and the API show it (imports and syncs alike). */
export const FAILURE_SELECT = {
  id: true,
  stage: true,
  objectType: true,
  sourceId: true,
  sourceUrl: true,
  message: true,
  attempts: true,
  resolvedAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ImportFailureSelect;

const importDetailSelect = {
  ...importSummarySelect,
  source: true,
  sourceRepository: true,
  updatedAt: true,
  progress: { select: { objectType: true, total: true, fetched: true, imported: true, failed: true, skipped: true } },
  messages: { select: { id: true, severity: true, code: true, message: true, createdAt: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
  failures: {
    select: FAILURE_SELECT,
    orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { createdAt: "asc" }, { id: "asc" }],
    take: FAILURE_LIMIT,
  },
  _count: { select: { failures: true } },
} satisfies Prisma.ProjectImportSelect;

export type ImportDetails = Prisma.ProjectImportGetPayload<{ select: typeof importDetailSelect }> & {
  unresolvedFailures: number;
  /** Unresolved failures of the import itself (Retry failed items re-runs its stages); a sync's are its own. */
  unresolvedImportFailures: number;
};

export async function getImportDetails(projectId: number): Promise<ImportDetails | null> {
  const details = await db.projectImport.findUnique({ where: { projectId }, select: importDetailSelect });
  if (!details) return null;
  const unresolvedFailures = await db.importFailure.count({ where: { importId: details.id, resolvedAt: null } });
  const unresolvedImportFailures = await db.importFailure.count({ where: { importId: details.id, resolvedAt: null, syncId: null } });
  const rank = (type: string) => {
    const index = OBJECT_TYPE_ORDER.indexOf(type);
    return index === -1 ? OBJECT_TYPE_ORDER.length : index;
  };
  const progress = [...details.progress].sort((a, b) => rank(a.objectType) - rank(b.objectType) || a.objectType.localeCompare(b.objectType));
  return { ...details, progress, unresolvedFailures, unresolvedImportFailures };
}

/** The project an import belongs to (for permission checks in actions). */
export async function findImportProject(importId: number): Promise<{ id: number; fullPath: string; namespaceId: number; visibility: Project["visibility"] } | null> {
  const row = await db.projectImport.findUnique({
    where: { id: importId },
    select: { project: { select: { id: true, fullPath: true, namespaceId: true, visibility: true } } },
  });
  return row?.project ?? null;
}
