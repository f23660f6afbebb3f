function Bar({ className }: { className: string }) {
  return <div className={`animate-pulse rounded bg-slate-200 ${className}`} />;
}

export function ListSkeleton({ rows = 6, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div aria-busy="true" aria-label={label} role="status" className="overflow-hidden rounded-lg border border-slate-200 bg-white">
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="flex items-center gap-6 border-b border-slate-100 px-4 py-3 last:border-0">
          <Bar className="h-4 w-1/3" />
          <Bar className="h-4 w-1/5 bg-slate-100" />
          <Bar className="h-4 w-16 bg-slate-100" />
        </div>
      ))}
    </div>
  );
}

export function NotesSkeleton({ count = 3 }: { count?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading activity" role="status" className="space-y-3">
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="flex items-center gap-2">
            <Bar className="h-5 w-5 rounded-full" />
            <Bar className="h-3 w-32" />
          </div>
          <Bar className="mt-3 h-3 w-3/4 bg-slate-100" />
          <Bar className="mt-2 h-3 w-1/2 bg-slate-100" />
        </div>
      ))}
    </div>
  );
}

export function CardSkeleton({ lines = 3, label = "Loading" }: { lines?: number; label?: string }) {
  return (
    <div aria-busy="true" aria-label={label} role="status" className="rounded-lg border border-slate-200 bg-white p-4">
      {Array.from({ length: lines }, (_, index) => (
        <Bar key={index} className={`h-3 bg-slate-100 ${index === 0 ? "w-1/3 bg-slate-200" : "mt-3 w-2/3"}`} />
      ))}
    </div>
  );
}

export function InlineSkeleton({ label = "Loading" }: { label?: string }) {
  return <span aria-busy="true" aria-label={label} role="status" className="inline-block h-3 w-10 animate-pulse rounded bg-slate-200 align-middle" />;
}

/** A list page while it loads: its heading, then rows. */
export function ListPageSkeleton({ title }: { title: string }) {
  return (
    <div>
      <h1 className="text-2xl font-semibold text-slate-900">{title}</h1>
      <div className="mt-4">
        <ListSkeleton label={`Loading ${title.toLowerCase()}`} />
      </div>
    </div>
  );
}

/** An issue, merge request or document while it loads: a title bar, the body, the activity. */
export function ItemPageSkeleton({ label }: { label: string }) {
  return (
    <div aria-busy="true" aria-label={label} role="status">
      <Bar className="h-4 w-48 bg-slate-100" />
      <Bar className="mt-3 h-7 w-2/3" />
      <div className="mt-6 space-y-6">
        <CardSkeleton lines={4} label="Loading description" />
        <NotesSkeleton />
      </div>
    </div>
  );
}
