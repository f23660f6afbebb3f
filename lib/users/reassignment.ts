import type { SessionUser } from "@/lib/auth";
import { db, type DbTransaction } from "@/lib/db";
import { sameTextIgnoringCase } from "@/lib/db/same-text";
import { AppError } from "@/lib/errors";
import type { ReassignmentStatus } from "@/lib/generated/prisma/enums";
import { CsvError, parseCsv } from "./csv";
import { CSV_COLUMNS, requirePlaceholderManager } from "./placeholders";

/**
 * Reassigning a placeholder's contributions to a Ferry user. The states:
 *
 *   pending ──request──▶ awaiting_approval ──accept──▶ reassigned (final)
 *      ▲  │                │        └──reject──▶ rejected ──request──▶ …
 *      │  └─keep─▶ kept_as_placeholder ──request──▶ …
 *      └──────cancel───────┘
 *
 * Owners of the top-level namespace request and cancel; only the target user accepts or rejects.
 * Every change is a conditional update on the expected state, so two people acting at once
 * cannot both succeed.
 */

const REQUESTABLE: ReassignmentStatus[] = ["pending", "rejected", "kept_as_placeholder"];

async function placeholderReassignment(placeholderId: string) {
  const row = await db.placeholderReassignment.findUnique({
    where: { placeholderId },
    include: { placeholder: { select: { id: true, username: true, kind: true } }, targetUser: { select: { username: true } } },
  });
  if (!row) throw new AppError("not_found", "Placeholder not found.");
  return row;
}

async function humanUserByUsername(username: string) {
  const user = await db.user.findFirst({
    where: { username: sameTextIgnoringCase(username.trim().replace(/^@/, "")) },
    select: { id: true, username: true, kind: true },
  });
  if (!user) throw new AppError("target_user_not_found", `There is no Ferry user @${username.trim().replace(/^@/, "")}.`);
  if (user.kind !== "human") throw new AppError("target_is_placeholder", `@${user.username} is a placeholder; choose a Ferry user who signs in.`);
  return user;
}

function notRequestable(status: ReassignmentStatus, target: string | undefined): AppError {
  if (status === "awaiting_approval") {
    return new AppError("reassignment_awaiting_approval", `This placeholder is already awaiting approval by @${target}. Cancel that request first.`);
  }
  return new AppError("reassignment_final", `This placeholder was already reassigned to @${target}.`);
}

/** Asks a Ferry user to take over a placeholder's contributions; they accept or reject in their inbox. */
export async function requestReassignment(actor: SessionUser, input: { placeholderId: string; targetUsername: string }): Promise<void> {
  const row = await placeholderReassignment(input.placeholderId);
  await requirePlaceholderManager(actor, row.namespaceId);
  const target = await humanUserByUsername(input.targetUsername);
  if (!REQUESTABLE.includes(row.status)) throw notRequestable(row.status, row.targetUser?.username);
  const { count } = await db.placeholderReassignment.updateMany({
    where: { id: row.id, status: { in: REQUESTABLE } },
    data: { status: "awaiting_approval", targetUserId: target.id, requestedById: actor.id, requestedAt: new Date(), decidedAt: null },
  });
  if (count !== 1) throw new AppError("reassignment_changed", "Someone changed this placeholder meanwhile. Reload and try again.");
}

/** Withdraws a request that the target has not answered yet. */
export async function cancelReassignment(actor: SessionUser, input: { placeholderId: string }): Promise<void> {
  const row = await placeholderReassignment(input.placeholderId);
  await requirePlaceholderManager(actor, row.namespaceId);
  const { count } = await db.placeholderReassignment.updateMany({
    where: { id: row.id, status: "awaiting_approval" },
    data: { status: "pending", targetUserId: null, requestedById: null, requestedAt: null },
  });
  if (count !== 1) throw new AppError("reassignment_not_awaiting", "This placeholder has no request awaiting approval.");
}

