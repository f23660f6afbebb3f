"use client";

import { useSelectedLayoutSegment } from "next/navigation";
import { TabBar, type Tab } from "@/components/ui/tab-bar";

/** Overview, Commits, Changes; each tab's key is its route segment ("overview" for none). */
export function MergeRequestTabs({ tabs }: { tabs: readonly Tab[] }) {
  const segment = useSelectedLayoutSegment();
  return <TabBar label="Merge request" variant="sections" tabs={tabs} current={segment ?? "overview"} />;
}
