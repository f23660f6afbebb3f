import Link from "next/link";
import type { CommitInfo } from "@/lib/git";
import { commitTitle } from "@/lib/repository";
import { projectHref } from "@/lib/projects/urls";
import { EmptyState } from "@/components/ui/page-blocks";
import { Time } from "@/components/ui/time";
import { shortSha } from "@/components/ui/format";

/** Commits, newest first: title (a link to the commit), author, date and short SHA. */
export function CommitList({ fullPath, commits, label }: { fullPath: string; commits: readonly CommitInfo[]; label: string }) {
  if (commits.length === 0) return <EmptyState>No commits.</EmptyState>;
  return (
    <ol aria-label={label} className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="commit-list">
      {commits.map((commit) => (
        <li key={commit.id} className="flex flex-col gap-1 px-4 py-2.5 sm:flex-row sm:items-center sm:justify-between sm:gap-4" data-testid="commit-row" data-sha={commit.id}>
          <div className="min-w-0">
            <Link href={projectHref(fullPath, "commit", commit.id)} className="font-medium break-words text-slate-900 hover:text-brand-700 hover:underline">
              {commitTitle(commit) || "(no message)"}
            </Link>
            <p className="text-xs text-slate-600">
              {commit.authorName} authored <Time value={new Date(commit.authoredDate)} />
            </p>
          </div>
          <code className="shrink-0 font-mono text-xs text-slate-700" title={commit.id}>
            {shortSha(commit.id)}
          </code>
        </li>
      ))}
    </ol>
  );
}
