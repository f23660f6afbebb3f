import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { Markdown } from "@/components/projects/markdown";
import { ImportedBadge, sourceName } from "@/components/projects/badges";
import { SnippetVisibilityBadge } from "@/components/snippets/snippet-parts";
import { formatBytes } from "@/components/archive/format";
import { PageHeading } from "@/components/ui/page-blocks";
import { Time } from "@/components/ui/time";
import { currentUser } from "@/lib/auth";
import { findSnippet, snippetFileContents } from "@/lib/snippets";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** The snippet of the URL if the visitor may read it; once per request for the metadata and the page. */
const snippetFor = cache(async (id: string) => (/^\d{1,9}$/.test(id) ? findSnippet(await currentUser(), Number(id)) : null));

async function loadSnippet(params: Params["params"]) {
  return snippetFor((await params).id);
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const snippet = await loadSnippet(params);
  return { title: snippet ? snippet.title : "Snippet" };
}

const MARKDOWN = /\.(md|markdown|mdown|mkd)$/i;

/** A snippet's files at its default branch: Markdown rendered (sanitized), everything else as text. */
export default async function SnippetPage({ params }: Params) {
  const snippet = await loadSnippet(params);
  if (!snippet) notFound();
  const files = await snippetFileContents(snippet);
  return (
    <div className="space-y-6">
      <PageHeading title={snippet.title}>
        <span className="inline-flex flex-wrap items-center gap-2">
          <SnippetVisibilityBadge visibility={snippet.visibility} />
          <ImportedBadge from={snippet.importSource} />
          <span>
            by {snippet.author.name ?? snippet.author.username} · created <Time value={snippet.createdAt} />
          </span>
          {snippet.sourceUrl && snippet.importSource && (
            <a href={snippet.sourceUrl} rel="noopener noreferrer nofollow" className="text-brand-600 underline">
              on {sourceName(snippet.importSource)}
            </a>
          )}
        </span>
      </PageHeading>
      {snippet.description && snippet.description !== snippet.title && <p className="text-sm text-slate-700">{snippet.description}</p>}
      {files.length === 0 && <p className="text-sm text-slate-600">This snippet has no files.</p>}
      {files.map((file) => (
        <section key={file.path} aria-label={file.path} data-testid="snippet-file" className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <header className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-2 text-sm">
            <h2 className="font-mono font-medium break-all text-slate-900">{file.path}</h2>
            <span className="shrink-0 text-xs text-slate-500">{formatBytes(file.size)}</span>
          </header>
          {file.text === null ? (
            <p className="px-4 py-3 text-sm text-slate-600">This file is binary or too large to show.</p>
          ) : MARKDOWN.test(file.path) ? (
            <Markdown source={file.text} className="px-4 py-3" />
          ) : (
            <pre className="overflow-x-auto px-4 py-3 font-mono text-xs leading-5 text-slate-800">
              <code>{file.text}</code>
            </pre>
          )}
        </section>
      ))}
    </div>
  );
}
