import Link from "next/link";
import type { NamespaceItem } from "@/lib/namespaces/read";
import type { Project } from "@/lib/projects/read";
import { namespaceHref, projectHref } from "@/lib/projects/urls";
import { EmptyState } from "@/components/ui/page-blocks";
import { Time } from "@/components/ui/time";
import { ImportStatusBadge, VisibilityBadge } from "./badges";

/** One project per row: name and full path, visibility, import status, description, last update. */
export function ProjectList({ projects, empty, label }: { projects: readonly Project[]; empty: string; label: string }) {
  if (projects.length === 0) return <EmptyState testId="project-list-empty">{empty}</EmptyState>;
  return (
    <ul aria-label={label} className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="project-list">
      {projects.map((project) => (
        <li key={project.id} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-center sm:justify-between sm:gap-4" data-testid="project-row" data-project={project.fullPath}>
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2">
              <Link href={projectHref(project.fullPath)} className="font-medium break-all text-slate-900 hover:text-brand-700 hover:underline">
                {project.namespace.fullPath} / {project.name}
              </Link>
              <VisibilityBadge visibility={project.visibility} />
              {project.import && <ImportStatusBadge status={project.import.status} />}
            </p>
            {project.description.trim() && <p className="mt-0.5 line-clamp-2 text-sm break-words text-slate-600">{project.description}</p>}
          </div>
          <p className="shrink-0 text-xs text-slate-600">
            {project.import ? "Imported" : "Created"} <Time value={project.createdAt} />
          </p>
        </li>
      ))}
    </ul>
  );
}

/** Groups as links, with their full paths. */
export function GroupList({ groups, empty, label }: { groups: readonly NamespaceItem[]; empty: string; label: string }) {
  if (groups.length === 0) return <p className="text-sm text-slate-600">{empty}</p>;
  return (
    <ul aria-label={label} className="space-y-1.5 text-sm" data-testid="group-list">
      {groups.map((group) => (
        <li key={group.id} data-testid="group-row" data-group={group.fullPath}>
          <Link href={namespaceHref(group.fullPath)} className="font-medium break-all text-brand-700 hover:underline">
            {group.name}
          </Link>
          {group.fullPath !== group.name && <span className="ml-1.5 font-mono text-xs break-all text-slate-600">{group.fullPath}</span>}
        </li>
      ))}
    </ul>
  );
}

/** A search box for a project list (`?search=`), submitted as a plain GET form. */
export function ProjectSearch({ action, value, label }: { action: string; value: string; label: string }) {
  return (
    <form action={action} method="get" role="search" className="flex gap-2">
      <label htmlFor="project-search" className="sr-only">
        {label}
      </label>
      <input
        id="project-search"
        name="search"
        type="search"
        defaultValue={value}
        placeholder={label}
        className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm focus:border-brand-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
      />
      <button type="submit" className="shrink-0 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
        Search
      </button>
    </form>
  );
}