/** Decides that the contributions stay with the placeholder (it can still be reassigned later). */
export async function keepAsPlaceholder(actor: SessionUser, input: { placeholderId: string }): Promise<void> {
  const row = await placeholderReassignment(input.placeholderId);
  await requirePlaceholderManager(actor, row.namespaceId);
  const { count } = await db.placeholderReassignment.updateMany({
    where: { id: row.id, status: { in: ["pending", "rejected"] } },
    data: { status: "kept_as_placeholder", targetUserId: null, decidedAt: new Date() },
  });
  if (count !== 1) throw new AppError("reassignment_changed", "Only a placeholder that is not awaiting approval or reassigned can be kept.");
}

export type MovedContributions = { issues: number; mergeRequests: number; notes: number; approvals: number; reviews: number; assignments: number };

/** Every imported contribution of the placeholder goes to the user. */
export async function moveContributions(tx: DbTransaction, placeholderId: string, userId: string): Promise<MovedContributions> {
  const issues = await tx.issue.updateMany({ where: { authorId: placeholderId }, data: { authorId: userId } });
  const issueAssignments = await tx.issue.updateMany({ where: { assigneeId: placeholderId }, data: { assigneeId: userId } });
  const mergeRequests = await tx.mergeRequest.updateMany({ where: { authorId: placeholderId }, data: { authorId: userId } });
  const mergeRequestAssignments = await tx.mergeRequest.updateMany({ where: { assigneeId: placeholderId }, data: { assigneeId: userId } });
  // In the lists of assignees the user takes the placeholder's place, or keeps their own where already assigned.
  await tx.$executeRaw`UPDATE issue_assignees AS a SET user_id = ${userId} WHERE a.user_id = ${placeholderId}
    AND NOT EXISTS (SELECT 1 FROM issue_assignees AS b WHERE b.issue_id = a.issue_id AND b.user_id = ${userId})`;
  await tx.issueAssignee.deleteMany({ where: { userId: placeholderId } });
  await tx.$executeRaw`UPDATE merge_request_assignees AS a SET user_id = ${userId} WHERE a.user_id = ${placeholderId}
    AND NOT EXISTS (SELECT 1 FROM merge_request_assignees AS b WHERE b.merge_request_id = a.merge_request_id AND b.user_id = ${userId})`;
  await tx.mergeRequestAssignee.deleteMany({ where: { userId: placeholderId } });
  await tx.mergeRequest.updateMany({ where: { mergedById: placeholderId }, data: { mergedById: userId } });
  await tx.mergeRequest.updateMany({ where: { closedById: placeholderId }, data: { closedById: userId } });
  const notes = await tx.note.updateMany({ where: { authorId: placeholderId }, data: { authorId: userId } });
  const approvals = await tx.approval.updateMany({ where: { userId: placeholderId }, data: { userId } });
  const reviews = await tx.mergeRequestReviewer.updateMany({ where: { userId: placeholderId }, data: { userId } });
  return {
    issues: issues.count,
    mergeRequests: mergeRequests.count,
    notes: notes.count,
    approvals: approvals.count,
    reviews: reviews.count,
    assignments: issueAssignments.count + mergeRequestAssignments.count,
  };
}

async function reassignmentForTarget(actor: SessionUser, reassignmentId: number) {
  const row = await db.placeholderReassignment.findUnique({ where: { id: reassignmentId } });
  // Only the person asked sees the request; anyone else gets a 404.
  if (!row || row.targetUserId !== actor.id) throw new AppError("not_found", "Reassignment request not found.");
  if (row.status !== "awaiting_approval") throw new AppError("reassignment_not_awaiting", "This request was already answered or withdrawn.");
  return row;
}

