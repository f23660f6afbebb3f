import Link from "next/link";

function pageHref(basePath: string, params: Record<string, string>, page: number): string {
  const query = new URLSearchParams(params);
  if (page > 1) query.set("page", String(page));
  else query.delete("page");
  const text = query.toString();
  return text ? `${basePath}?${text}` : basePath;
}

/** Previous / next links with the position, for `?page=` lists. */
export function Pagination({ basePath, params, page, pageCount, label }: { basePath: string; params: Record<string, string>; page: number; pageCount: number; label: string }) {
  if (pageCount <= 1 && page <= 1) return null;
  const linkClass = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-slate-700 hover:bg-slate-100";
  const disabledClass = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-400";
  return (
    <nav aria-label={label} className="mt-4 flex items-center justify-between text-sm">
      {page > 1 ? (
        <Link href={pageHref(basePath, params, Math.min(page - 1, pageCount))} rel="prev" className={linkClass}>
          Previous
        </Link>
      ) : (
        <span aria-disabled="true" className={disabledClass}>
          Previous
        </span>
      )}
      <span className="text-slate-600">{page <= pageCount ? `Page ${page} of ${pageCount}` : `The last page is ${pageCount}`}</span>
      {page < pageCount ? (
        <Link href={pageHref(basePath, params, page + 1)} rel="next" className={linkClass}>
          Next
        </Link>
      ) : (
        <span aria-disabled="true" className={disabledClass}>
          Next
        </span>
      )}
    </nav>
  );
}
