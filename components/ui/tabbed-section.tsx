import type { ReactNode } from "react";
import { PathTabs } from "./path-tabs";

/** A part of the site with its own tabs (administration, profile): a heading, the tabs, the page. */
export function TabbedSection({ heading, label, tabs, children }: { heading: ReactNode; label: string; tabs: ReadonlyArray<{ href: string; label: string }>; children: ReactNode }) {
  return (
    <div>
      {heading}
      <PathTabs label={label} tabs={tabs} />
      <div className="mt-6">{children}</div>
    </div>
  );
}
