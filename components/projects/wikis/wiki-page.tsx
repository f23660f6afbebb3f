import Link from "next/link";
import type { Project } from "@/lib/projects/read";
import { markupToMarkdown } from "@/lib/projects/creole";
import { encodeWikiSlug, FORMAT_NAMES, type WikiPageContent } from "@/lib/projects/wiki";
import { Markdown } from "@/components/projects/markdown";
import { projectHref } from "@/lib/projects/urls";

export function WikiPageView({ project, wiki }: { project: Project; wiki: WikiPageContent }) {
  const { page, content } = wiki;
  const directories = page.directory ? page.directory.split("/") : [];
  // Relative links in a page point at pages next to it, as in the wiki repository.
  const baseUrl = `${projectHref(project.fullPath, "wikis")}/${page.directory ? `${encodeWikiSlug(page.directory)}/` : ""}`;
  return (
    <article aria-labelledby="wiki-title">
      <nav aria-label="Wiki breadcrumb" className="text-sm text-slate-500">
        <ol className="flex flex-wrap items-center gap-1">
          <li>
            <Link href={projectHref(project.fullPath, "wikis")} className="text-brand-600 hover:underline">
              Wiki
            </Link>
          </li>
          {directories.map((directory, index) => (
            <li key={index} className="flex items-center gap-1">
              <span aria-hidden>/</span>
              <span>{directory}</span>
            </li>
          ))}
        </ol>
      </nav>
      <h1 id="wiki-title" className="mt-1 text-2xl font-semibold break-words text-slate-900">
        {page.title}
      </h1>

      <div className="mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="wiki-content" data-format={page.format}>
        {content === null ? (
          <p className="text-sm text-slate-600">This page is too large to display.</p>
        ) : page.format === "markdown" || page.format === "creole" ? (
          <>
            {page.format === "creole" && (
              <p className="mb-3 text-xs text-slate-500" data-testid="format-note">
                Written in Creole.
              </p>
            )}
            <Markdown source={markupToMarkdown(content, page.format, { wikiLinks: true, projectUrl: projectHref(project.fullPath) })} baseUrl={baseUrl} />
          </>
        ) : (
          <>
            <p className="mb-3 text-xs text-slate-500" data-testid="plain-text-note">
              {page.format === "text" ? "Shown as plain text." : `Written in ${FORMAT_NAMES[page.format]}; shown as plain text.`}
            </p>
            <pre className="overflow-x-auto font-mono text-sm leading-6 whitespace-pre-wrap text-slate-800">{content}</pre>
          </>
        )}
      </div>
    </article>
  );
}
