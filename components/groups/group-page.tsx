import Link from "next/link";
import type { Role } from "@/lib/generated/prisma/enums";
import type { Paged } from "@/lib/db/paging";
import type { NamespaceItem } from "@/lib/namespaces/read";
import type { Project } from "@/lib/projects/read";
import type { Person } from "@/lib/users/people";
import { namespaceHref } from "@/lib/projects/urls";
import { Badge } from "@/components/projects/badges";
import { PersonLabel } from "@/components/projects/person";
import { GroupList, ProjectList } from "@/components/projects/project-list";
import { PageHeading, Section } from "@/components/ui/page-blocks";
import { Pagination } from "@/components/ui/pagination";
import { humanize } from "@/components/ui/format";

export type GroupPageData = {
  group: NamespaceItem;
  ancestors: Array<{ fullPath: string; name: string }>;
  projects: Paged<Project>;
  subgroups: NamespaceItem[];
  members: Array<{ role: Role; user: Person }>;
  moreMembers: boolean;
  /** The top-level group's placeholders page, for those who manage it. */
  placeholdersHref: string | null;
};

/** The groups above the current one, each a link, then the current group's name. */
export function GroupBreadcrumbs({ ancestors, current }: { ancestors: GroupPageData["ancestors"]; current: string }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
      <ol className="flex flex-wrap items-center gap-1">
        {ancestors.map((ancestor) => (
          <li key={ancestor.fullPath} className="flex items-center gap-1">
            <Link href={namespaceHref(ancestor.fullPath)} className="hover:text-slate-900 hover:underline">
              {ancestor.name}
            </Link>
            <span aria-hidden>/</span>
          </li>
        ))}
        <li>
          <span aria-current="page" className="font-medium text-slate-700">
            {current}
          </span>
        </li>
      </ol>
    </nav>
  );
}

/** A group: its projects (those the caller can read), subgroups and members; the placeholders link for its owners. */
export function GroupPage({ data }: { data: GroupPageData }) {
  const { group, projects } = data;
  return (
    <div data-testid="group-page" data-group={group.fullPath}>
      <GroupBreadcrumbs ancestors={data.ancestors} current={group.name} />
      <div className="mt-2">
        <PageHeading
          title={group.name}
          actions={
            data.placeholdersHref && (
              <Link href={data.placeholdersHref} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
                Placeholders
              </Link>
            )
          }
        >
          <span className="font-mono text-xs break-all">{group.fullPath}</span>
        </PageHeading>
        {group.description?.trim() && <p className="mt-2 text-sm text-slate-700">{group.description}</p>}
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <section aria-labelledby="group-projects" className="min-w-0">
          <h2 id="group-projects" className="mb-3 text-lg font-semibold text-slate-900">
            Projects <span className="text-sm font-normal text-slate-600">({projects.total})</span>
          </h2>
          <ProjectList projects={projects.items} label={`Projects of ${group.name}`} empty="This group has no projects you can see." />
          <Pagination basePath={namespaceHref(group.fullPath)} params={{}} page={projects.page} pageCount={projects.pageCount} label="Project pages" />
        </section>
        <div className="space-y-6">
          <Section title="Subgroups">
            <GroupList groups={data.subgroups} label={`Subgroups of ${group.name}`} empty="No subgroups." />
          </Section>
          <Section title="Members">
            {data.members.length === 0 ? (
              <p className="text-sm text-slate-600">No direct members; members of the groups above have access.</p>
            ) : (
              <ul className="space-y-2 text-sm" aria-label={`Members of ${group.name}`} data-testid="group-members">
                {data.members.map((member) => (
                  <li key={member.user.id} className="flex flex-wrap items-center justify-between gap-2">
                    <PersonLabel person={member.user} />
                    <Badge>{humanize(member.role)}</Badge>
                  </li>
                ))}
              </ul>
            )}
            {data.moreMembers && <p className="mt-2 text-xs text-slate-600">Only the first members are shown.</p>}
          </Section>
        </div>
      </div>
    </div>
  );
}
