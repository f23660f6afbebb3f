import Link from "next/link";
import type { SessionUser } from "@/lib/auth";
import type { Paged } from "@/lib/db/paging";
import type { NamespaceItem } from "@/lib/namespaces/read";
import type { Project } from "@/lib/projects/read";
import { Pagination } from "@/components/ui/pagination";
import { Section } from "@/components/ui/page-blocks";
import { GroupList, ProjectList, ProjectSearch } from "@/components/projects/project-list";

const card = "block rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-brand-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600";

/** Where to go next: importing is one entry point among others. */
function EntryPoints() {
  return (
    <nav aria-label="Get started" className="grid gap-3 sm:grid-cols-2">
      <Link href="/import/bitbucket" className={card}>
        <span className="block font-medium text-slate-900">Import from Bitbucket Cloud</span>
        <span className="mt-1 block text-sm text-slate-600">See the repositories of all your workspaces and import them.</span>
      </Link>
      <Link href="/explore" className={card}>
        <span className="block font-medium text-slate-900">Explore public projects</span>
        <span className="mt-1 block text-sm text-slate-600">Browse what others on this Ferry have made public.</span>
      </Link>
    </nav>
  );
}

/** The signed-in user's home: their projects (newest imports first, searchable), their groups, and where to start. */
export function Dashboard({ user, projects, groups, search }: { user: SessionUser; projects: Paged<Project>; groups: readonly NamespaceItem[]; search: string }) {
  return (
    <div data-testid="dashboard">
      <h1 className="text-2xl font-semibold text-slate-900">Welcome, {user.name ?? user.username}</h1>
      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <section aria-labelledby="your-projects" className="min-w-0">
          <div className="mb-3 flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
            <h2 id="your-projects" className="text-lg font-semibold text-slate-900">
              Your projects <span className="text-sm font-normal text-slate-600">({projects.total})</span>
            </h2>
            <div className="sm:w-72">
              <ProjectSearch action="/" value={search} label="Search your projects" />
            </div>
          </div>
          <ProjectList
            projects={projects.items}
            label="Your projects"
            empty={search ? `No project of yours matches “${search}”.` : "You have no projects yet. Import a repository to get started."}
          />
          <Pagination basePath="/" params={search ? { search } : {}} page={projects.page} pageCount={projects.pageCount} label="Project pages" />
        </section>
        <div className="space-y-6">
          <EntryPoints />
          <Section title="Your groups">
            <GroupList groups={groups} label="Your groups" empty="You are not a member of any group." />
          </Section>
        </div>
      </div>
    </div>
  );
}
