import type { Prisma } from "@/lib/db";
import { labelSelect } from "@/lib/labels";
import { milestoneSelect } from "@/lib/milestones";
import { personSelect, type Person } from "@/lib/users/people";

/**
 * What issues and merge requests (work items) share in their read models: the columns every
 * list shows, the filters by state, iid and text, and the order of lists.
 */

export const workItemSelect = {
  id: true,
  iid: true,
  projectId: true,
  title: true,
  description: true,
  state: true,
  createdAt: true,
  updatedAt: true,
  closedAt: true,
  importedFrom: true,
  author: { select: personSelect },
  assignee: { select: personSelect },
  assignees: { select: { user: { select: personSelect } }, orderBy: { position: "asc" } },
  milestone: { select: milestoneSelect },
  labels: { select: { label: { select: labelSelect } }, orderBy: { label: { title: "asc" } } },
} satisfies Prisma.IssueSelect & Prisma.MergeRequestSelect;

/**
 * Everyone a work item is assigned to: its list of assignees, or its single assignee when it has
 * no list (items imported from sources with one assignee).
 */
export function assigneesOf(item: { assignee: Person | null; assignees: ReadonlyArray<{ user: Person }> }): Person[] {
  if (item.assignees.length > 0) return item.assignees.map((entry) => entry.user);
  return item.assignee ? [item.assignee] : [];
}

export type WorkItemFilter<State extends string> = {
  /** "all" (or none) matches every state. */
  state?: State | "all";
  iids?: number[];
  /** Part of the title or description, ignoring case. */
  search?: string;
  /** Every label must be on the item; ["None"] means no labels, ["Any"] at least one (in any case). */
  labels?: string[];
  /** A milestone title; "None" means no milestone, "Any" some milestone (in any case). */
  milestone?: string;
};

export type ListOrder = { orderBy?: "created_at" | "updated_at"; sort?: "asc" | "desc" };

/** A condition both issues and merge requests understand. */
type WorkItemCondition = Prisma.IssueWhereInput & Prisma.MergeRequestWhereInput;

function labelConditions(labels: string[] | undefined): WorkItemCondition[] {
  if (!labels || labels.length === 0) return [];
  if (labels.length === 1 && labels[0]!.toLowerCase() === "none") return [{ labels: { none: {} } }];
  if (labels.length === 1 && labels[0]!.toLowerCase() === "any") return [{ labels: { some: {} } }];
  return labels.map((title) => ({ labels: { some: { label: { title } } } }));
}

function milestoneConditions(milestone: string | undefined): WorkItemCondition[] {
  if (milestone === undefined) return [];
  if (milestone.toLowerCase() === "none") return [{ milestoneId: null }];
  if (milestone.toLowerCase() === "any") return [{ milestoneId: { not: null } }];
  return [{ milestone: { title: milestone } }];
}

/** Conditions for the project's work items matching the filter; a model adds its own. */
export function workItemWhere<State extends string>(projectId: number, filter: WorkItemFilter<State>) {
  return [
    { projectId },
    filter.state && filter.state !== "all" ? { state: filter.state } : {},
    filter.iids ? { iid: { in: filter.iids } } : {},
    filter.search
      ? { OR: [{ title: { contains: filter.search, mode: "insensitive" as const } }, { description: { contains: filter.search, mode: "insensitive" as const } }] }
      : {},
    ...labelConditions(filter.labels),
    ...milestoneConditions(filter.milestone),
  ];
}

/** By creation or update time, then by iid; newest first unless asked otherwise. */
export function listOrderBy(order: ListOrder) {
  const direction = order.sort ?? "desc";
  return [order.orderBy === "updated_at" ? { updatedAt: direction } : { createdAt: direction }, { iid: direction }];
}
