import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import type { Project } from "@/lib/projects/read";
import { projectHref } from "@/lib/projects/urls";
import { PageHeading } from "@/components/ui/page-blocks";
import { ListSkeleton } from "@/components/ui/skeletons";

/**
 * The frame of a project's list pages (issues, merge requests, labels, milestones, wiki): the
 * heading with an optional action, optional filter tabs, and the list streamed in behind a
 * skeleton. `listKey` names the list's query, so a new filter or page shows the skeleton again.
 */
export function ListPage({
  title,
  subtitle,
  action,
  filters,
  listKey,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  action?: ReactNode;
  filters?: ReactNode;
  listKey?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <PageHeading title={title} actions={action}>
        {subtitle}
      </PageHeading>
      {filters && <div className="mt-4">{filters}</div>}
      <div className="mt-4">
        <Suspense key={listKey} fallback={<ListSkeleton label={`Loading ${title.toLowerCase()}`} />}>
          {children}
        </Suspense>
      </div>
    </div>
  );
}

/** A link to the project's import settings; shown to those who may manage the project. */
export function ImportSettingsLink({ project, children }: { project: Project; children: ReactNode }) {
  return (
    <Link href={projectHref(project.fullPath, "settings", "import")} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
      {children}
    </Link>
  );
}
