import { db, type Prisma } from "@/lib/db";
import type { MergeRequestState } from "@/lib/generated/prisma/enums";
import { countByState, firstValue, loadPage, type PageOptions, type Paged } from "@/lib/db/paging";
import { personSelect } from "@/lib/users/people";
import { listOrderBy, workItemSelect, workItemWhere, type ListOrder, type WorkItemFilter } from "@/lib/work-items";

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
  ...workItemSelect,
  draft: true,
  sourceBranch: true,
  targetBranch: true,
  sourceSha: true,
  targetSha: true,
  mergeCommitSha: true,
  sourceFork: true,
  sourceClosedBy: true,
  mergedAt: true,
  mergedBy: { select: personSelect },
  closedBy: { select: personSelect },
  reviewers: { select: { sourceUserId: true, sourceUser: true, user: { select: personSelect } } },
  approvals: { select: approvalSelect, orderBy: [{ approvedAt: "asc" }, { id: "asc" }] },
  _count: { select: { notes: { where: { system: false, deletedAtSource: null } }, approvals: true } },
} satisfies Prisma.MergeRequestSelect;

export type MergeRequestItem = Prisma.MergeRequestGetPayload<{ select: typeof mergeRequestSelect }>;

export type MergeRequestFilter = WorkItemFilter<MergeRequestState | "locked"> & {
  sourceBranch?: string;
  targetBranch?: string;
};

export async function listMergeRequests(projectId: number, options: MergeRequestFilter & ListOrder & PageOptions): Promise<Paged<MergeRequestItem>> {
  const state = options.state;
  const where: Prisma.MergeRequestWhereInput = {
    AND: [
      // Ferry never locks merge requests, so "locked" matches none.
      ...(state === "locked" ? [{ id: -1 }] : workItemWhere(projectId, { ...options, state })),
      options.sourceBranch !== undefined ? { sourceBranch: options.sourceBranch } : {},
      options.targetBranch !== undefined ? { targetBranch: options.targetBranch } : {},
    ],
  };
  const rows = (range: { skip?: number; take?: number }) => db.mergeRequest.findMany({ where, select: mergeRequestSelect, orderBy: listOrderBy(options), ...range });
  return loadPage(options, rows, () => db.mergeRequest.count({ where }));
}

/** Merge requests per state, for the state tabs. */
export async function mergeRequestStateCounts(projectId: number): Promise<Record<MergeRequestStateFilter, number>> {
  const groups = await db.mergeRequest.groupBy({ by: ["state"], where: { projectId }, _count: { _all: true } });
  return countByState(["opened", "merged", "closed"], groups);
}

export async function getMergeRequest(projectId: number, iid: number): Promise<MergeRequestItem | null> {
  return db.mergeRequest.findUnique({ where: { projectId_iid: { projectId, iid } }, select: mergeRequestSelect });
}

export {
  readMergeRequestChanges,
  readMergeRequestCommits,
  placeDiscussions,
  lineKey,
  isUnavailable,
  MERGE_REQUEST_COMMITS_LIMIT,
  type MergeRequestChanges,
  type DiscussionPlacement,
  type OutdatedDiscussion,
  type OriginalContext,
  type Unavailable,
} from "./changes";