/** The target accepts: the placeholder's contributions become theirs, all in one transaction. */
export async function acceptReassignment(actor: SessionUser, input: { reassignmentId: number }): Promise<MovedContributions> {
  const row = await reassignmentForTarget(actor, input.reassignmentId);
  return db.$transaction(
    async (tx) => {
      const { count } = await tx.placeholderReassignment.updateMany({
        where: { id: row.id, status: "awaiting_approval", targetUserId: actor.id },
        data: { status: "reassigned", decidedAt: new Date() },
      });
      if (count !== 1) throw new AppError("reassignment_not_awaiting", "This request was already answered or withdrawn.");
      return moveContributions(tx, row.placeholderId, actor.id);
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** The target rejects: attribution stays with the placeholder; the Owners may ask someone else. */
export async function rejectReassignment(actor: SessionUser, input: { reassignmentId: number }): Promise<void> {
  const row = await reassignmentForTarget(actor, input.reassignmentId);
  const { count } = await db.placeholderReassignment.updateMany({
    where: { id: row.id, status: "awaiting_approval", targetUserId: actor.id },
    data: { status: "rejected", decidedAt: new Date() },
  });
  if (count !== 1) throw new AppError("reassignment_not_awaiting", "This request was already answered or withdrawn.");
}

// ---------------------------------------------------------------------------------------------
// Bulk reassignment by CSV

export const MAX_CSV_BYTES = 2 * 1024 * 1024;
const MAX_CSV_ROWS = 20_000;

export type CsvRowError = { line: number; message: string };
export type CsvResult = {
  /** Requests sent (the targets accept or reject them in their inbox). */
  requested: Array<{ line: number; placeholder: string; target: string }>;
  /** Rows that asked for what is already the case, or left ferry_username empty. */
  unchanged: number;
  errors: CsvRowError[];
};

/**
 * Reads a filled-in placeholder sheet: every row is validated and every error reported with its
 * line; the valid rows are applied. A row names its placeholder by placeholder_username (or
 * source_uuid) and the Ferry user in ferry_username; an empty ferry_username leaves it as it is.
 */
export async function applyReassignmentCsv(actor: SessionUser, input: { namespaceId: number; csv: string }): Promise<CsvResult> {
  await requirePlaceholderManager(actor, input.namespaceId);
  if (Buffer.byteLength(input.csv, "utf8") > MAX_CSV_BYTES) {
    throw new AppError("csv_too_large", `The file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB.`);
  }
  let rows;
  try {
    rows = parseCsv(input.csv);
  } catch (error) {
    if (error instanceof CsvError) throw new AppError("csv_invalid", `The file is not valid CSV: ${error.message}.`);
    throw error;
  }
  const [header, ...body] = rows;
  if (!header) throw new AppError("csv_empty", "The file is empty. Download the placeholder list, fill in ferry_username and upload it.");
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  const column = (name: (typeof CSV_COLUMNS)[number]) => columns.indexOf(name);
  const placeholderColumn = column("placeholder_username");
  const uuidColumn = column("source_uuid");
  const targetColumn = column("ferry_username");
  if (targetColumn === -1 || (placeholderColumn === -1 && uuidColumn === -1)) {
    throw new AppError("csv_columns", "The file needs the columns ferry_username and placeholder_username (or source_uuid), as in the downloaded list.");
  }
  if (body.length > MAX_CSV_ROWS) throw new AppError("csv_too_many_rows", `The file has more than ${MAX_CSV_ROWS} rows.`);

  const placeholders = await db.user.findMany({
    where: { kind: "placeholder", placeholderNamespaceId: input.namespaceId },
    select: {
      id: true,
      username: true,
      placeholderSource: true,
      placeholderReassignment: { select: { id: true, status: true, targetUserId: true, targetUser: { select: { username: true } } } },
    },
  });
  const byUsername = new Map(placeholders.map((placeholder) => [placeholder.username.toLowerCase(), placeholder]));
  const byUuid = new Map(
    placeholders.flatMap((placeholder) => {
      const uuid = (placeholder.placeholderSource as { uuid?: unknown } | null)?.uuid;
      return typeof uuid === "string" ? [[uuid.toLowerCase(), placeholder] as const] : [];
    }),
  );

  const result: CsvResult = { requested: [], unchanged: 0, errors: [] };
  const seen = new Map<string, number>();
  const targets = new Map<string, { id: string; username: string } | AppError>();
  const valid: Array<{ line: number; placeholder: (typeof placeholders)[number]; target: { id: string; username: string } }> = [];

  for (const row of body) {
    const cell = (index: number) => (index === -1 ? "" : (row.fields[index] ?? "").trim());
    const placeholderName = cell(placeholderColumn).replace(/^'/, "");
    const uuid = cell(uuidColumn).replace(/^'/, "");
    const targetName = cell(targetColumn).replace(/^'/, "").replace(/^@/, "");
    const placeholder = (placeholderName && byUsername.get(placeholderName.toLowerCase())) || (uuid && byUuid.get(uuid.toLowerCase())) || null;
    if (!placeholder) {
      result.errors.push({ line: row.line, message: placeholderName || uuid ? `No placeholder ${placeholderName || uuid} in this group.` : "The row names no placeholder." });
      continue;
    }
    const earlier = seen.get(placeholder.id);
    if (earlier !== undefined) {
      result.errors.push({ line: row.line, message: `Placeholder ${placeholder.username} is already on line ${earlier}.` });
      continue;
    }
    seen.set(placeholder.id, row.line);
    if (!targetName) {
      result.unchanged++;
      continue;
    }
    if (!targets.has(targetName.toLowerCase())) {
      targets.set(
        targetName.toLowerCase(),
        await humanUserByUsername(targetName).catch((error: unknown) => {
          if (error instanceof AppError) return error;
          throw error;
        }),
      );
    }
    const target = targets.get(targetName.toLowerCase())!;
    if (target instanceof AppError) {
      result.errors.push({ line: row.line, message: target.message });
      continue;
    }
    const state = placeholder.placeholderReassignment;
    if (state && (state.status === "awaiting_approval" || state.status === "reassigned")) {
      if (state.targetUserId === target.id) result.unchanged++;
      else result.errors.push({ line: row.line, message: notRequestable(state.status, state.targetUser?.username).message });
      continue;
    }
    valid.push({ line: row.line, placeholder, target });
  }

  for (const { line, placeholder, target } of valid) {
    try {
      await requestReassignment(actor, { placeholderId: placeholder.id, targetUsername: target.username });
      result.requested.push({ line, placeholder: placeholder.username, target: target.username });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      result.errors.push({ line, message: error.message });
    }
  }
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

// ---------------------------------------------------------------------------------------------
// The target's inbox

export type InboxRequest = {
  id: number;
  status: ReassignmentStatus;
  placeholder: { id: string; username: string; name: string | null; source: unknown };
  namespace: { fullPath: string; name: string };
  requestedBy: { username: string; name: string | null } | null;
  requestedAt: Date | null;
  decidedAt: Date | null;
};

export async function inboxRequests(userId: string): Promise<{ awaiting: InboxRequest[]; answered: InboxRequest[] }> {
  const rows = await db.placeholderReassignment.findMany({
    where: { targetUserId: userId, status: { in: ["awaiting_approval", "reassigned", "rejected"] } },
    orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
    take: 200,
    include: {
      placeholder: { select: { id: true, username: true, name: true, placeholderSource: true } },
      namespace: { select: { fullPath: true, name: true } },
      requestedBy: { select: { username: true, name: true } },
    },
  });
  const entries = rows.map(
    (row): InboxRequest => ({
      id: row.id,
      status: row.status,
      placeholder: { id: row.placeholder.id, username: row.placeholder.username, name: row.placeholder.name, source: row.placeholder.placeholderSource },
      namespace: row.namespace,
      requestedBy: row.requestedBy,
      requestedAt: row.requestedAt,
      decidedAt: row.decidedAt,
    }),
  );
  return { awaiting: entries.filter((entry) => entry.status === "awaiting_approval"), answered: entries.filter((entry) => entry.status !== "awaiting_approval").slice(0, 20) };
}

export function pendingInboxCount(userId: string): Promise<number> {
  return db.placeholderReassignment.count({ where: { targetUserId: userId, status: "awaiting_approval" } });
}
