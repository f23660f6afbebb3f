import Link from "next/link";
import { Suspense } from "react";
import { config } from "@/lib/config";
import { repositoryRefCounts, type Project } from "@/lib/projects/read";
import { ImportStatusBadge, sourceName, VisibilityBadge } from "@/components/projects/badges";
import { CopyButton } from "@/components/ui/copy-button";
import { plural } from "@/components/ui/format";
import { Markdown } from "@/components/projects/markdown";
import { projectHref } from "@/lib/projects/urls";
import { InlineSkeleton } from "@/components/ui/skeletons";
import { Detail, PageHeading, Section } from "@/components/ui/page-blocks";

async function RefCounts({ projectId }: { projectId: number }) {
  const counts = await repositoryRefCounts(projectId);
  if (!counts) return <span className="text-slate-500">Repository not available yet</span>;
  return (
    <span data-testid="ref-counts">
      {plural(counts.branches, "branch", "branches")} · {plural(counts.tags, "tag")}
    </span>
  );
}

function CloneUrl({ project }: { project: Project }) {
  const url = `${config().NEXTAUTH_URL}/${project.fullPath}.git`;
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="clone-url" className="sr-only">
        HTTP clone URL
      </label>
      <input
        id="clone-url"
        readOnly
        value={url}
        className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-2 py-1.5 font-mono text-xs text-slate-700"
      />
      <CopyButton value={url} label="Copy clone URL" />
    </div>
  );
}

function ImportSummary({ project }: { project: Project }) {
  const run = project.import;
  if (!run) return null;
  return (
    <Section title="Import" action={<ImportStatusBadge status={run.status} />}>
      {project.importSource && (
        <p className="text-sm text-slate-700">
          From {sourceName(project.importType ?? "bitbucket")}{" "}
            {project.importUrl && /^https?:\/\//.test(project.importUrl) ? (
              <a href={project.importUrl} target="_blank" rel="noreferrer noopener" className="text-brand-600 hover:underline">
                {project.importSource}
              </a>
            ) : (
              <span className="font-medium">{project.importSource}</span>
            )}
        </p>
      )}
      {project.importWarning && (
        <p role="note" className="mt-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="import-warning">
          {project.importWarning}
        </p>
      )}
      <Link href={projectHref(project.fullPath, "import")} className="mt-2 inline-block text-sm font-medium text-brand-600 hover:underline">
        View import details
      </Link>
    </Section>
  );
}

export function OverviewPage({ project }: { project: Project }) {
  return (
    <div>
      <PageHeading
        title={
          <span className="inline-flex flex-wrap items-center gap-2">
            {project.name} <VisibilityBadge visibility={project.visibility} />
          </span>
        }
      >
        <span className="font-mono text-xs">{project.fullPath}</span>
      </PageHeading>

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <section aria-labelledby="about-heading" className="h-fit rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="about-heading" className="sr-only">
            About
          </h2>
          {project.description.trim() ? (
            <Markdown source={project.description} />
          ) : (
            <p className="text-sm text-slate-500 italic">No description.</p>
          )}
        </section>

        <div className="space-y-6">
          <Section title="Repository">
            <dl>
              <Detail term="Default branch">
                {project.defaultBranch ? <code className="font-mono text-xs">{project.defaultBranch}</code> : <span className="text-slate-500">None</span>}
              </Detail>
              <Detail term="Branches and tags">
                <Suspense fallback={<InlineSkeleton label="Loading branch and tag counts" />}>
                  <RefCounts projectId={project.id} />
                </Suspense>
              </Detail>
              <Detail term="Clone with HTTP">
                <CloneUrl project={project} />
              </Detail>
            </dl>
          </Section>
          <ImportSummary project={project} />
        </div>
      </div>
    </div>
  );
}
