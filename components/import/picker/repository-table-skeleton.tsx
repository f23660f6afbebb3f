export function RepositoryTableSkeleton({ rows = 8 }: { rows?: number }) {
  return (
    <div className="mt-6" aria-busy="true" aria-label="Loading repositories">
      <div className="h-9 w-full max-w-sm animate-pulse rounded-md bg-slate-200" />
      <div className="mt-4 overflow-hidden rounded-lg border border-slate-200 bg-white">
        {Array.from({ length: rows }, (_, index) => (
          <div key={index} className="flex items-center gap-6 border-b border-slate-100 px-4 py-3 last:border-0" data-testid="skeleton-row">
            <div className="h-4 w-1/3 animate-pulse rounded bg-slate-200" />
            <div className="h-4 w-1/4 animate-pulse rounded bg-slate-100" />
            <div className="h-4 w-20 animate-pulse rounded bg-slate-100" />
          </div>
        ))}
      </div>
    </div>
  );
}
