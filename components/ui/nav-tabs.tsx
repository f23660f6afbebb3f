"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** A row of page tabs; the tab whose path the current page is under is marked current. */
export function NavTabs({ label, tabs }: { label: string; tabs: ReadonlyArray<{ href: string; label: string }> }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label} className="mt-4 flex gap-1 border-b border-slate-200">
      {tabs.map((tab) => {
        const active = pathname === tab.href || pathname.startsWith(`${tab.href}/`);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px rounded-t border-b-2 px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 ${
              active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** A section of the site: its heading, its tabs, and the current tab's page below. */
export function TabbedSection({ heading, label, tabs, children }: { heading: ReactNode; label: string; tabs: ReadonlyArray<{ href: string; label: string }>; children: ReactNode }) {
  return (
    <div>
      {heading}
      <NavTabs label={label} tabs={tabs} />
      <div className="mt-6">{children}</div>
    </div>
  );
}
