import Link from "next/link";
import type { Project } from "@/lib/projects/read";
import { encodeWikiSlug, listWikiPages, type WikiPage } from "@/lib/projects/wiki";
import { projectHref } from "@/lib/projects/urls";
import { EmptyState } from "@/components/ui/page-blocks";
import { ImportSettingsLink, ListPage } from "../list-page";

export function wikiHref(project: Project, slug: string): string {
  return `${projectHref(project.fullPath, "wikis")}/${encodeWikiSlug(slug)}`;
}

function groupByDirectory(pages: readonly WikiPage[]): [string, WikiPage[]][] {
  const groups = new Map<string, WikiPage[]>();
  for (const page of pages) {
    const group = groups.get(page.directory);
    if (group) group.push(page);
    else groups.set(page.directory, [page]);
  }
  return [...groups.entries()];
}

async function WikiPageList({ project }: { project: Project }) {
  const pages = await listWikiPages(project.id);
  if (pages === null) return <EmptyState testId="wiki-empty">This project has no wiki.</EmptyState>;
  if (pages.length === 0) return <EmptyState testId="wiki-empty">The wiki has no pages yet.</EmptyState>;
  return (
    <div className="space-y-4" data-testid="wiki-pages">
      {groupByDirectory(pages).map(([directory, group]) => (
        <section key={directory} aria-label={directory || "Top-level pages"} className="rounded-lg border border-slate-200 bg-white shadow-sm">
          {directory && (
            <h2 className="border-b border-slate-100 px-4 py-2 font-mono text-xs font-semibold text-slate-600">{directory}/</h2>
          )}
          <ul className="divide-y divide-slate-100 text-sm">
            {group.map((page) => (
              <li key={page.slug} className="flex items-center justify-between gap-3 px-4 py-2">
                <Link href={wikiHref(project, page.slug)} className="font-medium text-brand-600 hover:underline" data-testid="wiki-page-link">
                  {page.title}
                </Link>
                <span className="text-xs text-slate-500">{page.path.slice(page.path.lastIndexOf(".") + 1)}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

export function WikiIndexPage({ project, canManage = false }: { project: Project; canManage?: boolean }) {
  return (
    <ListPage title="Wiki" subtitle="All pages" action={canManage ? <ImportSettingsLink project={project}>Import a wiki</ImportSettingsLink> : undefined}>
      <WikiPageList project={project} />
    </ListPage>
  );
}
