"use client";

import { useSelectedLayoutSegment } from "next/navigation";
import { TabBar, type Tab } from "@/components/ui/tab-bar";

/** Route segments that belong to one section. */
const SECTION_OF: Record<string, string> = { tree: "repository", blob: "repository", commits: "repository", commit: "repository", branches: "repository", tags: "repository" };

/** The section a route segment belongs to: route groups "(x)" and folders alike ("overview" for none). */
export function sectionOf(segment: string | null): string {
  const name = segment?.replace(/^\((.*)\)$/, "$1") ?? "overview";
  return SECTION_OF[name] ?? name;
}

/** The project's sections; each tab's key is the route segment it leads to ("overview" for none). */
export function ProjectNav({ tabs }: { tabs: readonly Tab[] }) {
  const segment = useSelectedLayoutSegment();
  return <TabBar label="Project" variant="sections" tabs={tabs} current={sectionOf(segment)} />;
}
