import { db, Prisma } from "@/lib/db";
import { loadPage, type PageOptions, type Paged } from "@/lib/db/paging";

/** A project's labels, with how many of its open and closed issues carry each. */

export const labelSelect = { id: true, title: true, color: true, description: true } satisfies Prisma.LabelSelect;
export type LabelSummary = Prisma.LabelGetPayload<{ select: typeof labelSelect }>;

export type LabelWithCounts = LabelSummary & { openIssues: number; closedIssues: number };

/** Labels by title; `search` matches part of the title, ignoring case. */
export async function listLabels(projectId: number, options: { search?: string } & PageOptions = {}): Promise<Paged<LabelWithCounts>> {
  const where: Prisma.LabelWhereInput = { projectId, ...(options.search ? { title: { contains: options.search, mode: "insensitive" } } : {}) };
  const page = await loadPage(
    { perPage: "all", ...options },
    (range) => db.label.findMany({ where, select: labelSelect, orderBy: [{ title: "asc" }, { id: "asc" }], ...range }),
    () => db.label.count({ where }),
  );
  const ids = page.items.map((label) => label.id);
  const counts = ids.length
    ? await db.$queryRaw<{ label_id: number; state: string; count: bigint }[]>`
        SELECT il.label_id, i.state::text AS state, count(*) AS count
        FROM issue_labels il JOIN issues i ON i.id = il.issue_id
        WHERE il.label_id IN (${Prisma.join(ids)})
        GROUP BY il.label_id, i.state`
    : [];
  const countOf = (labelId: number, state: string) => Number(counts.find((row) => row.label_id === labelId && row.state === state)?.count ?? 0);
  return { ...page, items: page.items.map((label) => ({ ...label, openIssues: countOf(label.id, "opened"), closedIssues: countOf(label.id, "closed") })) };
}
