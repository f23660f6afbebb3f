import { db, Prisma } from "@/lib/db";
import { loadPage, type PageOptions, type Paged } from "@/lib/db/paging";

/** A project's labels, with how many of its open and closed issues and open merge requests carry each. */

export const labelSelect = { id: true, title: true, color: true, description: true } satisfies Prisma.LabelSelect;
export type LabelSummary = Prisma.LabelGetPayload<{ select: typeof labelSelect }>;

export type LabelWithCounts = LabelSummary & { openIssues: number; closedIssues: number; openMergeRequests: number };

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
    ? await db.$queryRaw<{ label_id: number; open_issues: bigint; closed_issues: bigint; open_merge_requests: bigint }[]>`
        SELECT label_id,
          count(*) FILTER (WHERE kind = 'issue' AND state = 'opened') AS open_issues,
          count(*) FILTER (WHERE kind = 'issue' AND state = 'closed') AS closed_issues,
          count(*) FILTER (WHERE kind = 'merge_request') AS open_merge_requests
        FROM (
          SELECT il.label_id, 'issue' AS kind, i.state::text AS state
          FROM issue_labels il JOIN issues i ON i.id = il.issue_id
          WHERE il.label_id IN (${Prisma.join(ids)})
          UNION ALL
          SELECT ml.label_id, 'merge_request', m.state::text
          FROM merge_request_labels ml JOIN merge_requests m ON m.id = ml.merge_request_id
          WHERE ml.label_id IN (${Prisma.join(ids)}) AND m.state = 'opened'
        ) labelled
        GROUP BY label_id`
    : [];
  const countsOf = new Map(counts.map((row) => [row.label_id, row]));
  return {
    ...page,
    items: page.items.map((label) => {
      const row = countsOf.get(label.id);
      return { ...label, openIssues: Number(row?.open_issues ?? 0), closedIssues: Number(row?.closed_issues ?? 0), openMergeRequests: Number(row?.open_merge_requests ?? 0) };
    }),
  };
}
