import type { ReactNode } from "react";
import { DataTable, EmptyState, type Column } from "@/components/ui/page-blocks";
import { Pagination } from "@/components/ui/pagination";
import { StateTabs, type StateTab } from "@/components/ui/tab-bar";
import type { Person } from "@/lib/users/people";
import { ListPage } from "./list-page";
import { OptionalPerson, PersonLabel } from "./person";

/** The part of a list a page shows: `?state=` and `?page=` under `basePath`. */
export type ListSlice<State extends string = string> = { basePath: string; state: State; page: number };

/** A list page filtered by state: the state tabs with their counts above the list. */
export function FilteredListPage({ title, slice, states, action, children }: { title: string; slice: ListSlice; states: readonly StateTab[]; action?: ReactNode; children: ReactNode }) {
  return (
    <ListPage
      title={title}
      action={action}
      filters={<StateTabs label={`Filter ${title.toLowerCase()} by state`} basePath={slice.basePath} current={slice.state} tabs={states} />}
      listKey={`${slice.state}:${slice.page}`}
    >
      {children}
    </ListPage>
  );
}

/** "There are no open issues.", "There are no merged merge requests.", "There are no issues." */
function emptyListText(caption: string, state: string): string {
  const adjective = state === "all" ? "" : `${state === "opened" ? "open" : state} `;
  return `There are no ${adjective}${caption.toLowerCase()}.`;
}

/** One page of a filtered list, with the page links below it; an empty page says why. */
export function PagedTable({
  caption,
  columns,
  slice,
  result,
  emptyTestId,
  children,
}: {
  caption: string;
  columns: readonly (string | Column)[];
  slice: ListSlice;
  result: { items: readonly unknown[]; pageCount: number };
  emptyTestId: string;
  children: ReactNode;
}) {
  return (
    <>
      {result.items.length === 0 ? (
        <EmptyState testId={emptyTestId}>{slice.page > 1 ? `There are no ${caption.toLowerCase()} on this page.` : emptyListText(caption, slice.state)}</EmptyState>
      ) : (
        <DataTable caption={caption} columns={columns}>
          {children}
        </DataTable>
      )}
      <Pagination basePath={slice.basePath} params={{ state: slice.state }} page={slice.page} pageCount={result.pageCount} label={`${caption.replace(/s$/, "")} pages`} />
    </>
  );
}

/** The Author and Assignee cells of an issue's or merge request's row. */
export function AuthorAndAssigneeCells({ author, assignee }: { author: Person; assignee: Person | null }) {
  return (
    <>
      <td className="px-4 py-2.5 whitespace-nowrap">
        <PersonLabel person={author} />
      </td>
      <td className="px-4 py-2.5 whitespace-nowrap">
        <OptionalPerson person={assignee} empty="Unassigned" />
      </td>
    </>
  );
}
