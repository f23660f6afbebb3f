import Link from "next/link";
import { cache, Suspense, type ReactNode } from "react";
import { projectCounts, type Project } from "@/lib/projects/queries";
import { projectHref, type ProjectTab } from "@/lib/projects/urls";

type NavItem = { tab: ProjectTab; label: string; path: string[]; count?: "openIssues" | "openMergeRequests" };

const NAV: readonly NavItem[] = [
  { tab: "overview", label: "Overview", path: [] },
  { tab: "issues", label: "Issues", path: ["issues"], count: "openIssues" },
  { tab: "merge_requests", label: "Merge requests", path: ["merge_requests"], count: "openMergeRequests" },
  { tab: "labels", label: "Labels", path: ["labels"] },
  { tab: "milestones", label: "Milestones", path: ["milestones"] },
  { tab: "wikis", label: "Wiki", path: ["wikis"] },
  { tab: "import", label: "Import", path: ["import"] },
  { tab: "settings", label: "Settings", path: ["settings", "import"] },
];

/** Both counters share one query per request. */
const countsFor = cache(projectCounts);

async function NavCount({ projectId, count, label }: { projectId: number; count: NonNullable<NavItem["count"]>; label: string }) {
  const counts = await countsFor(projectId);
  return (
    <span className="rounded-full bg-slate-100 px-1.5 text-xs text-slate-600" title={`${counts[count]} open ${label.toLowerCase()}`}>
      {counts[count].toLocaleString("en-US")}
    </span>
  );
}

function Breadcrumbs({ project }: { project: Project }) {
  const namespaces = project.namespace.fullPath.split("/");
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
      <ol className="flex flex-wrap items-center gap-1">
        {namespaces.map((segment, index) => (
          <li key={index} className="flex items-center gap-1">
            <span>{segment}</span>
            <span aria-hidden>/</span>
          </li>
        ))}
        <li>
          <Link href={projectHref(project.fullPath)} className="font-medium text-slate-700 hover:text-slate-900 hover:underline">
            {project.name}
          </Link>
        </li>
      </ol>
    </nav>
  );
}

function ProjectNav({ project, active, canManage }: { project: Project; active: ProjectTab; canManage: boolean }) {
  const items = NAV.filter((item) => (item.tab !== "import" || project.import !== null) && (item.tab !== "settings" || canManage));
  return (
    <nav aria-label="Project" className="mt-3 border-b border-slate-200">
      <ul className="-mb-px flex gap-1 overflow-x-auto text-sm">
        {items.map((item) => {
          const current = item.tab === active;
          return (
            <li key={item.tab}>
              <Link
                href={projectHref(project.fullPath, ...item.path)}
                aria-current={current ? "page" : undefined}
                className={`inline-flex items-center gap-1.5 border-b-2 px-3 py-2 whitespace-nowrap ${
                  current ? "border-brand-600 font-medium text-slate-900" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
                }`}
              >
                {item.label}
                {item.count && (
                  <Suspense fallback={null}>
                    <NavCount projectId={project.id} count={item.count} label={item.label} />
                  </Suspense>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** The frame of every project page: breadcrumbs and the project navigation. */
export function ProjectShell({ project, active, canManage = false, children }: { project: Project; active: ProjectTab; canManage?: boolean; children: ReactNode }) {
  return (
    <div data-testid="project-page" data-project={project.fullPath}>
      <Breadcrumbs project={project} />
      <ProjectNav project={project} active={active} canManage={canManage} />
      <div className="mt-6">{children}</div>
    </div>
  );
}
