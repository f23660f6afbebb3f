import Link from "next/link";
import { cache, Suspense, type ReactNode } from "react";
import { projectCounts, type Project } from "@/lib/projects/read";
import { namespaceHref, projectHref, repositoryHref } from "@/lib/projects/urls";
import { CountBadge, type Tab } from "@/components/ui/tab-bar";
import { ProjectNav } from "./project-nav";

type Section = { segment: string; label: string; path: string[]; count?: "openIssues" | "openMergeRequests" };

/** Each section's `segment` is its folder (or route group) under app/projects/[project]. */
const SECTIONS: readonly Section[] = [
  { segment: "overview", label: "Overview", path: [] },
  { segment: "repository", label: "Repository", path: ["tree"] },
  { segment: "issues", label: "Issues", path: ["issues"], count: "openIssues" },
  { segment: "merge_requests", label: "Merge requests", path: ["merge_requests"], count: "openMergeRequests" },
  { segment: "labels", label: "Labels", path: ["labels"] },
  { segment: "milestones", label: "Milestones", path: ["milestones"] },
  { segment: "wikis", label: "Wiki", path: ["wikis"] },
  { segment: "import", label: "Import", path: ["import"] },
  { segment: "settings", label: "Settings", path: ["settings", "import"] },
];

/** Both counters share one query per request. */
const countsFor = cache(projectCounts);

async function SectionCount({ projectId, count, label }: { projectId: number; count: NonNullable<Section["count"]>; label: string }) {
  const counts = await countsFor(projectId);
  return <CountBadge count={counts[count]} title={`${counts[count]} open ${label.toLowerCase()}`} />;
}

/** The namespaces above the project, each a link to its group (or user) page, then the project. */
function Breadcrumbs({ project }: { project: Project }) {
  const namespaces = project.namespace.fullPath.split("/");
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
      <ol className="flex flex-wrap items-center gap-1">
        {namespaces.map((segment, index) => (
          <li key={index} className="flex items-center gap-1">
            <Link href={namespaceHref(namespaces.slice(0, index + 1).join("/"))} className="hover:text-slate-900 hover:underline">
              {segment}
            </Link>
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

function sectionTabs(project: Project, canManage: boolean): Tab[] {
  return SECTIONS.filter((section) => (section.segment !== "import" || project.import !== null) && (section.segment !== "settings" || canManage)).map((section) => ({
    key: section.segment,
    label: section.label,
    href: section.segment === "repository" && project.defaultBranch ? repositoryHref(project.fullPath, "tree", project.defaultBranch) : projectHref(project.fullPath, ...section.path),
    count: section.count && (
      <Suspense fallback={null}>
        <SectionCount projectId={project.id} count={section.count} label={section.label} />
      </Suspense>
    ),
  }));
}

/** The frame of every project page: breadcrumbs and the project's sections. */
export function ProjectShell({ project, canManage, children }: { project: Project; canManage: boolean; children: ReactNode }) {
  return (
    <div data-testid="project-page" data-project={project.fullPath}>
      <Breadcrumbs project={project} />
      <ProjectNav tabs={sectionTabs(project, canManage)} />
      <div className="mt-6">{children}</div>
    </div>
  );
}
