"use client";

import { useSelectedLayoutSegment } from "next/navigation";
import { TabBar, type Tab } from "@/components/ui/tab-bar";

const PAGE_OF: Record<string, string> = { tree: "files", blob: "files", commits: "commits", commit: "commits", branches: "branches", tags: "tags" };

/** Files, Commits, Branches, Tags of the repository; the tab's key is the page it covers. */
export function RepositoryNav({ tabs }: { tabs: readonly Tab[] }) {
  const segment = useSelectedLayoutSegment();
  return <TabBar label="Repository" variant="filters" tabs={tabs} current={PAGE_OF[segment ?? ""] ?? "files"} />;
}
