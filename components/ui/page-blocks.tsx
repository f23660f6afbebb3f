import type { ReactNode } from "react";

/** A card with a small h2 heading. */
export function Section({ title, children, action, className = "" }: { title: string; children: ReactNode; action?: ReactNode; className?: string }) {
  return (
    <section className={`rounded-lg border border-slate-200 bg-white shadow-sm ${className}`}>
      <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-2.5">
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
        {action}
      </div>
      <div className="px-4 py-3">{children}</div>
    </section>
  );
}

/** A part of a page under a plain h2 heading (not a card). */
export function TitledSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="mb-3 text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

export function PageHeading({ title, children, actions }: { title: ReactNode; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-3">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold break-words text-slate-900">{title}</h1>
        {children && <div className="mt-1 text-sm text-slate-600">{children}</div>}
      </div>
      {actions}
    </div>
  );
}

export function EmptyState({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p data-testid={testId} className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600">
      {children}
    </p>
  );
}

/** A definition list row for sidebars. */
export function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="border-b border-slate-100 py-2.5 last:border-0">
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{term}</dt>
      <dd className="mt-1 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

/** A bordered, scrollable table; its caption is for screen readers. */
export function Table({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    // relative: absolutely positioned cells' contents (sr-only labels) are clipped by the scroll box too, instead of widening the page.
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export type Column = { label: string; align?: "right" };

/** A table with a header row of plain column names; the body rows are the children. */
export function DataTable({ caption, columns, children }: { caption: string; columns: readonly (string | Column)[]; children: ReactNode }) {
  return (
    <Table caption={caption}>
      <TableHead>
        {columns.map((column) => {
          const { label, align } = typeof column === "string" ? { label: column, align: undefined } : column;
          return (
            <HeaderCell key={label} className={align === "right" ? "text-right" : ""}>
              {label}
            </HeaderCell>
          );
        })}
      </TableHead>
      <tbody>{children}</tbody>
    </Table>
  );
}

export function HeaderCell({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    <th scope="col" className={`px-4 py-2 text-xs font-medium tracking-wide whitespace-nowrap text-slate-500 uppercase ${className}`}>
      {children}
    </th>
  );
}

export function TableHead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-slate-50">
      <tr>{children}</tr>
    </thead>
  );
}
