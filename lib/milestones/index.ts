import { db, type Prisma } from "@/lib/db";
import type { MilestoneState } from "@/lib/generated/prisma/enums";
import { loadPage, type PageOptions, type Paged } from "@/lib/db/paging";

/** A project's milestones, with their open and closed issue counts. */

export const milestoneSelect = { id: true, iid: true, projectId: true, title: true, description: true, state: true, dueDate: true, createdAt: true, updatedAt: true } satisfies Prisma.MilestoneSelect;
export type MilestoneItem = Prisma.MilestoneGetPayload<{ select: typeof milestoneSelect }>;

export type MilestoneWithCounts = MilestoneItem & { openIssues: number; closedIssues: number };

export type MilestoneFilter = { state?: MilestoneState; title?: string; search?: string; iids?: number[] };

/** Active milestones first, then by due date (none last) and title. */
export async function listMilestones(projectId: number, options: MilestoneFilter & PageOptions = {}): Promise<Paged<MilestoneWithCounts>> {
  const where: Prisma.MilestoneWhereInput = {
    projectId,
    ...(options.state ? { state: options.state } : {}),
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.search ? { title: { contains: options.search, mode: "insensitive" } } : {}),
    ...(options.iids ? { iid: { in: options.iids } } : {}),
  };
  const page = await loadPage(
    { perPage: "all", ...options },
    (range) =>
      db.milestone.findMany({
        where,
        select: milestoneSelect,
        orderBy: [{ state: "asc" }, { dueDate: { sort: "asc", nulls: "last" } }, { title: "asc" }, { id: "asc" }],
        ...range,
      }),
    () => db.milestone.count({ where }),
  );
  const groups = page.items.length
    ? await db.issue.groupBy({ by: ["milestoneId", "state"], where: { projectId, milestoneId: { in: page.items.map((milestone) => milestone.id) } }, _count: { _all: true } })
    : [];
  const countOf = (milestoneId: number, state: "opened" | "closed") => groups.find((group) => group.milestoneId === milestoneId && group.state === state)?._count._all ?? 0;
  return { ...page, items: page.items.map((milestone) => ({ ...milestone, openIssues: countOf(milestone.id, "opened"), closedIssues: countOf(milestone.id, "closed") })) };
}
