import { db, type Prisma } from "@/lib/db";
import type { IssueState } from "@/lib/generated/prisma/enums";
import { countByState, firstValue, loadPage, type PageOptions, type Paged } from "@/lib/db/paging";
import { listOrderBy, workItemSelect, workItemWhere, type ListOrder, type WorkItemFilter } from "@/lib/work-items";

/** A project's issues, read the same way by the pages that show issues and by the API. */

export type IssueStateFilter = IssueState | "all";

/** `?state=` of the issue list: opened unless closed or all. */
export function parseIssueState(value: string | string[] | undefined): IssueStateFilter {
  const raw = firstValue(value);
  return raw === "closed" || raw === "all" ? raw : "opened";
}

export const issueSelect = {
  ...workItemSelect,
  upvotes: true,
  sourceId: true,
  watchers: true,
  _count: { select: { notes: { where: { system: false, deletedAtSource: null } } } },
} satisfies Prisma.IssueSelect;

export type IssueItem = Prisma.IssueGetPayload<{ select: typeof issueSelect }>;

export type IssueFilter = WorkItemFilter<IssueState>;

export async function listIssues(projectId: number, options: IssueFilter & ListOrder & PageOptions): Promise<Paged<IssueItem>> {
  const where: Prisma.IssueWhereInput = { AND: workItemWhere(projectId, options) };
  return loadPage(options, (range) => db.issue.findMany({ where, select: issueSelect, orderBy: listOrderBy(options), ...range }), () => db.issue.count({ where }));
}

/** Issues per state, for the state tabs. */
export async function issueStateCounts(projectId: number): Promise<Record<IssueStateFilter, number>> {
  const groups = await db.issue.groupBy({ by: ["state"], where: { projectId }, _count: { _all: true } });
  return countByState(["opened", "closed"], groups);
}

export async function getIssue(projectId: number, iid: number): Promise<IssueItem | null> {
  return db.issue.findUnique({ where: { projectId_iid: { projectId, iid } }, select: issueSelect });
}

const attachmentSelect = { id: true, fileName: true, size: true, contentType: true, createdAt: true } satisfies Prisma.AttachmentSelect;
export type IssueAttachmentItem = Prisma.AttachmentGetPayload<{ select: typeof attachmentSelect }>;

/** The issue's attachments by name. */
export async function issueAttachments(issueId: number): Promise<IssueAttachmentItem[]> {
  return db.attachment.findMany({ where: { issueId }, select: attachmentSelect, orderBy: [{ fileName: "asc" }, { id: "asc" }] });
}
