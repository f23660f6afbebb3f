import Link from "next/link";
import type { ReactNode } from "react";

export type Tab = { key: string; label: string; href: string; count?: ReactNode };

const VARIANTS = {
  /** A page's sections, e.g. a project's Issues, Merge requests, Wiki. */
  sections: { nav: "mt-3", list: "gap-1 overflow-x-auto", link: "px-3 whitespace-nowrap" },
  /** Filters of one list, e.g. Open, Closed, All. */
  filters: { nav: "", list: "gap-4", link: "px-1" },
} as const;

/** A row of links, the current one underlined and marked for assistive technology. */
export function TabBar({ label, tabs, current, variant }: { label: string; tabs: readonly Tab[]; current: string; variant: keyof typeof VARIANTS }) {
  const style = VARIANTS[variant];
  return (
    <nav aria-label={label} className={`${style.nav} border-b border-slate-200`}>
      <ul className={`-mb-px flex ${style.list} text-sm`}>
        {tabs.map((tab) => {
          const active = tab.key === current;
          return (
            <li key={tab.key}>
              <Link
                href={tab.href}
                aria-current={active ? "page" : undefined}
                className={`inline-flex items-center gap-1.5 border-b-2 ${style.link} py-2 ${
                  active ? "border-brand-600 font-medium text-slate-900" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
                }`}
              >
                {tab.label}
                {tab.count}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function CountBadge({ count, title }: { count: number; title?: string }) {
  return (
    <span className="rounded-full bg-slate-100 px-1.5 text-xs text-slate-600" title={title}>
      {count.toLocaleString("en-US")}
    </span>
  );
}

export type StateTab = { value: string; label: string; count?: number };

/** Links that filter a list by `?state=`. */
export function StateTabs({ basePath, tabs, current, label }: { basePath: string; tabs: readonly StateTab[]; current: string; label: string }) {
  return (
    <TabBar
      label={label}
      variant="filters"
      current={current}
      tabs={tabs.map((tab) => ({
        key: tab.value,
        label: tab.label,
        href: `${basePath}?state=${encodeURIComponent(tab.value)}`,
        count: tab.count === undefined ? undefined : <CountBadge count={tab.count} />,
      }))}
    />
  );
}
