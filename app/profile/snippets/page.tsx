import type { Metadata } from "next";
import Link from "next/link";
import { GistsImport } from "@/components/profile/snippets/gists-import";
import { SnippetVisibilityBadge } from "@/components/snippets/snippet-parts";
import { ImportedBadge } from "@/components/projects/badges";
import { EmptyState, PageHeading } from "@/components/ui/page-blocks";
import { Pagination } from "@/components/ui/pagination";
import { Time } from "@/components/ui/time";
import { requireUser } from "@/lib/auth";
import { parsePage } from "@/lib/db/paging";
import { getSettings } from "@/lib/settings";
import { lastGistsImport, linkedGithubToken, listSnippets } from "@/lib/snippets";

export const metadata: Metadata = { title: "Snippets" };
export const dynamic = "force-dynamic";

/** Profile → Snippets: the user's snippets, and importing their GitHub gists as snippets. */
export default async function SnippetsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser("/profile/snippets");
  const page = parsePage((await searchParams).page);
  const [snippets, lastRun, githubToken, settings] = await Promise.all([
    listSnippets(user, { authorId: user.id, page }),
    lastGistsImport(user.id),
    linkedGithubToken(user.id),
    getSettings(),
  ]);
  return (
    <div className="space-y-6">
      <PageHeading title="Snippets">Your snippets: small sets of files with their history, such as the gists you brought over from GitHub.</PageHeading>
      {settings.importSources.github ? (
        <GistsImport initialRun={lastRun} githubLinked={githubToken !== null} />
      ) : (
        <p className="text-sm text-slate-600">Importing from GitHub is disabled on this Ferry, so gists cannot be imported.</p>
      )}
      <section aria-labelledby="snippets-heading" className="space-y-2">
        <h2 id="snippets-heading" className="text-lg font-semibold">
          Your snippets ({snippets.total})
        </h2>
        {snippets.total === 0 ? (
          <EmptyState testId="no-snippets">You have no snippets yet.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" aria-label="Your snippets">
            {snippets.items.map((snippet) => (
              <li key={snippet.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3" data-testid="snippet-row">
                <div className="min-w-0">
                  <Link href={`/snippets/${snippet.id}`} className="font-medium break-words text-brand-600 hover:underline">
                    {snippet.title}
                  </Link>
                  <p className="text-xs text-slate-500">
                    {snippet.files.length} {snippet.files.length === 1 ? "file" : "files"} · created <Time value={snippet.createdAt} />
                  </p>
                </div>
                <div className="flex items-center gap-2">
                  <ImportedBadge from={snippet.importSource} />
                  <SnippetVisibilityBadge visibility={snippet.visibility} />
                </div>
              </li>
            ))}
          </ul>
        )}
        <Pagination basePath="/profile/snippets" params={{}} page={snippets.page} pageCount={snippets.pageCount} label="Snippet pages" />
      </section>
    </div>
  );
}
