import Link from "next/link";
import type { BranchRef, TagRef } from "@/lib/repository";
import { commitTitle } from "@/lib/repository";
import { projectHref, repositoryHref } from "@/lib/projects/urls";
import { Badge } from "@/components/projects/badges";
import { EmptyState, PageHeading } from "@/components/ui/page-blocks";
import { Time } from "@/components/ui/time";
import { shortSha } from "@/components/ui/format";

type Row = { name: string; commit: BranchRef["commit"]; badge?: string; message?: string | null };

function RefList({ fullPath, rows, label, testId }: { fullPath: string; rows: readonly Row[]; label: string; testId: string }) {
  if (rows.length === 0) return <EmptyState>No {label.toLowerCase()}.</EmptyState>;
  return (
    <ul aria-label={label} className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm">
      {rows.map((row) => (
        <li key={row.name} className="px-4 py-2.5" data-testid={testId} data-name={row.name}>
          <p className="flex flex-wrap items-center gap-2">
            <Link href={repositoryHref(fullPath, "tree", row.name)} className="font-mono text-sm font-medium break-all text-brand-700 hover:underline">
              {row.name}
            </Link>
            {row.badge && <Badge tone="blue">{row.badge}</Badge>}
          </p>
          {row.message && <p className="mt-0.5 text-sm break-words text-slate-700">{row.message}</p>}
          <p className="mt-0.5 flex flex-wrap items-center gap-x-2 text-xs text-slate-600">
            <Link href={projectHref(fullPath, "commit", row.commit.id)} className="font-mono text-brand-700 hover:underline">
              {shortSha(row.commit.id)}
            </Link>
            <span className="break-words">{commitTitle(row.commit)}</span>
            <span>
              · <Time value={new Date(row.commit.committedDate)} />
            </span>
          </p>
        </li>
      ))}
    </ul>
  );
}

export function BranchesPage({ fullPath, branches, defaultBranch }: { fullPath: string; branches: readonly BranchRef[]; defaultBranch: string | null }) {
  const rows = [...branches].sort((a, b) => Number(b.name === defaultBranch) - Number(a.name === defaultBranch) || b.commit.committedDate.localeCompare(a.commit.committedDate));
  return (
    <div>
      <PageHeading title="Branches" />
      <div className="mt-4">
        <RefList fullPath={fullPath} label="Branches" testId="branch-row" rows={rows.map((branch) => ({ ...branch, badge: branch.name === defaultBranch ? "default" : undefined }))} />
      </div>
    </div>
  );
}

export function TagsPage({ fullPath, tags }: { fullPath: string; tags: readonly TagRef[] }) {
  const rows = [...tags].sort((a, b) => b.commit.committedDate.localeCompare(a.commit.committedDate));
  return (
    <div>
      <PageHeading title="Tags" />
      <div className="mt-4">
        <RefList fullPath={fullPath} label="Tags" testId="tag-row" rows={rows.map((tag) => ({ name: tag.name, commit: tag.commit, message: tag.message }))} />
      </div>
    </div>
  );
}
