"use client";

import { useSelectedLayoutSegment } from "next/navigation";
import { TabBar, type Tab } from "@/components/ui/tab-bar";

/** The project's sections; each tab's key is the route segment it leads to ("overview" for none). */
export function ProjectNav({ tabs }: { tabs: readonly Tab[] }) {
  const segment = useSelectedLayoutSegment();
  return <TabBar label="Project" variant="sections" tabs={tabs} current={segment ?? "overview"} />;
}
