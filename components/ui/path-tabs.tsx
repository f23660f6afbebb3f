"use client";

import { usePathname } from "next/navigation";
import { TabBar } from "./tab-bar";

/** Page tabs; the tab whose path the current page is under is the current one. */
export function PathTabs({ label, tabs }: { label: string; tabs: ReadonlyArray<{ href: string; label: string }> }) {
  const pathname = usePathname();
  const current = tabs.find((tab) => pathname === tab.href || pathname.startsWith(`${tab.href}/`))?.href ?? "";
  return <TabBar label={label} variant="sections" current={current} tabs={tabs.map((tab) => ({ key: tab.href, label: tab.label, href: tab.href }))} />;
}
