import { db, type Prisma } from "@/lib/db";
import type { MergeRequestState } from "@/lib/generated/prisma/enums";
import { listOrderBy, textSearch, type ListOrder } from "@/lib/db/list-order";
import { countByState, firstValue, loadPage, type PageOptions, type Paged } from "@/lib/db/paging";
import { personSelect } from "@/lib/users/people";

/** A project's merge requests with their reviewers and approvals, as the pages and the API read them. */

export type MergeRequestStateFilter = MergeRequestState | "all";

/** `?state=` of the merge request list: opened unless merged, closed or all. */
export function parseMergeRequestState(value: string | string[] | undefined): MergeRequestStateFilter {
  const raw = firstValue(value);
  return raw === "merged" || raw === "closed" || raw === "all" ? raw : "opened";
}

export const approvalSelect = {
  id: true,
  approvedAt: true,
  sourceUser: true,
  importedFrom: true,
  user: { select: personSelect },
} satisfies Prisma.ApprovalSelect;
export type ApprovalItem = Prisma.ApprovalGetPayload<{ select: typeof approvalSelect }>;

export const mergeRequestSelect = {
  id: true,
  iid: true,
  projectId: true,
  title: true,
  description: true,
  state: true,
  draft: true,
  sourceBranch: true,
  targetBranch: true,
  sourceSha: true,
  targetSha: true,
  mergeCommitSha: true,
  sourceFork: true,
  sourceClosedBy: true,
  createdAt: true,
  updatedAt: true,
  mergedAt: true,
  closedAt: true,
  importedFrom: true,
  author: { select: personSelect },
  assignee: { select: personSelect },
  mergedBy: { select: personSelect },
  closedBy: { select: personSelect },
  reviewers: { select: { sourceUserId: true, sourceUser: true, user: { select: personSelect } } },
  approvals: { select: approvalSelect, orderBy: [{ approvedAt: "asc" }, { id: "asc" }] },
  _count: { select: { notes: { where: { system: false } }, approvals: true } },
} satisfies Prisma.MergeRequestSelect;

export type MergeRequestItem = Prisma.MergeRequestGetPayload<{ select: typeof mergeRequestSelect }>;

export type MergeRequestFilter = {
  /** "locked" matches none: Ferry never locks merge requests. */
  state?: MergeRequestStateFilter | "locked";
  iids?: number[];
  search?: string;
  sourceBranch?: string;
  targetBranch?: string;
};

export async function listMergeRequests(projectId: number, options: MergeRequestFilter & ListOrder & PageOptions): Promise<Paged<MergeRequestItem>> {
  const where: Prisma.MergeRequestWhereInput = {
    AND: [
      { projectId },
      options.state === "locked" ? { id: -1 } : options.state && options.state !== "all" ? { state: options.state } : {},
      options.iids ? { iid: { in: options.iids } } : {},
      options.sourceBranch !== undefined ? { sourceBranch: options.sourceBranch } : {},
      options.targetBranch !== undefined ? { targetBranch: options.targetBranch } : {},
      textSearch(options.search),
    ],
  };
  return loadPage(
    options,
    (range) => db.mergeRequest.findMany({ where, select: mergeRequestSelect, orderBy: listOrderBy(options), ...range }),
    () => db.mergeRequest.count({ where }),
  );
}

export async function mergeRequestStateCounts(projectId: number): Promise<Record<MergeRequestStateFilter, number>> {
  const groups = await db.mergeRequest.groupBy({ by: ["state"], where: { projectId }, _count: { _all: true } });
  return countByState(["opened", "merged", "closed"], groups);
}

export async function getMergeRequest(projectId: number, iid: number): Promise<MergeRequestItem | null> {
  return db.mergeRequest.findUnique({ where: { projectId_iid: { projectId, iid } }, select: mergeRequestSelect });
}
