import Link from "next/link";

export type StateTab = { value: string; label: string; count?: number };

/** Links that filter a list by `?state=`; the current one is marked for assistive technology. */
export function StateTabs({ basePath, tabs, current, label }: { basePath: string; tabs: readonly StateTab[]; current: string; label: string }) {
  return (
    <nav aria-label={label} className="border-b border-slate-200">
      <ul className="-mb-px flex gap-4 text-sm">
        {tabs.map((tab) => {
          const active = tab.value === current;
          return (
            <li key={tab.value}>
              <Link
                href={`${basePath}?state=${encodeURIComponent(tab.value)}`}
                aria-current={active ? "page" : undefined}
                className={`inline-flex items-center gap-1.5 border-b-2 px-1 py-2 ${
                  active ? "border-brand-600 font-medium text-slate-900" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
                }`}
              >
                {tab.label}
                {tab.count !== undefined && (
                  <span className="rounded-full bg-slate-100 px-1.5 text-xs text-slate-600">{tab.count.toLocaleString("en-US")}</span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
