import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth";
import { getSettings, type ImportSourceName } from "@/lib/settings";

export const metadata: Metadata = { title: "Import" };
export const dynamic = "force-dynamic";

/** The import pages, by the source each serves; an administrator's disabled sources are left out. */
const IMPORT_PAGES: Array<{ source: ImportSourceName; href: string; title: string; description: string }> = [
  { source: "bitbucket_cloud", href: "/import/bitbucket", title: "Bitbucket Cloud", description: "The repositories of all your workspaces." },
  { source: "github", href: "/import/github", title: "GitHub", description: "Repositories you own, collaborate on or reach through your organizations." },
  { source: "bitbucket_server", href: "/import/bitbucket_server", title: "Bitbucket Server or Data Center", description: "The repositories of the projects on your own Bitbucket server." },
];

export default async function ImportMenuPage() {
  await requireUser("/import");
  const { importSources } = await getSettings();
  const pages = IMPORT_PAGES.filter((page) => importSources[page.source]);
  return (
    <div>
      <h1 className="text-2xl font-semibold">Import a project</h1>
      {pages.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600" data-testid="no-import-sources">
          Every import source is disabled on this Ferry. An administrator can enable them in Admin → Settings.
        </p>
      ) : (
        <nav aria-label="Import sources" className="mt-6 grid gap-4 sm:grid-cols-2">
          {pages.map((page) => (
            <Link key={page.source} href={page.href} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm hover:border-brand-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
              <h2 className="font-medium">Import from {page.title}</h2>
              <p className="mt-1 text-sm text-slate-600">{page.description}</p>
            </Link>
          ))}
        </nav>
      )}
    </div>
  );
}
