import type { Paged } from "@/lib/db/paging";
import type { Project } from "@/lib/projects/read";
import { PageHeading } from "@/components/ui/page-blocks";
import { Pagination } from "@/components/ui/pagination";
import { ProjectList, ProjectSearch } from "@/components/projects/project-list";

/** Every public project, newest first, searchable; open to anyone. */
export function ExplorePage({ projects, search }: { projects: Paged<Project>; search: string }) {
  return (
    <div data-testid="explore">
      <PageHeading title="Explore projects">Public projects on this Ferry.</PageHeading>
      <div className="mt-4 max-w-md">
        <ProjectSearch action="/explore" value={search} label="Search public projects" />
      </div>
      <div className="mt-4">
        <ProjectList projects={projects.items} label="Public projects" empty={search ? `No public project matches “${search}”.` : "There are no public projects yet."} />
        <Pagination basePath="/explore" params={search ? { search } : {}} page={projects.page} pageCount={projects.pageCount} label="Project pages" />
      </div>
    </div>
  );
}
