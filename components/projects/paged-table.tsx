import type { ReactNode } from "react";
import { DataTable, EmptyState, type Column } from "@/components/ui/page-blocks";
import { Pagination } from "@/components/ui/pagination";

/**
 * One page of a list filtered by `?state=`, with the page links below it. An empty page says why:
 * `emptyText` on the first page, that the page is past the end on any other.
 */
export function PagedTable({
  caption,
  columns,
  basePath,
  state,
  page,
  pageCount,
  rowCount,
  emptyTestId,
  emptyText,
  children,
}: {
  caption: string;
  columns: readonly (string | Column)[];
  basePath: string;
  state: string;
  page: number;
  pageCount: number;
  rowCount: number;
  emptyTestId: string;
  emptyText: string;
  children: ReactNode;
}) {
  return (
    <>
      {rowCount === 0 ? (
        <EmptyState testId={emptyTestId}>{page > 1 ? `There are no ${caption.toLowerCase()} on this page.` : emptyText}</EmptyState>
      ) : (
        <DataTable caption={caption} columns={columns}>
          {children}
        </DataTable>
      )}
      <Pagination basePath={basePath} params={{ state }} page={page} pageCount={pageCount} label={`${caption.replace(/s$/, "")} pages`} />
    </>
  );
}
